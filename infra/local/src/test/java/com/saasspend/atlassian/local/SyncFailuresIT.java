package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.local.testing.TestTemplates;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What ops sees when the Atlassian sync worker fails (README, "What a sync failure does"), end to end through the
 * local stack: a transient failure is retried by Lambda and then lands in the template's failure queue as Lambda's
 * OnFailure record, which {@code infra/scripts/replay-failures} (README, "Replaying failures") puts back on the bus
 * once Atlassian answers again; a permanent one (revoked key) runs once, pauses the integration and is counted.
 *
 * <p>What is real and what is emulated: the table, the bus, the rule queues and the failure queue are moto's (the
 * template's resources, created by the local stack); the EventBridge rule with the template's pattern is moto's; the
 * Atlassian APIs are the simulator's, failing through its fault switches (503 on every org call; a revoked org key
 * answering 401). moto cannot run Java functions, so the Lambda service's part is the local stack's emulation
 * ({@link EventRuleRouter}): it invokes the worker in this JVM, retries a failed event per the function's
 * {@code EventInvokeConfig.MaximumRetryAttempts} (read from template.yaml here, not assumed), and then sends the
 * OnFailure record to the destination the template names. This test therefore proves our worker's decisions (raise or
 * not, what it counts, what it stores) and the emulator's record format; the retry timing of real Lambda is not shown.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncFailuresIT {
    private static final String TENANT = LocalStack.DEMO_TENANT;
    private static final String WORKER = "AtlassianSyncFunction";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static AtlassianSimulator simulator;
    private static uk.org.webcompere.systemstubs.environment.EnvironmentVariables environment;
    private static LocalStack stack;
    private static SamTemplate template;
    private static SqsClient sqs;
    private static String token;
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();

    @BeforeAll
    static void startTheStack() throws Exception {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            fail("AWS_ENDPOINT_URL is not set: run `make test` (it starts moto), or start moto_server and export AWS_ENDPOINT_URL");
        }
        template = TestTemplates.real();
        String stackName = "fail-" + UUID.randomUUID().toString().substring(0, 8);
        simulator = AtlassianSimulator.start(0, LocalWorld.connectableDemo());
        Path stateDir = Files.createTempDirectory("sync-failures-it");
        LocalStackOptions options = LocalStackOptions.forTests(TestTemplates.realPath(), stackName, simulator.baseUrl(), stateDir);
        TemplateValues values = new TemplateValues(template, stackName, Objects.requireNonNullElse(System.getenv("AWS_REGION"), "us-east-1"),
                LocalStack.ACCOUNT_ID, endpoint, Map.of());
        Map<String, String> env = new HashMap<>(LocalStack.requiredEnvironment(template, values, simulator.baseUrl()));
        // The client's own retries of a 503 wait milliseconds, not the production minute, so each attempt is quick.
        env.put("ATLASSIAN_RETRY_MAX_DELAY_MS", "20");
        environment = new uk.org.webcompere.systemstubs.environment.EnvironmentVariables(env);
        environment.setup();
        // Everything the functions write (log and metric lines), kept for the assertions and still printed.
        Log.output(new PrintStream(new Tee(System.out, CAPTURED), true, StandardCharsets.UTF_8));
        stack = LocalStack.start(options, template);
        sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.builder().build()).build();
        token = stack.authority().mint(TENANT, "admin@acme.example", Duration.ofHours(1));
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        Log.output(System.out);
        if (stack != null) {
            stack.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (environment != null) {
            environment.teardown();
        }
    }

    @Test
    @Order(1)
    void theDemoOrgConnectsAndItsFirstSyncCompletes() throws Exception {
        HttpResponse<String> connected = api("POST", "/integrations/atlassian", "{\"orgId\":\"" + DemoCredentials.ORG_ID
                + "\",\"apiKey\":\"" + DemoCredentials.ORG_API_KEY + "\",\"apiKeyExpiresOn\":\"2027-09-30\"}");
        assertEquals(201, connected.statusCode(), connected.body());
        JsonNode atlassian = awaitIntegration(i -> i.hasNonNull("lastSuccessfulSyncAt"), "a completed first sync");
        assertEquals("connected", atlassian.path("status").asText(), atlassian.toString());
    }

    @Test
    @Order(2)
    void aTransientFailureIsRetriedThenKeptInTheFailureQueueAsLambdasRecordWhichReplays() throws Exception {
        int retries = maximumRetryAttempts();
        String workerArn = stack.values().attribute(WORKER, "Arn");
        simulator.faults().failShare(1.0, 503, "/orgs/" + DemoCredentials.ORG_ID);
        String correlationId;
        try {
            correlationId = requestSync();
            JsonNode record = awaitFailureRecord(workerArn, correlationId);

            assertEquals("1.0", record.path("version").asText(), record.toString());
            Instant.parse(record.path("timestamp").asText());
            JsonNode context = record.path("requestContext");
            assertEquals(workerArn + ":$LATEST", context.path("functionArn").asText(), record.toString());
            assertEquals("RetriesExhausted", context.path("condition").asText(), record.toString());
            assertEquals(1 + retries, context.path("approximateInvokeCount").asInt(), record.toString());
            JsonNode event = record.path("requestPayload");
            assertEquals("IntegrationSyncRequested", event.path("detail-type").asText(), "the event as the rule delivered it: " + event);
            assertEquals(TENANT, event.path("detail").path("tenantId").asText(), event.toString());
            assertEquals("atlassian", event.path("detail").path("integration").asText(), event.toString());
            JsonNode response = record.path("responseContext");
            assertEquals(200, response.path("statusCode").asInt(), record.toString());
            assertEquals("$LATEST", response.path("executedVersion").asText(), record.toString());
            assertEquals("Unhandled", response.path("functionError").asText(), record.toString());
            JsonNode error = record.path("responsePayload");
            assertTrue(error.path("errorType").asText().endsWith("TransientSyncFailure"), error.toString());
            assertTrue(error.path("errorMessage").asText().contains("UNAVAILABLE"), error.toString());
            assertTrue(error.path("stackTrace").size() > 0, error.toString());

            // Invoked exactly 1 + MaximumRetryAttempts times, all under the event's one request id; each counted failed.
            List<JsonNode> invocations = workerLines(correlationId, l -> "sync request received".equals(l.path("message").asText()));
            assertEquals(1 + retries, invocations.size(), "worker invocations for the event: " + invocations);
            assertTrue(invocations.stream().allMatch(l -> context.path("requestId").asText().equals(l.path("requestId").asText())),
                    "retries keep the event's request id: " + invocations);
            List<JsonNode> failed = syncsFailed(correlationId);
            assertEquals(1 + retries, failed.size(), "one SyncsFailed data point per attempt: " + failed);
            assertTrue(failed.stream().allMatch(l -> "UNAVAILABLE".equals(l.path("FailureKind").asText())), failed.toString());
            // The emulator deletes the event right after sending the record: no attempt follows it.
            awaitRuleDrained();
            assertEquals(1 + retries, workerLines(correlationId, l -> "sync request received".equals(l.path("message").asText())).size(),
                    "no invocation after the record");
        } finally {
            simulator.faults().clear();
        }
        // Atlassian is back: ops replays the kept record with the README's script; the event, unchanged, syncs.
        String replayed = replayFailures();
        assertTrue(replayed.strip().endsWith("{\"replayed\": 1, \"superseded\": 0, \"left\": 0}"), replayed);
        awaitIntegration(i -> "connected".equals(i.path("status").asText())
                && !workerLines(correlationId, l -> l.has("SyncsCompleted")).isEmpty(), "the replayed request's completed sync");
    }

    /** infra/scripts/replay-failures (the project's venv: boto3) on the worker's failure queue and bus, against moto. */
    private static String replayFailures() throws Exception {
        Path root = TestTemplates.realPath().toAbsolutePath().getParent();
        Path python = root.resolve(".venv/bin/python");
        assertTrue(Files.isExecutable(python), "the project venv (boto3) is missing: source infra/scripts/lib.sh && ensure_venv");
        String bus = stack.router().routes().stream().filter(r -> r.function().definition().logicalId().equals(WORKER))
                .findFirst().orElseThrow().busName();
        // The child inherits AWS_ENDPOINT_URL and the dummy credentials that point this run at moto.
        Process process = new ProcessBuilder(python.toString(), root.resolve("infra/scripts/replay-failures").toString(),
                "--queue-url", failureQueueUrl(), "--bus", bus).redirectErrorStream(true).start();
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "replay-failures did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    @Order(3)
    void aRevokedKeyRunsOncePausesTheIntegrationAndIsCountedNotRetried() throws Exception {
        String workerArn = stack.values().attribute(WORKER, "Arn");
        assertTrue(simulator.world().revokeKey(DemoCredentials.ORG_API_KEY), "the simulator knows the demo org's key");
        String correlationId = requestSync();
        // Handled once the worker got it and the emulator deleted it (a returned invocation) or kept it (a retry).
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (workerLines(correlationId, l -> "sync request received".equals(l.path("message").asText())).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the worker got no sync request within " + WAIT);
            Thread.sleep(200);
        }
        awaitRuleDrained();

        JsonNode atlassian = awaitIntegration(i -> true, "the integration");
        assertEquals("error", atlassian.path("status").asText(), atlassian.toString());
        assertTrue(atlassian.path("lastError").asText().contains("rotate"), "the reason tells the admin to rotate: " + atlassian);
        Integration stored = new DynamoIntegrationStore(AwsClients.fromEnvironment().dynamoDb(), stack.resources().get("StateTable"))
                .find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
        assertEquals(IntegrationStatus.ERROR, stored.status());
        assertTrue(stored.syncPaused(), "syncs wait for a rotated key");

        List<JsonNode> invocations = workerLines(correlationId, l -> "sync request received".equals(l.path("message").asText()));
        assertEquals(1, invocations.size(), "invoked once, not retried: " + invocations);
        List<JsonNode> failed = syncsFailed(correlationId);
        assertEquals(1, failed.size(), "one SyncsFailed data point: " + failed);
        assertEquals("UNAUTHORIZED", failed.get(0).path("FailureKind").asText(), failed.toString());
        assertEquals(List.of(List.of("Integration"), List.of("Integration", "FailureKind")), dimensionSets(failed.get(0)));
        assertTrue(failureRecords(workerArn, correlationId, Duration.ofSeconds(2)).isEmpty(),
                "a permanent failure sends nothing to the failure queue");
    }

    // ------------------------------------------------------------------ helpers

    /** The worker's MaximumRetryAttempts in template.yaml (Lambda's default, 2, when the template leaves it out). */
    private static int maximumRetryAttempts() {
        return template.resource(WORKER).path("Properties").path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(2);
    }

    /** The queue template.yaml names as the worker's OnFailure destination ({@code !GetAtt Queue.Arn}), as a local URL. */
    private static String failureQueueUrl() {
        JsonNode onFailure = template.resource(WORKER).path("Properties").path("EventInvokeConfig").path("DestinationConfig")
                .path("OnFailure");
        assertEquals("SQS", onFailure.path("Type").asText(), "template.yaml gives " + WORKER + " an SQS OnFailure destination");
        String logicalId = onFailure.path("Destination").asText().split("\\.")[0];
        assertEquals("AWS::SQS::Queue", template.resourceType(logicalId), logicalId);
        return stack.resources().get(logicalId);
    }

    /** POST /integrations/atlassian/sync; answers the request id, which the sync event carries as its correlation id. */
    private static String requestSync() throws Exception {
        HttpResponse<String> response = api("POST", "/integrations/atlassian/sync", null);
        assertEquals(202, response.statusCode(), response.body());
        return response.headers().firstValue("apigw-requestid").orElseThrow();
    }

    private static JsonNode awaitFailureRecord(String workerArn, String correlationId) throws Exception {
        List<JsonNode> records = failureRecords(workerArn, correlationId, WAIT);
        if (records.isEmpty()) {
            throw new AssertionError("no OnFailure record of " + WORKER + " for request " + correlationId + " within " + WAIT);
        }
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    /** Reads the failure queue for up to {@code wait}, answering the records of this worker and event (left in the queue). */
    private static List<JsonNode> failureRecords(String workerArn, String correlationId, Duration wait) throws Exception {
        String queue = failureQueueUrl();
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            for (Message message : sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                JsonNode record = ApiGatewayEvents.JSON.readTree(message.body());
                if (record.path("requestContext").path("functionArn").asText().startsWith(workerArn)
                        && correlationId.equals(record.path("requestPayload").path("detail").path("correlationId").asText())) {
                    found.add(record);
                }
                // Left in the queue, visible again at once: ops replays from there.
                sqs.changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
            }
        }
        return found;
    }

    /** Messages on the worker's rule queue, visible or being handled: 0 once the event was deleted (done or sent on). */
    private static int pendingOnTheWorkersRule() {
        EventRuleRouter.Route route = stack.router().routes().stream()
                .filter(r -> r.function().definition().logicalId().equals(WORKER)).findFirst().orElseThrow();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(route.queueUrl()).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Waits until the worker's rule queue holds nothing: the emulator deleted the event, so no retry can follow. */
    private static void awaitRuleDrained() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pendingOnTheWorkersRule() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the worker's rule queue still holds the event after " + WAIT);
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode awaitIntegration(Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode atlassian = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode i : ApiGatewayEvents.JSON.readTree(api("GET", "/integrations", null).body()).path("integrations")) {
                if ("atlassian".equals(i.path("type").asText())) {
                    atlassian = i;
                }
            }
            if (atlassian != null && done.test(atlassian)) {
                return atlassian;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + what + " within " + WAIT + ": " + atlassian);
    }

    /** The captured lines (log and metric) the worker wrote for this correlation id that match {@code filter}. */
    private static List<JsonNode> workerLines(String correlationId, Predicate<JsonNode> filter) {
        String function = stack.values().physicalName(WORKER);
        List<JsonNode> lines = new ArrayList<>();
        String text;
        synchronized (CAPTURED) {
            text = CAPTURED.toString(StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                JsonNode node = ApiGatewayEvents.JSON.readTree(line);
                if (function.equals(node.path("function").asText()) && correlationId.equals(node.path("correlationId").asText())
                        && filter.test(node)) {
                    lines.add(node);
                }
            } catch (java.io.IOException partial) {
                // a line being written as we read
            }
        }
        return lines;
    }

    private static List<JsonNode> syncsFailed(String correlationId) {
        return workerLines(correlationId, l -> l.has("_aws") && l.has("SyncsFailed"));
    }

    private static List<List<String>> dimensionSets(JsonNode metricLine) {
        List<List<String>> sets = new ArrayList<>();
        for (JsonNode set : metricLine.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions")) {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            sets.add(names);
        }
        return sets;
    }

    private static HttpResponse<String> api(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Writes to the console and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream capture;

        Tee(OutputStream console, ByteArrayOutputStream capture) {
            this.console = console;
            this.capture = capture;
        }

        @Override
        public void write(int b) {
            synchronized (capture) {
                capture.write(b);
            }
            try {
                console.write(b);
            } catch (java.io.IOException ignored) {
                // the console is for reading along only
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (capture) {
                capture.write(bytes, offset, length);
            }
            try {
                console.write(bytes, offset, length);
            } catch (java.io.IOException ignored) {
                // the console is for reading along only
            }
        }
    }
}
