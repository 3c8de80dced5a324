package com.saasspend.integration;

import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_DIRECT_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_HOST;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_ENTERPRISE_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.api.IntegrationsApiHandler;
import com.saasspend.integration.api.LicensesApiHandler;
import com.saasspend.integration.api.ReclaimApiHandler;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.sync.ProductSyncHandler;
import com.saasspend.integration.sync.SyncDispatchHandler;
import com.saasspend.integration.sync.ReclaimJobWorkerHandler;
import com.saasspend.integration.sync.PolicyEvaluationHandler;
import com.saasspend.integration.sync.ReclaimSweepHandler;
import com.saasspend.integration.sync.SyncWorkerHandler;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.testing.Template;
import com.saasspend.integration.wiring.Services;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample event in events/ (the console's test events) runs through the function template.yaml delivers it to,
 * against moto and the Atlassian simulator, and succeeds once its REPLACE-WITH placeholders hold real values. The
 * folder is listed, not named: a new event file that no function receives, whose handler has no runner here, or
 * whose placeholder is unknown, fails the test.
 */
@ExtendWith(AwsEmulator.class)
class SampleEventsIT {
    private static final Path EVENTS = Template.path().getParent().resolve("events");
    private static final Clock CLOCK = Clock.systemUTC();
    /** Holds Jira and Confluence in the demo org; the sample reclaim removes him from the group granting Jira. */
    private static final String IVAN = "712020:e97bae25-e933-508a-9fec-855b357e1f04";
    private static final Pattern PLACEHOLDER = Pattern.compile("REPLACE-WITH-[A-Z0-9-]+");

    /** How each handler named in template.yaml is built in a test (the production wiring, on this test's emulator). */
    private static final Map<String, Function<Env, RequestHandler<?, ?>>> HANDLERS = Map.of(
            IntegrationsApiHandler.class.getName(), env -> new IntegrationsApiHandler(Services.of(env, CLOCK)),
            LicensesApiHandler.class.getName(), env -> new LicensesApiHandler(Services.of(env, CLOCK)),
            ReclaimApiHandler.class.getName(), env -> new ReclaimApiHandler(Services.of(env, CLOCK)),
            SyncDispatchHandler.class.getName(), env -> new SyncDispatchHandler(Services.of(env, CLOCK)),
            SyncWorkerHandler.class.getName(), env -> new SyncWorkerHandler(Services.of(env, CLOCK)),
            ProductSyncHandler.class.getName(), env -> new ProductSyncHandler(Services.of(env, CLOCK)),
            ReclaimSweepHandler.class.getName(), env -> new ReclaimSweepHandler(Services.of(env, CLOCK)),
            ReclaimJobWorkerHandler.class.getName(), env -> new ReclaimJobWorkerHandler(Services.of(env, CLOCK)),
            PolicyEvaluationHandler.class.getName(), env -> new PolicyEvaluationHandler(Services.of(env, CLOCK)));

    /** The demo tenant's connections, org first (the products are checked against it), as Settings > Integrations sends them. */
    private static final Map<String, String> CONNECTIONS = new LinkedHashMap<>();

    static {
        String site = "{\"siteUrl\":\"https://" + SITE_HOST + "\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}";
        CONNECTIONS.put("atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        CONNECTIONS.put("jira", site);
        CONNECTIONS.put("confluence", site);
        CONNECTIONS.put("trello", "{\"apiKey\":\"" + TRELLO_API_KEY + "\",\"token\":\"" + TRELLO_TOKEN + "\",\"enterpriseId\":\""
                + TRELLO_ENTERPRISE_ID + "\"}");
        CONNECTIONS.put("bitbucket", "{\"workspace\":\"" + BITBUCKET_DIRECT_WORKSPACE + "\",\"email\":\"" + BITBUCKET_EMAIL
                + "\",\"apiToken\":\"" + BITBUCKET_API_TOKEN + "\"}");
    }

    static Stream<String> sampleEvents() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            // Files only: events/published and events/schemas document what the product publishes (PublishedEventsTest).
            List<String> names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .sorted().toList();
            return names.stream();
        }
    }

    @Test
    void theFolderHoldsTheSampleEvents() throws IOException {
        // The parameterized test below would pass vacuously on an empty or moved folder.
        assertTrue(sampleEvents().count() >= 27, "events/ lost its sample events: " + EVENTS);
        try (Stream<Path> files = Files.list(EVENTS)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".json")).toList(),
                    "events/ holds only JSON events");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void runsThroughTheFunctionTheTemplateDeliversItTo(String file) throws Exception {
        String raw = Files.readString(EVENTS.resolve(file));
        JsonNode event = Json.MAPPER.readTree(raw);
        List<String> functions = receivers(file, event);
        for (String function : functions) {
            String handlerClass = Template.resource(function).path("Properties").path("Handler").asText().split("::")[0];
            Function<Env, RequestHandler<?, ?>> factory = HANDLERS.get(handlerClass);
            assertNotNull(factory, file + " goes to " + function + " (" + handlerClass + "), which SampleEventsIT cannot build: add it to HANDLERS");

            // Each receiving function gets the event as the bus would deliver it: to each rule's target, independently.
            try (Stack stack = new Stack(SimWorlds.demo(seed -> SimWorlds.org(seed, "Acme Corp").remove("generate")), CLOCK)) {
                String tenant = tenantOf(event);
                Map<String, String> values = prepare(stack, tenant, event, raw);
                Object result = invoke(factory.apply(stack.env), fill(file, raw, values));
                assertSucceeded(file + " → " + function, result);
            }
        }
    }

    /** The functions whose template events receive this event: an HttpApi route, EventBridge rules, or a schedule. */
    private static List<String> receivers(String file, JsonNode event) {
        List<String> receivers = new ArrayList<>();
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> function.path("Properties").path("Events")
                .forEach(source -> {
                    JsonNode props = source.path("Properties");
                    boolean receives = switch (source.path("Type").asText()) {
                        case "HttpApi" -> event.path("routeKey").asText()
                                .equals(props.path("Method").asText() + " " + props.path("Path").asText());
                        case "EventBridgeRule" -> !event.has("routeKey") && matches(props.path("Pattern"), event);
                        case "Schedule", "ScheduleV2" -> "aws.scheduler".equals(event.path("source").asText());
                        case "SQS" -> "aws:sqs".equals(event.path("Records").path(0).path("eventSource").asText());
                        default -> false;
                    };
                    if (receives) {
                        receivers.add(id);
                    }
                }));
        assertFalse(receivers.isEmpty(), file + " is delivered to no function by template.yaml");
        // A route or a schedule has one target; only bus rules may fan one event out to several functions.
        assertTrue(receivers.size() == 1 || !event.has("routeKey") && !"aws.scheduler".equals(event.path("source").asText()),
                file + " must reach exactly one function, reaches " + receivers);
        return receivers;
    }

    /** EventBridge content filtering, as far as our rules use it: every pattern field lists the allowed values. */
    private static boolean matches(JsonNode pattern, JsonNode event) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event.path(field.getKey());
            boolean ok = field.getValue().isObject() ? matches(field.getValue(), value)
                    : stream(field.getValue()).anyMatch(allowed -> allowed.equals(value));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * The state a console user has when sending this event, and the values for its placeholders: every integration
     * connected (but the one the event connects; none before the org's) and the org synced, a reclaim done for an undo.
     */
    private static Map<String, String> prepare(Stack stack, String tenant, JsonNode event, String raw) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("REPLACE-WITH-ORG-ID", ORG_ID);
        values.put("REPLACE-WITH-ORG-API-KEY", ORG_API_KEY);
        values.put("REPLACE-WITH-NEW-ORG-API-KEY", ORG_API_KEY);
        values.put("https://your-site.atlassian.net", "https://" + SITE_HOST);
        values.put("admin@your-company.example", SITE_ADMIN_EMAIL);
        values.put("REPLACE-WITH-API-TOKEN", SITE_API_TOKEN);
        values.put("REPLACE-WITH-ACCOUNT-ID", IVAN);
        values.put("REPLACE-WITH-GROUP-ID", stack.sim.world().groupId(ORG_ID, "jira-software-users"));
        values.put("REPLACE-WITH-A-NEW-UUID-PER-RECLAIM", UUID.randomUUID().toString());

        String connecting = event.path("routeKey").asText().equals("POST /integrations/{type}")
                ? event.path("pathParameters").path("type").asText() : "";
        for (Map.Entry<String, String> integration : CONNECTIONS.entrySet()) {
            // The products connect only after the org; the org's own connect event finds nothing connected.
            if (!connecting.equals("atlassian") && !integration.getKey().equals(connecting)) {
                connect(stack, tenant, integration.getKey(), integration.getValue());
            }
        }
        if (!connecting.equals("atlassian")) {
            assertEquals("COMPLETED", Services.of(stack.env, CLOCK).orgSync().run(tenant, Budget.unlimited()).outcome().name());
        }
        if (raw.contains("REPLACE-WITH-RECLAIM-ID")) {
            // The reclaim to undo is made by the sample reclaim itself, as a console user would.
            String run = Files.readString(EVENTS.resolve("reclaim-run.json"));
            Object done = invoke(HANDLERS.get(ReclaimApiHandler.class.getName()).apply(stack.env), fill("reclaim-run.json", run, values));
            assertSucceeded("reclaim-run.json (to undo)", done);
            values.put("REPLACE-WITH-RECLAIM-ID", Json.MAPPER.readTree(((APIGatewayV2HTTPResponse) done).getBody()).path("id").asText());
        }
        if (raw.contains("REPLACE-WITH-PLAN-ID") || raw.contains("REPLACE-WITH-JOB-ID")) {
            // A bulk reclaim planned (and, for the job's own events, started) by the samples themselves, as a console user would.
            Object plan = invoke(HANDLERS.get(ReclaimApiHandler.class.getName()).apply(stack.env),
                    fill("reclaim-job-plan.json", Files.readString(EVENTS.resolve("reclaim-job-plan.json")), values));
            assertSucceeded("reclaim-job-plan.json (to start)", plan);
            values.put("REPLACE-WITH-PLAN-ID", Json.MAPPER.readTree(((APIGatewayV2HTTPResponse) plan).getBody()).path("id").asText());
        }
        if (raw.contains("REPLACE-WITH-JOB-ID")) {
            Object job = invoke(HANDLERS.get(ReclaimApiHandler.class.getName()).apply(stack.env),
                    fill("reclaim-job-start.json", Files.readString(EVENTS.resolve("reclaim-job-start.json")), values));
            assertSucceeded("reclaim-job-start.json (for its id)", job);
            values.put("REPLACE-WITH-JOB-ID", Json.MAPPER.readTree(((APIGatewayV2HTTPResponse) job).getBody()).path("id").asText());
        }
        if (raw.contains("REPLACE-WITH-POLICY-ID") || raw.contains("REPLACE-WITH-POLICY-ACTION-ID")) {
            // A policy (approve mode, idle Confluence seats) made by the sample itself, as a console user would.
            Object created = invoke(HANDLERS.get(ReclaimApiHandler.class.getName()).apply(stack.env),
                    fill("policy-create.json", Files.readString(EVENTS.resolve("policy-create.json")), values));
            assertSucceeded("policy-create.json (for its id)", created);
            values.put("REPLACE-WITH-POLICY-ID", Json.MAPPER.readTree(((APIGatewayV2HTTPResponse) created).getBody()).path("id").asText());
        }
        if (raw.contains("REPLACE-WITH-POLICY-ACTION-ID")) {
            // Its actions, from the evaluation a completed sync triggers (the demo org's idle Confluence users).
            Object evaluated = invoke(HANDLERS.get(PolicyEvaluationHandler.class.getName()).apply(stack.env),
                    fill("sync-completed-atlassian.json", Files.readString(EVENTS.resolve("sync-completed-atlassian.json")), values));
            assertSucceeded("sync-completed-atlassian.json (for an action)", evaluated);
            Object pending = invoke(HANDLERS.get(ReclaimApiHandler.class.getName()).apply(stack.env),
                    fill("policy-actions-pending.json", Files.readString(EVENTS.resolve("policy-actions-pending.json")), values));
            JsonNode first = Json.MAPPER.readTree(((APIGatewayV2HTTPResponse) pending).getBody()).path("actions").path(0);
            assertFalse(first.isMissingNode(), "the demo org's idle Confluence users are pending: " + pending);
            values.put("REPLACE-WITH-POLICY-ACTION-ID", first.path("id").asText());
        }
        stack.aws.drainSyncEvents();
        return values;
    }

    private static void connect(Stack stack, String tenant, String type, String body) {
        APIGatewayV2HTTPResponse response = stack.call(tenant, "POST /integrations/{type}", "/integrations/" + type, Map.of("type", type), body);
        assertEquals(201, response.getStatusCode(), "connecting " + type + ": " + response.getBody());
    }

    private static String fill(String file, String raw, Map<String, String> values) {
        String filled = raw;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace(value.getKey(), value.getValue());
        }
        Matcher unknown = PLACEHOLDER.matcher(filled);
        if (unknown.find()) {
            fail(file + " has the placeholder " + unknown.group() + ", which SampleEventsIT does not know: give it a value in prepare()");
        }
        return filled;
    }

    /** Through the handler as Lambda would: the event deserialised into the handler's own input type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object invoke(RequestHandler handler, String json) throws IOException {
        Class<?> input = null;
        for (Method method : handler.getClass().getMethods()) {
            if (method.getName().equals("handleRequest") && !method.isBridge() && method.getParameterCount() == 2
                    && method.getParameterTypes()[1] == Context.class) {
                input = method.getParameterTypes()[0];
            }
        }
        assertNotNull(input, handler.getClass() + " has no handleRequest(input, Context)");
        Path file = Files.createTempFile("sample-event", ".json");
        try {
            Files.writeString(file, json);
            return handler.handleRequest(EventLoader.loadEvent(file.toString(), input), null);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void assertSucceeded(String file, Object result) {
        if (result instanceof APIGatewayV2HTTPResponse response) {
            int status = response.getStatusCode();
            assertTrue(status >= 200 && status < 300, file + " answered " + status + ": " + response.getBody());
        } else if (result instanceof com.amazonaws.services.lambda.runtime.events.SQSBatchResponse batch) {
            // The jobs worker: every step of the batch done (none handed back to the queue).
            assertEquals(List.of(), batch.getBatchItemFailures(), file + " left steps to redeliver");
        } else if (result instanceof Map<?, ?> answer && answer.containsKey("outcome")) {
            // A sync completes; the reclaim sweep answers how many open reclaims it settled (none in this state).
            // A sync completes; the reclaim sweep answers how many open reclaims it settled; the policies are evaluated.
            assertTrue(List.of("completed", "swept", "evaluated").contains(answer.get("outcome")), file + ": " + answer);
        } else if (result instanceof Map<?, ?> dispatched && dispatched.containsKey("requests")) {
            assertEquals((long) CONNECTIONS.size(), ((Number) dispatched.get("requests")).longValue(),
                    file + " requests one sync per connected integration: " + dispatched);
        } else {
            fail(file + ": no success rule for the result " + result + "; add one to SampleEventsIT.assertSucceeded");
        }
    }

    private static String tenantOf(JsonNode event) {
        String tenant = event.path("requestContext").path("authorizer").path("jwt").path("claims").path("tenant_id")
                .asText(event.path("detail").path("tenantId").asText("tenant-demo"));
        assertFalse(tenant.isBlank());
        return tenant;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }
}
