package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_DIRECT_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_LINKED_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.ORIGINAL_UM_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORIGINAL_UM_ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_ENTERPRISE_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.DeadlineContext;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Settings > Integrations against moto and the Atlassian simulator, through the real handler. */
@ExtendWith(AwsEmulator.class)
class ConnectIT {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private static final String CONNECT = "POST /integrations/{type}";

    private static Stack stack(Consumer<ObjectNode> seedEdit) {
        return new Stack(SimWorlds.demo(seedEdit), NOW);
    }

    private static Stack stack() {
        return stack(seed -> {});
    }

    static APIGatewayV2HTTPResponse connect(Stack stack, String tenant, String type, String body) {
        return stack.call(tenant, CONNECT, "/integrations/" + type, Map.of("type", type), body);
    }

    static String atlassianBody(String orgId, String key) {
        return "{\"orgId\":\"" + orgId + "\",\"apiKey\":\"" + key + "\",\"apiKeyExpiresOn\":\"2027-09-30\"}";
    }

    static String siteBody(String site) {
        return "{\"siteUrl\":\"" + site + "\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}";
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) {
        return com.saasspend.integration.testing.ApiEvents.json(response);
    }

    private static void assertProblem(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        assertEquals(code, json(response).path("code").asText(), response.getBody());
        assertFalse(json(response).path("detail").asText().isBlank());
    }

    @Test
    void connectingTheOrgChecksItThenStoresTheKeyInSecretsManagerTheRecordInDynamoAndStartsASync() {
        try (Stack stack = stack()) {
            APIGatewayV2HTTPResponse response = connect(stack, "tenant-a", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));

            assertEquals(201, response.getStatusCode(), response.getBody());
            JsonNode body = json(response);
            assertEquals("connected", body.path("status").asText());
            assertEquals("Acme Corp", body.path("settings").path("orgName").asText());
            assertFalse(response.getBody().contains(ORG_API_KEY), "the key is never echoed");

            List<String> secrets = stack.aws.secretNames();
            assertEquals(1, secrets.size());
            String stored = stack.aws.secrets.getSecretValue(r -> r.secretId(secrets.get(0))).secretString();
            assertTrue(stored.contains(ORG_API_KEY), "the key lives in Secrets Manager");
            String table = stack.aws.dumpTable();
            assertTrue(table.contains(ORG_ID), "the integration record is in DynamoDB");
            assertFalse(table.contains(ORG_API_KEY), "the key is never in DynamoDB");

            List<String> events = stack.aws.drainSyncEvents();
            assertEquals(1, events.size());
            JsonNode detail = com.saasspend.integration.testing.ApiEvents.parse(events.get(0)).path("detail");
            assertEquals("tenant-a", detail.path("tenantId").asText());
            assertEquals("atlassian", detail.path("integration").asText());
            assertEquals("connect", detail.path("reason").asText());

            APIGatewayV2HTTPResponse again = connect(stack, "tenant-a", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            assertEquals(200, again.getStatusCode(), "connecting twice is safe: " + again.getBody());
            assertEquals(1, stack.aws.secretNames().size(), "a repeat connect keeps one secret");
        }
    }

    @Test
    void eachRefusalSaysWhatToFixAndSavesNothing() {
        try (Stack stack = stack(seed -> {
            ArrayNode keys = (ArrayNode) SimWorlds.org(seed, "Acme Corp").path("apiKeys");
            keys.addObject().put("key", "ATCTT3xNoDomainScopeKey0000000000000000").put("label", "scoped")
                    .put("expiresAt", "2027-09-30T00:00:00Z")
                    .putArray("scopes").add("read:orgs:admin").add("read:directories:admin").add("read:workspaces:admin");
        })) {
            assertProblem(connect(stack, "t", "atlassian", atlassianBody(ORG_ID, "ATCTT3xNotAKeyAtlassianKnows000000")), 422, "atlassian_key_rejected");
            assertProblem(connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORIGINAL_UM_API_KEY)), 422, "atlassian_key_wrong_org");
            assertProblem(connect(stack, "t", "atlassian", atlassianBody(ORIGINAL_UM_ORG_ID, ORIGINAL_UM_API_KEY)), 422, "original_user_management");
            assertProblem(connect(stack, "t", "atlassian", atlassianBody(ORG_ID, "ATCTT3xNoDomainScopeKey0000000000000000")), 422, "atlassian_key_lacks_access");
            assertProblem(connect(stack, "t", "atlassian",
                    "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\",\"apiKeyExpiresOn\":\"2026-11-01\"}"), 400, "credential_expired");

            stack.sim.world().expireKey(ORG_API_KEY);
            APIGatewayV2HTTPResponse expired = connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            assertProblem(expired, 422, "atlassian_key_rejected");
            assertTrue(json(expired).path("detail").asText().contains("expired"));

            assertEquals(List.of(), stack.aws.secretNames(), "a refused connect stores no secret");
            assertFalse(stack.aws.dumpTable().contains("INTEGRATION#"), "a refused connect stores no record");
            assertEquals(List.of(), stack.aws.drainSyncEvents());
        }
    }

    @Test
    void anOrgWithAnUnverifiedDomainIsRefusedNamingTheDomain() {
        try (Stack stack = stack(seed -> ((ObjectNode) SimWorlds.org(seed, "Acme Corp").path("domains").get(2)).put("status", "missing_token"))) {
            APIGatewayV2HTTPResponse response = connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            assertProblem(response, 422, "domains_unverified");
            assertTrue(json(response).path("detail").asText().contains("acme-sandbox.dev"), response.getBody());
        }
    }

    @Test
    void badInputIsA4xxWithFieldErrorsAndNeverEchoesTheKey() {
        try (Stack stack = stack()) {
            assertProblem(connect(stack, "t", "atlassian", "{not json"), 400, "body_not_json");
            assertProblem(connect(stack, "t", "atlassian", "[]"), 400, "body_not_object");
            APIGatewayV2HTTPResponse missing = connect(stack, "t", "atlassian", "{\"apiKey\":42,\"extra\":true}");
            assertProblem(missing, 400, "validation_failed");
            assertEquals(3, json(missing).path("errors").size(), missing.getBody());
            APIGatewayV2HTTPResponse badKey = connect(stack, "t", "atlassian", "{\"orgId\":\"o\",\"apiKey\":\"short k\"}");
            assertProblem(badKey, 400, "validation_failed");
            assertFalse(badKey.getBody().contains("short k"));
            assertProblem(connect(stack, "t", "salesforce", "{}"), 404, "unknown_integration_type");
        }
    }

    @Test
    void productsConnectOnlyAfterAtlassianAndOnlyForTheOrgsOwnInstances() {
        try (Stack stack = stack()) {
            assertProblem(connect(stack, "t", "jira", siteBody("https://acme.atlassian.net")), 409, "atlassian_not_connected");
            assertEquals(201, connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY)).getStatusCode());

            for (String trick : List.of("http://acme.atlassian.net", "https://acme.atlassian.net:8443", "https://evil.example",
                    "https://user:pw@acme.atlassian.net", "https://127.0.0.1", "https://acme.atlassian.net/wiki", "https://acme.atlassian.net.evil.example")) {
                assertProblem(connect(stack, "t", "jira", siteBody(trick)), 400, "validation_failed");
            }
            // Another org's site: our admin is nobody there.
            assertProblem(connect(stack, "t", "jira", siteBody("https://globex.atlassian.net")), 422, "jira_not_admin");
            assertEquals(201, connect(stack, "t", "jira", siteBody("https://acme.atlassian.net/")).getStatusCode());
            assertEquals(201, connect(stack, "t", "confluence", siteBody("https://acme.atlassian.net")).getStatusCode());
            assertEquals(201, connect(stack, "t", "trello", "{\"apiKey\":\"" + TRELLO_API_KEY + "\",\"token\":\"" + TRELLO_TOKEN
                    + "\",\"enterpriseId\":\"" + TRELLO_ENTERPRISE_ID + "\"}").getStatusCode());
            APIGatewayV2HTTPResponse bitbucket = connect(stack, "t", "bitbucket", "{\"workspace\":\"" + BITBUCKET_LINKED_WORKSPACE
                    + "\",\"email\":\"" + BITBUCKET_EMAIL + "\",\"apiToken\":\"" + BITBUCKET_API_TOKEN + "\"}");
            assertEquals(201, bitbucket.getStatusCode(), bitbucket.getBody());
            assertEquals("true", json(bitbucket).path("settings").path("linkedToOrg").asText());

            JsonNode overview = json(stack.call("t", "GET /integrations", "/integrations", Map.of(), null));
            assertEquals(5, overview.path("integrations").size());
            assertTrue(overview.path("reclaimEnabled").asBoolean(), "Jira and Confluence connected open reclaim");
        }
    }

    @Test
    void aProductInstanceThatIsNotAProductOfTheConnectedOrgIsRefused() {
        // The enterprise exists in Trello and the token may read it, but the org's Trello product is another one.
        try (Stack stack = stack(seed -> SimWorlds.org(seed, "Acme Corp").path("products").forEach(p -> {
            if ("trello".equals(p.path("key").asText())) {
                ((ObjectNode) p).put("name", "Someone Else's Trello").put("hostUrl", "trello.com/e/someone-else");
            }
        }))) {
            connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            APIGatewayV2HTTPResponse response = connect(stack, "t", "trello", "{\"apiKey\":\"" + TRELLO_API_KEY + "\",\"token\":\""
                    + TRELLO_TOKEN + "\",\"enterpriseId\":\"" + TRELLO_ENTERPRISE_ID + "\"}");
            assertProblem(response, 422, "instance_not_in_org");
            assertTrue(json(response).path("detail").asText().contains("Acme Corp"), response.getBody());
        }
    }

    @Test
    void aBitbucketWorkspaceCreatedDirectlyConnectsButIsMarkedNotLinkedToTheOrg() {
        try (Stack stack = stack()) {
            connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            APIGatewayV2HTTPResponse response = connect(stack, "t", "bitbucket", "{\"workspace\":\"" + BITBUCKET_DIRECT_WORKSPACE
                    + "\",\"email\":\"" + BITBUCKET_EMAIL + "\",\"apiToken\":\"" + BITBUCKET_API_TOKEN + "\"}");
            assertEquals(201, response.getStatusCode(), response.getBody());
            assertEquals("false", json(response).path("settings").path("linkedToOrg").asText());
        }
    }

    @Test
    void disconnectingAtlassianTakesEveryProductAndEverySecretWithIt() {
        try (Stack stack = stack()) {
            connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            connect(stack, "t", "jira", siteBody("https://acme.atlassian.net"));
            connect(stack, "t", "confluence", siteBody("https://acme.atlassian.net"));
            assertEquals(3, stack.aws.secretNames().size());

            APIGatewayV2HTTPResponse response = stack.call("t", "DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), null);
            assertEquals(200, response.getStatusCode(), response.getBody());
            assertEquals(List.of(), stack.aws.secretNames(), "every secret is deleted");
            assertFalse(stack.aws.dumpTable().contains("INTEGRATION#"), "no integration record stays");
            assertProblem(stack.call("t", "DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), null),
                    404, "integration_not_connected");
        }
    }

    @Test
    void rotatingTheKeyKeepsTheIntegrationAndReplacesTheSecretValue() {
        World world = SimWorlds.demo(seed -> ((ArrayNode) SimWorlds.org(seed, "Acme Corp").path("apiKeys")).addObject()
                .put("key", "ATCTT3xSecondAcmeKey11111111111111111111").put("label", "new").put("expiresAt", "2027-12-31T00:00:00Z"));
        try (Stack stack = new Stack(world, NOW)) {
            connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            stack.aws.drainSyncEvents();
            APIGatewayV2HTTPResponse rotated = stack.call("t", "PUT /integrations/{type}/credentials", "/integrations/atlassian/credentials",
                    Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"ATCTT3xSecondAcmeKey11111111111111111111\",\"apiKeyExpiresOn\":\"2027-12-31\"}");
            assertEquals(200, rotated.getStatusCode(), rotated.getBody());
            assertEquals("2027-12-31", json(rotated).path("credentialExpiresOn").asText());
            List<String> secrets = stack.aws.secretNames();
            assertEquals(1, secrets.size());
            assertTrue(stack.aws.secrets.getSecretValue(r -> r.secretId(secrets.get(0))).secretString().contains("ATCTT3xSecondAcmeKey"));
            assertEquals(1, stack.aws.drainSyncEvents().size(), "a rotation starts a sync");

            assertProblem(stack.call("t", "PUT /integrations/{type}/credentials", "/integrations/atlassian/credentials",
                    Map.of("type", "atlassian"), atlassianBody(ORG_ID, "ATCTT3xNotAKeyAtlassianKnows000000")), 422, "atlassian_key_rejected");
        }
    }

    @Test
    void aTenantCannotSeeOrChangeAnotherTenantsIntegrations() {
        try (Stack stack = stack()) {
            connect(stack, "tenant-a", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            JsonNode seenByB = json(stack.call("tenant-b", "GET /integrations", "/integrations", Map.of(), null));
            assertEquals(0, seenByB.path("integrations").size());
            assertProblem(stack.call("tenant-b", "DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), null),
                    404, "integration_not_connected");
            assertProblem(stack.call("tenant-b", "POST /integrations/{type}/sync", "/integrations/atlassian/sync", Map.of("type", "atlassian"), null),
                    404, "integration_not_connected");
            assertProblem(connect(stack, "tenant-b", "jira", siteBody("https://acme.atlassian.net")), 409, "atlassian_not_connected");
            assertEquals(1, json(stack.call("tenant-a", "GET /integrations", "/integrations", Map.of(), null)).path("integrations").size());
        }
    }

    @Test
    void atlassianDownIsA502AndRateLimitedA503NeverA500() {
        try (Stack stack = stack()) {
            stack.sim.faults().failNext(20, 503, ".*");
            assertProblem(connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY)), 502, "atlassian_unavailable");
            stack.sim.faults().clear();
            stack.sim.faults().rateLimit(ORG_API_KEY, 0, 60);
            APIGatewayV2HTTPResponse limited = connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
            assertProblem(limited, 503, "atlassian_rate_limited");
        }
    }

    /** The connect listings, each with the words its problem names it by. */
    private static final Map<String, String> LISTINGS = Map.of(
            "/admin/v1/orgs$", "organizations",
            "/admin/v2/orgs/[^/]+/directories$", "directories",
            "/admin/v1/orgs/[^/]+/domains$", "domains",
            "/admin/v2/orgs/[^/]+/workspaces$", "product instances");

    @Test
    void aListingWhoseCursorNeverAdvancesIsA502WithinSecondsAndSavesNothing() {
        try (Stack stack = stack()) {
            LISTINGS.forEach((pathRegex, listing) -> {
                stack.sim.faults().clear();
                stack.sim.clearRequests();
                stack.sim.faults().stuckCursor(pathRegex);

                long started = System.nanoTime();
                APIGatewayV2HTTPResponse response = connect(stack, "t", "atlassian", atlassianBody(ORG_ID, ORG_API_KEY));
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertProblem(response, 502, "atlassian_listing_broken");
                assertTrue(json(response).path("detail").asText().contains(listing), response.getBody());
                assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered in " + took);
                long pagesAsked = stack.sim.requests().stream().filter(r -> java.util.regex.Pattern.compile(pathRegex).matcher(r.path()).find()).count();
                assertEquals(2, pagesAsked, "stopped at the first repeated cursor of " + listing);
            });
            assertEquals(List.of(), stack.aws.secretNames(), "nothing saved");
            assertFalse(stack.aws.dumpTable().contains("INTEGRATION#"), "nothing saved");
            assertEquals(List.of(), stack.aws.drainSyncEvents());
        }
    }

    @Test
    void anAtlassianTooSlowForTheTimeLeftIsA503WithRetryAfterBeforeTheFunctionEnds() {
        try (Stack stack = stack()) {
            stack.sim.faults().latencyMillis(2_500);
            // After the API margin, the 2.5 s first call plus just under one second (the least an attempt gets): the
            // first call fits whatever our own overhead, and after it less than one attempt's time is left.
            Duration remaining = RetrySettings.forApiRequests().deadlineMargin().plusMillis(2_500 + 990);
            long started = System.nanoTime();
            APIGatewayV2HTTPResponse response = stack.integrations.handleRequest(
                    ApiEvents.request(CONNECT, "/integrations/atlassian", Map.of("type", "atlassian"), atlassianBody(ORG_ID, ORG_API_KEY), "t"),
                    DeadlineContext.endingIn(remaining));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertProblem(response, 503, "atlassian_too_slow");
            assertEquals("30", response.getHeaders().get("Retry-After"));
            assertTrue(took.compareTo(remaining) < 0, "answered before the function's end: " + took);
            assertEquals(1, stack.sim.requests().size(), "the call that could not fit was not sent");
            assertEquals(List.of(), stack.aws.secretNames(), "nothing saved");
            assertFalse(stack.aws.dumpTable().contains("INTEGRATION#"), "nothing saved");
        }
    }
}
