package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.testing.Template;
import com.saasspend.integration.wiring.Services;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * functions/openapi.yaml is the truth the front end codes against: every route of template.yaml is documented, and
 * every documented operation, sent through the real handlers, answers what the document says (requests and
 * responses validated with swagger-request-validator).
 */
@ExtendWith(AwsEmulator.class)
class OpenApiContractIT {
    private static final Path DOCUMENT = Path.of("openapi.yaml");
    private static final String TENANT = "tenant-contract";
    private static Stack stack;
    private static OpenApiInteractionValidator validator;
    private static final Set<String> exercised = new TreeSet<>();

    @BeforeAll
    static void start() {
        stack = new Stack(SimWorlds.demo(), Clock.systemUTC());
        validator = OpenApiInteractionValidator.createForSpecificationUrl(DOCUMENT.toAbsolutePath().toUri().toString()).build();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /** Sends one call through the handler that serves the route, validating request and response against the document. */
    private static APIGatewayV2HTTPResponse exchange(String routeKey, String path, Map<String, String> params,
                                                     Map<String, String> query, String body) {
        return exchange(routeKey, path, params, query, body, false);
    }

    private static APIGatewayV2HTTPResponse invalid(String routeKey, String path, Map<String, String> params,
                                                    Map<String, String> query, String body) {
        return exchange(routeKey, path, params, query, body, true);
    }

    private static APIGatewayV2HTTPResponse exchange(String routeKey, String path, Map<String, String> params,
                                                     Map<String, String> query, String body, boolean invalidRequest) {
        return exchange(routeKey, path, params, query, body, invalidRequest, Map.of());
    }

    private static APIGatewayV2HTTPResponse exchange(String routeKey, String path, Map<String, String> params,
                                                     Map<String, String> query, String body, boolean invalidRequest,
                                                     Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(routeKey, path, params, body, TENANT);
        event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
        if (!headers.isEmpty()) {
            Map<String, String> all = new HashMap<>(event.getHeaders());
            headers.forEach((k, v) -> all.put(k.toLowerCase(java.util.Locale.ROOT), v));
            event.setHeaders(all);
        }
        String route = routeKey.substring(routeKey.indexOf(' ') + 1);
        APIGatewayV2HTTPResponse response = route.startsWith("/integrations")
                ? stack.integrations.handleRequest(event, null)
                : isReclaimRoute(route) ? reclaim.handleRequest(event, null)
                : stack.licenses.handleRequest(event, null);
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        SimpleRequest.Builder request = new SimpleRequest.Builder(Request.Method.valueOf(method), path)
                .withHeader("Authorization", "Bearer token");
        query.forEach(request::withQueryParam);
        headers.forEach(request::withHeader);
        if (body != null) {
            request.withContentType("application/json").withBody(body);
        }
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.getStatusCode());
        if (response.getBody() != null) {
            answer.withContentType(response.getHeaders().get("Content-Type")).withBody(response.getBody());
        }
        // A deliberately invalid request is not checked against the document; its answer is.
        ValidationReport report = invalidRequest
                ? validator.validateResponse(path, Request.Method.valueOf(method), answer.build())
                : validator.validate(request.build(), answer.build());
        if (report.hasErrors()) {
            fail(routeKey + " " + path + " -> " + response.getStatusCode() + " " + response.getBody() + "\n" + report);
        }
        exercised.add(routeKey);
        return response;
    }

    @Test
    void everyRouteOfTheTemplateIsDocumentedAndEveryDocumentedOperationExists() throws Exception {
        Set<String> documented = new TreeSet<>();
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                documented.add(method.toUpperCase() + " " + p.getKey());
            }
        }));
        Set<String> routed = new TreeSet<>();
        Template.resourcesOfType("AWS::Serverless::Function").values().forEach(f -> f.path("Properties").path("Events").forEach(e -> {
            if ("HttpApi".equals(e.path("Type").asText())) {
                routed.add(e.path("Properties").path("Method").asText().toUpperCase() + " " + e.path("Properties").path("Path").asText());
            }
        }));
        assertEquals(routed, documented, "template.yaml routes and openapi.yaml operations");
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        Map<String, String> none = Map.of();
        exchange("GET /integrations", "/integrations", none, none, null);
        exchange("POST /integrations/{type}", "/integrations/jira", Map.of("type", "jira"), none,
                "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}");
        assertEquals(201, exchange("POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), none,
                "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\",\"apiKeyExpiresOn\":\"2027-09-30\"}").getStatusCode());
        exchange("POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), none,
                "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"ATCTT3xNotAKeyAtlassianKnows000000\"}");
        exchange("POST /integrations/{type}", "/integrations/jira", Map.of("type", "jira"), none,
                "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}");
        exchange("PUT /integrations/{type}/credentials", "/integrations/atlassian/credentials", Map.of("type", "atlassian"), none,
                "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        exchange("POST /integrations/{type}/sync", "/integrations/atlassian/sync", Map.of("type", "atlassian"), none, null);
        exchange("POST /integrations/{type}/sync", "/integrations/atlassian/sync", Map.of("type", "atlassian"), Map.of("full", "true"), null);
        assertEquals(400, invalid("POST /integrations/{type}/sync", "/integrations/atlassian/sync", Map.of("type", "atlassian"),
                Map.of("full", "yes"), null).getStatusCode());
        Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited());
        exchange("GET /integrations", "/integrations", none, none, null);

        exchange("GET /licenses", "/licenses", none, none, null);
        JsonNode page = ApiEvents.json(exchange("GET /users", "/users", none, Map.of("product", "jira-software", "status", "inactive", "limit", "5"), null));
        exchange("GET /users", "/users", none, Map.of("cursor", page.path("nextCursor").asText(), "limit", "5"), null);
        assertEquals(400, invalid("GET /users", "/users", none, Map.of("status", "sleeping"), null).getStatusCode());
        assertEquals(200, exchange("GET /users/export", "/users/export", none, Map.of("product", "jira-software", "status", "inactive"), null)
                .getStatusCode());
        assertEquals(400, invalid("GET /users/export", "/users/export", none, Map.of("limit", "5"), null).getStatusCode());
        assertEquals(400, invalid("PUT /settings", "/settings", none, none, "{\"inactivityDays\":0}").getStatusCode());
        assertEquals(400, invalid("POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), none, "{\"orgId\":1}").getStatusCode());
        String accountId = page.path("users").get(0).path("accountId").asText();
        exchange("GET /users/{accountId}", "/users/" + accountId, Map.of("accountId", accountId), none, null);
        assertEquals(404, exchange("GET /users/{accountId}", "/users/nobody", Map.of("accountId", "nobody"), none, null).getStatusCode());
        exchange("PUT /settings", "/settings", none, none, "{\"inactivityDays\":45,\"seatPrices\":{\"jira-software\":8.6}}");
        exchange("GET /settings", "/settings", none, none, null);
        exerciseSavingsRoutes();

        exerciseReclaimRoutes(accountId);

        exchange("DELETE /integrations/{type}", "/integrations/jira", Map.of("type", "jira"), none, null);
        exchange("DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), none, null);
        exchange("DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), none, null);

        List<String> missing = new ArrayList<>();
        Template.resourcesOfType("AWS::Serverless::Function").values().forEach(f -> f.path("Properties").path("Events").forEach(e -> {
            String route = e.path("Properties").path("Method").asText().toUpperCase() + " " + e.path("Properties").path("Path").asText();
            if ("HttpApi".equals(e.path("Type").asText()) && !exercised.contains(route)) {
                missing.add(route);
            }
        }));
        assertTrue(missing.isEmpty(), "operations this test does not exercise yet: " + missing);
    }

    // ---- Savings routes: with seat prices set and the day's history item written, as a completed sync writes it

    private static void exerciseSavingsRoutes() {
        Map<String, String> none = Map.of();
        Services.of(stack.env, Clock.systemUTC()).savingsService().recordDay(TENANT);
        exchange("GET /savings", "/savings", none, none, null);
        JsonNode history = ApiEvents.json(exchange("GET /savings/history", "/savings/history", none, none, null));
        assertEquals(1, history.path("days").size(), history.toString());
        assertEquals(400, invalid("GET /savings/history", "/savings/history", none, Map.of("from", "2026-11-30", "to", "2026-11-01"), null)
                .getStatusCode());
        assertEquals(400, invalid("GET /savings/history", "/savings/history", none, Map.of("from", "someday"), null).getStatusCode());
    }

    // ---- Reclaim routes (added by the Reclaim feature; success shapes are validated in ReclaimIT too)

    private static ReclaimApiHandler reclaim;

    private static boolean isReclaimRoute(String route) {
        return route.startsWith("/reclaims") || route.startsWith("/reclaim-jobs") || route.endsWith("/access-groups")
                || route.startsWith("/policies") || route.startsWith("/policy-actions");
    }

    /** Jira without Confluence: the reclaim gate answers 409, which the document promises too. */
    private static void exerciseReclaimRoutes(String accountId) {
        reclaim = new ReclaimApiHandler(Services.of(stack.env, Clock.systemUTC()));
        Map<String, String> none = Map.of();
        String body = "{\"accountId\":\"" + accountId + "\",\"groupIds\":[\"g-1\"]}";
        exchange("GET /users/{accountId}/access-groups", "/users/" + accountId + "/access-groups", Map.of("accountId", accountId), none, null);
        assertEquals(409, exchange("POST /reclaims/plan", "/reclaims/plan", none, none, body).getStatusCode());
        assertEquals(400, invalid("POST /reclaims", "/reclaims", none, none, body).getStatusCode(), "no Idempotency-Key");
        exchange("GET /reclaims", "/reclaims", none, Map.of("limit", "10"), null);
        String id = "20261128T120000000Z-abcdefghij";
        assertEquals(404, exchange("GET /reclaims/{id}", "/reclaims/" + id, Map.of("id", id), none, null).getStatusCode());
        assertEquals(404, exchange("POST /reclaims/{id}/undo", "/reclaims/" + id + "/undo", Map.of("id", id), none, null).getStatusCode());
        exerciseReclaimJobRoutes(accountId);
    }

    /** Bulk reclaim: the gate's 409, then (Confluence connected) a plan, a job started and read, its cancel and undo. */
    private static void exerciseReclaimJobRoutes(String accountId) {
        Map<String, String> none = Map.of();
        String selection = "{\"accountIds\":[\"" + accountId + "\"],\"grantingProduct\":\"jira-software\"}";
        assertEquals(409, exchange("POST /reclaim-jobs/plan", "/reclaim-jobs/plan", none, none, selection).getStatusCode());
        assertEquals(400, invalid("POST /reclaim-jobs/plan", "/reclaim-jobs/plan", none, none,
                "{\"accountIds\":[\"" + accountId + "\"],\"filter\":{}}").getStatusCode(), "ids and a filter");
        assertEquals(201, stack.call(TENANT, "POST /integrations/{type}", "/integrations/confluence", Map.of("type", "confluence"),
                "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}")
                .getStatusCode());
        JsonNode plan = ApiEvents.json(exchange("POST /reclaim-jobs/plan", "/reclaim-jobs/plan", none, none,
                "{\"filter\":{\"product\":\"jira-software\",\"status\":\"inactive\",\"excludeAccountIds\":[\"" + accountId + "\"]}}"));
        // A filter with the License page's search, as documented; its plan's groups named, as documented.
        JsonNode searched = ApiEvents.json(exchange("POST /reclaim-jobs/plan", "/reclaim-jobs/plan", none, none,
                "{\"filter\":{\"product\":\"jira-software\",\"status\":\"inactive\",\"search\":\"idle\"}}"));
        assertTrue(searched.path("included").path(0).path("groups").size() > 0, "an inactive Jira user named Idle: " + searched);
        String start = "{\"planId\":\"" + plan.path("id").asText() + "\"}";
        assertEquals(400, invalid("POST /reclaim-jobs", "/reclaim-jobs", none, none, start).getStatusCode(), "no Idempotency-Key");
        JsonNode job = ApiEvents.json(exchange("POST /reclaim-jobs", "/reclaim-jobs", none, none, start, false,
                Map.of("Idempotency-Key", "contract-job-1")));
        String id = job.path("id").asText();
        exchange("GET /reclaim-jobs/{id}", "/reclaim-jobs/" + id, Map.of("id", id), Map.of("limit", "10"), null);
        exchange("POST /reclaim-jobs/{id}/cancel", "/reclaim-jobs/" + id + "/cancel", Map.of("id", id), none, null);
        assertEquals(409, exchange("POST /reclaim-jobs/{id}/undo", "/reclaim-jobs/" + id + "/undo", Map.of("id", id), none, null).getStatusCode());
        exchange("GET /reclaim-jobs", "/reclaim-jobs", none, Map.of("limit", "10"), null);
        String unknown = "job-20261128T120000000Z-abcdefghij";
        assertEquals(404, exchange("GET /reclaim-jobs/{id}", "/reclaim-jobs/" + unknown, Map.of("id", unknown), none, null).getStatusCode());
        exercisePolicyRoutes();
    }

    /** Reclaim policies: created, read, previewed, evaluated after a completed sync, its actions decided, edited, deleted. */
    private static void exercisePolicyRoutes() {
        Map<String, String> none = Map.of();
        String body = "{\"name\":\"Idle Confluence\",\"products\":[\"confluence\"],\"condition\":{\"type\":\"inactive\",\"days\":30},"
                + "\"mode\":\"approve\",\"maxReclaimsPerRun\":10}";
        assertEquals(400, exchange("POST /policies", "/policies", none, none,
                "{\"name\":\"x\",\"products\":[\"confluence\"],\"condition\":{\"type\":\"inactive\",\"days\":30},\"mode\":\"approve\","
                        + "\"graceDays\":90,\"maxReclaimsPerRun\":500,\"excludeGroupIds\":[\"bad id!\"]}").getStatusCode());
        assertEquals(400, invalid("POST /policies", "/policies", none, none, "{\"mode\":\"sometimes\",\"colour\":1}").getStatusCode());
        JsonNode policy = ApiEvents.json(exchange("POST /policies", "/policies", none, none, body));
        String id = policy.path("id").asText();
        exchange("GET /policies", "/policies", none, none, null);
        exchange("GET /policies/{id}", "/policies/" + id, Map.of("id", id), none, null);
        assertEquals(404, exchange("GET /policies/{id}", "/policies/pol-00000000000000000000", Map.of("id", "pol-00000000000000000000"),
                none, null).getStatusCode());
        exchange("POST /policies/{id}/preview", "/policies/" + id + "/preview", Map.of("id", id), none, null);
        new com.saasspend.integration.sync.PolicyEvaluationHandler(Services.of(stack.env, Clock.systemUTC())).handleRequest(Map.of(
                "detail-type", "IntegrationSyncCompleted", "detail", Map.of("tenantId", TENANT, "integration", "atlassian")), null);
        JsonNode actions = ApiEvents.json(exchange("GET /policy-actions", "/policy-actions", none, Map.of("status", "pending", "limit", "5"), null))
                .path("actions");
        assertTrue(actions.size() >= 2, actions.toString());
        String first = actions.get(0).path("id").asText();
        String second = actions.get(1).path("id").asText();
        exchange("POST /policy-actions/{id}/approve", "/policy-actions/" + first + "/approve", Map.of("id", first), none, null);
        exchange("POST /policy-actions/{id}/reject", "/policy-actions/" + second + "/reject", Map.of("id", second), none, null);
        assertEquals(409, exchange("POST /policy-actions/{id}/reject", "/policy-actions/" + second + "/reject", Map.of("id", second), none, null)
                .getStatusCode());
        assertEquals(400, invalid("GET /policy-actions", "/policy-actions", none, Map.of("status", "maybe"), null).getStatusCode());
        exchange("GET /policy-actions", "/policy-actions", none, none, null);
        // Many at once, as one bulk job: refusals first, then the policy's pending ones (or 409 when none is left).
        Map<String, String> key = Map.of("Idempotency-Key", "contract-bulk-1");
        assertEquals(400, exchange("POST /policy-actions/approve", "/policy-actions/approve", none, none, "{\"actionIds\":[]}", true, key)
                .getStatusCode());
        assertEquals(409, exchange("POST /policy-actions/approve", "/policy-actions/approve", none, none,
                "{\"actionIds\":[\"" + second + "\"]}", false, key).getStatusCode(), "rejected already");
        assertEquals(400, exchange("POST /policy-actions/approve", "/policy-actions/approve", none, none,
                "{\"actionIds\":[\"pa-00000000000000000000000000000000\"]}", false, key).getStatusCode(), "unknown");
        int bulk = exchange("POST /policy-actions/approve", "/policy-actions/approve", none, none,
                "{\"policyId\":\"" + id + "\",\"status\":\"pending\"}", false, key).getStatusCode();
        assertTrue(bulk == 202 || bulk == 409, "a job for the pending ones, or none left: " + bulk);
        exchange("PUT /policies/{id}", "/policies/" + id, Map.of("id", id), none, body.replace("approve", "report"));
        exchange("DELETE /policies/{id}", "/policies/" + id, Map.of("id", id), none, null);
        assertEquals(404, exchange("DELETE /policies/{id}", "/policies/" + id, Map.of("id", id), none, null).getStatusCode());
    }
}
