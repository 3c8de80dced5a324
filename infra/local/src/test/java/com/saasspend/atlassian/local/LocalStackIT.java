package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.local.testing.RecordingEventHandler;
import com.saasspend.atlassian.local.testing.TestTemplates;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import uk.org.webcompere.systemstubs.environment.EnvironmentVariables;

/**
 * The local stack in this JVM, as `make run` starts it: template.yaml's resources on moto (unique names), its routes on
 * a free port behind the local JWT authorizer, the simulator on a free port; then the README walkthrough, step by step.
 * The template gets one extra function, a recording worker on the sync bus's rule, to see that the bus routes sync
 * requests to functions as deployed.
 *
 * <p>Steps run in order and build on each other (one tenant's story). Later features append their steps at the end:
 * the first sync (lastSuccessfulSyncAt), GET /users?status=inactive, POST /reclaims/plan, POST /reclaims, undo.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {
    private static final String TENANT = LocalStack.DEMO_TENANT;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static AtlassianSimulator simulator;
    private static EnvironmentVariables environment;
    private static LocalStack stack;
    private static String token;

    @BeforeAll
    static void startTheStack() throws Exception {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            fail("AWS_ENDPOINT_URL is not set: run `make test` (it starts moto), or start moto_server and export AWS_ENDPOINT_URL");
        }
        SamTemplate template = withRecordingWorker(TestTemplates.real());
        String stackName = "it-" + UUID.randomUUID().toString().substring(0, 8);
        simulator = AtlassianSimulator.start(0, LocalWorld.connectableDemo());
        Path stateDir = Files.createTempDirectory("local-stack-it");
        LocalStackOptions options = LocalStackOptions.forTests(TestTemplates.realPath(), stackName, simulator.baseUrl(), stateDir);
        TemplateValues values = new TemplateValues(template, stackName, Objects.requireNonNullElse(System.getenv("AWS_REGION"), "us-east-1"),
                LocalStack.ACCOUNT_ID, endpoint, Map.of());
        // The handlers' no-arg constructors read System.getenv, as in Lambda: give them this stack's names.
        environment = new EnvironmentVariables(LocalStack.requiredEnvironment(template, values, simulator.baseUrl()));
        environment.setup();
        stack = LocalStack.start(options, template);
        token = stack.authority().mint(TENANT, "admin@acme.example", Duration.ofHours(1));
        RecordingEventHandler.EVENTS.clear();
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (environment != null) {
            environment.teardown();
        }
    }

    /** template.yaml plus a function that records what the sync bus's rule delivers. */
    private static SamTemplate withRecordingWorker(SamTemplate real) {
        ObjectNode root = real.root().deepCopy();
        ObjectNode worker = ((ObjectNode) root.path("Resources")).putObject("RecordingSyncWorker");
        worker.put("Type", "AWS::Serverless::Function");
        ObjectNode props = worker.putObject("Properties");
        props.put("Handler", RecordingEventHandler.class.getName() + "::handleRequest");
        ObjectNode rule = props.putObject("Events").putObject("SyncRequested");
        rule.put("Type", "EventBridgeRule");
        ObjectNode ruleProps = rule.putObject("Properties");
        ruleProps.put("EventBusName", "SyncBus"); // what !Ref SyncBus leaves after parsing
        ObjectNode pattern = ruleProps.putObject("Pattern");
        pattern.putArray("source").add(EventBridgeSyncRequester.SOURCE);
        pattern.putArray("detail-type").add(EventBridgeSyncRequester.DETAIL_TYPE);
        return new SamTemplate(root);
    }

    // ------------------------------------------------------------------ the walkthrough

    @Test
    @Order(1)
    void connectTheDemoOrgWithItsKey() throws Exception {
        HttpResponse<String> response = api("POST", "/integrations/atlassian", token, "{\"orgId\":\"" + DemoCredentials.ORG_ID
                + "\",\"apiKey\":\"" + DemoCredentials.ORG_API_KEY + "\",\"apiKeyExpiresOn\":\"2027-09-30\"}");
        assertEquals(201, response.statusCode(), response.body());
        assertTrue(List.of("connected", "syncing").contains(json(response).path("status").asText()), response.body());
    }

    @Test
    @Order(2)
    void connectJiraAndConfluence() throws Exception {
        String site = "{\"siteUrl\":\"https://" + DemoCredentials.SITE_HOST + "\",\"email\":\"" + DemoCredentials.SITE_ADMIN_EMAIL
                + "\",\"apiToken\":\"" + DemoCredentials.SITE_API_TOKEN + "\"}";
        HttpResponse<String> jira = api("POST", "/integrations/jira", token, site);
        assertEquals(201, jira.statusCode(), jira.body());
        HttpResponse<String> confluence = api("POST", "/integrations/confluence", token, site);
        assertEquals(201, confluence.statusCode(), confluence.body());
    }

    @Test
    @Order(3)
    void theIntegrationsPageShowsThreeConnectedAndReclaimEnabled() throws Exception {
        HttpResponse<String> response = api("GET", "/integrations", token, null);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        List<String> connected = new ArrayList<>();
        body.path("integrations").forEach(i -> {
            // "syncing" is connected too: connecting asks for a first sync, which may be under way
            if (List.of("connected", "syncing").contains(i.path("status").asText())) {
                connected.add(i.path("type").asText());
            }
        });
        assertEquals(List.of("atlassian", "confluence", "jira"), connected.stream().sorted().toList(), body.toString());
        assertTrue(body.path("reclaimEnabled").asBoolean(), body.toString());
    }

    @Test
    @Order(4)
    void theGatewayAnswersLikeApiGatewayWithoutTokenOrRoute() throws Exception {
        HttpResponse<String> noToken = api("GET", "/integrations", null, null);
        assertEquals(401, noToken.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", noToken.body());
        HttpResponse<String> badToken = api("GET", "/integrations", token.substring(0, token.length() - 4) + "AAAA", null);
        assertEquals(401, badToken.statusCode());
        HttpResponse<String> noRoute = api("GET", "/no-such-route", token, null);
        assertEquals(404, noRoute.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", noRoute.body());
    }

    @Test
    @Order(5)
    void anotherTenantsTokenSeesNothingOfThisTenant() throws Exception {
        HttpResponse<String> minted = HTTP.send(HttpRequest.newBuilder(URI.create(stack.controlUrl() + "/tokens?tenant=tenant-other"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, minted.statusCode());
        HttpResponse<String> response = api("GET", "/integrations", minted.body().trim(), null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(0, json(response).path("integrations").size());
    }

    @Test
    @Order(6)
    void syncNowReachesTheWorkerThroughTheBusRule() throws Exception {
        HttpResponse<String> response = api("POST", "/integrations/atlassian/sync", token, null);
        assertEquals(202, response.statusCode(), response.body());
        Map<String, Object> event = awaitSyncEvents(List.of("atlassian")).get(0);
        assertEquals(EventBridgeSyncRequester.DETAIL_TYPE, event.get("detail-type"));
        assertEquals(EventBridgeSyncRequester.SOURCE, event.get("source"));
    }

    @Test
    @Order(7)
    void theScheduleOnDemandDispatchesOneRequestPerConnectedIntegration() throws Exception {
        RecordingEventHandler.EVENTS.clear();
        HttpResponse<String> ticked = HTTP.send(HttpRequest.newBuilder(URI.create(stack.controlUrl() + "/tick"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ticked.statusCode(), ticked.body());
        JsonNode tick = ApiGatewayEvents.JSON.readTree(ticked.body()).get(0);
        assertTrue(tick.path("ok").asBoolean(), ticked.body());
        JsonNode result = ApiGatewayEvents.JSON.readTree(tick.path("result").asText());
        assertTrue(result.path("requests").asLong() >= 3, "one per connected integration of every tenant on this table: " + result);
        awaitSyncEvents(List.of("atlassian", "jira", "confluence"));
    }

    @Test
    @Order(8)
    void theFirstSyncCompletesWhenTheTemplateHasASyncWorker() throws Exception {
        // template.yaml must route sync requests to a real worker: a renamed or missing worker fails here, never skips.
        assertTrue(stack.router().routes().stream().anyMatch(r -> r.function().definition().logicalId().equals("AtlassianSyncFunction")),
                "template.yaml routes no sync request to AtlassianSyncFunction: " + stack.router().routes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode atlassian = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode i : json(api("GET", "/integrations", token, null)).path("integrations")) {
                if ("atlassian".equals(i.path("type").asText())) {
                    atlassian = i;
                }
            }
            if (atlassian != null && atlassian.hasNonNull("lastSuccessfulSyncAt")) {
                return;
            }
            Thread.sleep(500);
        }
        fail("the atlassian integration has no lastSuccessfulSyncAt 30 s after connecting: " + atlassian);
    }

    @Test
    @Order(9)
    void inactiveUsersAreListedWhenTheTemplateHasTheRoute() throws Exception {
        assertTrue(TestTemplates.real().httpRoutes().stream().anyMatch(r -> r.routeKey().equals("GET /users")),
                "template.yaml lost GET /users");
        HttpResponse<String> response = api("GET", "/users?status=inactive&limit=5", token, null);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).path("users").size() > 0, "the demo org has inactive users once synced: " + response.body());
    }

    @Test
    @Order(10)
    void anInactiveUsersJiraSeatIsPlannedReclaimedShownFreedAndUndone() throws Exception {
        assertTrue(TestTemplates.real().httpRoutes().stream().anyMatch(r -> r.routeKey().equals("POST /reclaims")),
                "template.yaml lost POST /reclaims");
        // The walkthrough's steps: an inactive Jira user, the access groups that grant the seat, plan, reclaim, undo.
        String accountId = null;
        String body = null;
        for (JsonNode user : json(api("GET", "/users?status=inactive&product=jira-software&limit=20", token, null)).path("users")) {
            List<String> groupIds = new ArrayList<>();
            for (JsonNode group : json(api("GET", "/users/" + user.path("accountId").asText() + "/access-groups", token, null)).path("groups")) {
                if (group.path("grants").size() > 0 && !group.path("externallyManaged").asBoolean()) {
                    groupIds.add("\"" + group.path("id").asText() + "\"");
                }
            }
            String candidate = "{\"accountId\":\"" + user.path("accountId").asText() + "\",\"groupIds\":" + groupIds + "}";
            HttpResponse<String> plan = api("POST", "/reclaims/plan", token, candidate);
            assertEquals(200, plan.statusCode(), plan.body());
            if (!groupIds.isEmpty() && json(plan).path("seatsFreed").asInt() > 0) {
                accountId = user.path("accountId").asText();
                body = candidate;
                break;
            }
        }
        assertTrue(accountId != null, "the demo org has an inactive Jira user whose seat a reclaim frees");
        long assignedBefore = jiraAssigned();

        HttpResponse<String> reclaim = apiWith("POST", "/reclaims", token, body, "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(201, reclaim.statusCode(), reclaim.body());
        assertEquals("completed", json(reclaim).path("status").asText(), reclaim.body());
        assertTrue(jiraAssigned() < assignedBefore, "GET /licenses shows the freed seat at once");

        HttpResponse<String> undo = api("POST", "/reclaims/" + json(reclaim).path("id").asText() + "/undo", token, null);
        assertEquals(200, undo.statusCode(), undo.body());
        assertEquals(assignedBefore, jiraAssigned(), "undo gives the seat back");
    }

    private static long jiraAssigned() throws Exception {
        for (JsonNode product : json(api("GET", "/licenses", token, null)).path("products")) {
            if ("jira-software".equals(product.path("product").asText())) {
                return product.path("assigned").asLong();
            }
        }
        throw new AssertionError("no jira-software row in GET /licenses");
    }

    @Test
    @Order(11)
    void aBulkJobOverTheInactiveJiraUsersRunsOnTheLocalWorkerAndItsUndoPutsTheSeatsBack() throws Exception {
        long assignedBefore = jiraAssigned();
        // A dozen of the inactive Jira users, as the License page selects them: the local worker's queue, its batches
        // and the undo are what this proves, and every user more costs the same calls again (ReclaimJobIT runs larger jobs).
        List<String> selected = new ArrayList<>();
        json(api("GET", "/users?status=inactive&product=jira-software&limit=12", token, null)).path("users")
                .forEach(user -> selected.add("\"" + user.path("accountId").asText() + "\""));
        assertTrue(selected.size() > 5, "the demo org has inactive Jira users a job can reclaim: " + selected);
        HttpResponse<String> plan = api("POST", "/reclaim-jobs/plan", token, "{\"accountIds\":" + selected
                + ",\"grantingProduct\":\"jira-software\"}");
        assertEquals(200, plan.statusCode(), plan.body());
        int included = json(plan).path("includedCount").asInt();
        assertTrue(included > 0, "some of them a job can reclaim: " + plan.body());

        HttpResponse<String> started = apiWith("POST", "/reclaim-jobs", token, "{\"planId\":\"" + json(plan).path("id").asText() + "\"}",
                "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(202, started.statusCode(), started.body());
        // The job runs on the queue: the local stack's SQS event source feeds ReclaimJobWorkerFunction.
        JsonNode done = awaitJob(json(started).path("id").asText());
        assertEquals("completed", done.path("status").asText(), done.toString());
        assertEquals(included, done.path("counts").path("done").asInt(), done.toString());
        assertEquals(assignedBefore - done.path("seatsFreed").asInt(), jiraAssigned(), "GET /licenses shows the freed seats");

        HttpResponse<String> undo = api("POST", "/reclaim-jobs/" + done.path("id").asText() + "/undo", token, null);
        assertEquals(202, undo.statusCode(), undo.body());
        JsonNode undone = awaitJob(json(undo).path("id").asText());
        assertEquals("completed", undone.path("status").asText(), undone.toString());
        assertEquals(assignedBefore, jiraAssigned(), "the undo job gives the seats back");
    }

    /** Reads the job until it is no longer running (the local worker polls its queue every second). */
    private static JsonNode awaitJob(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = json(api("GET", "/reclaim-jobs/" + id, token, null));
            if (!"running".equals(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the job is still running after 2 minutes: " + job);
    }

    // ------------------------------------------------------------------ later features: append steps here

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> api(String method, String path, String bearer, String body) throws Exception {
        return apiWith(method, path, bearer, body, null, null);
    }

    private static HttpResponse<String> apiWith(String method, String path, String bearer, String body,
                                                String headerName, String headerValue) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headerName != null) {
            request.header(headerName, headerValue);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiGatewayEvents.JSON.readTree(response.body());
    }

    /** Waits until the recording worker got this tenant's sync request for each integration (in any order); answers them. */
    private static List<Map<String, Object>> awaitSyncEvents(List<String> integrations) throws InterruptedException {
        Map<String, Map<String, Object>> seen = new java.util.LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < integrations.size() && System.nanoTime() < deadline) {
            Map<String, Object> event = RecordingEventHandler.EVENTS.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && event.get("detail") instanceof Map<?, ?> detail && TENANT.equals(detail.get("tenantId"))
                    && integrations.contains(String.valueOf(detail.get("integration")))) {
                assertNotNull(event.get("id"), "an EventBridge envelope: " + event);
                seen.putIfAbsent(String.valueOf(detail.get("integration")), event);
            }
        }
        if (seen.size() < integrations.size()) {
            throw new AssertionError("sync requests of " + TENANT + " that reached the worker within 20 s: " + seen.keySet()
                    + ", expected " + integrations);
        }
        return List.copyOf(seen.values());
    }
}
