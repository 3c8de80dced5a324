package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The License page against a synced demo org on moto. */
@ExtendWith(AwsEmulator.class)
class LicensesIT {
    private static final String TENANT = "tenant-licenses";
    private static Stack stack;

    @BeforeAll
    static void connectAndSync() {
        stack = new Stack(SimWorlds.demo(), Clock.systemUTC());
        APIGatewayV2HTTPResponse connected = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian",
                Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, connected.getStatusCode(), connected.getBody());
        Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static JsonNode get(String tenant, String route, String path, Map<String, String> params, Map<String, String> query) {
        APIGatewayV2HTTPResponse response = stack.licenses(tenant, route, path, params, query, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return ApiEvents.json(response);
    }

    @Test
    void licensesShowSeatsAndUsagePerProductAsTheSimulatorCountsThem() {
        JsonNode body = get(TENANT, "GET /licenses", "/licenses", Map.of(), Map.of());
        assertFalse(body.path("lastSyncAt").isNull(), "the last sync time is shown");
        assertEquals(30, body.path("inactivityDays").asInt());
        Set<String> products = new HashSet<>();
        for (JsonNode row : body.path("products")) {
            products.add(row.path("product").asText());
            String resourceId = row.path("resourceId").asText();
            assertEquals(stack.sim.world().seatsUsed(ORG_ID, resourceId), row.path("assigned").asInt(), "assigned on " + resourceId);
            assertEquals(row.path("assigned").asLong(),
                    row.path("active").asLong() + row.path("inactive").asLong() + row.path("neverUsed").asLong());
        }
        assertTrue(products.containsAll(Set.of("jira-software", "jira-servicedesk", "confluence", "trello", "bitbucket")), products.toString());
        JsonNode jira = null;
        for (JsonNode row : body.path("products")) {
            if (row.path("product").asText().equals("jira-software")) {
                jira = row;
            }
        }
        assertEquals(350, jira.path("seats").asInt(), "capacity from the org's product list");
        assertTrue(jira.path("inactive").asInt() > 0 && jira.path("neverUsed").asInt() > 0, jira.toString());
    }

    @Test
    void inactiveJiraUsersAreListedPageByPageWithoutGapsOrRepeats() {
        Map<String, String> query = new HashMap<>(Map.of("product", "jira-software", "status", "inactive", "limit", "7"));
        Set<String> seen = new HashSet<>();
        Instant threshold = Instant.now().minus(Duration.ofDays(30));
        int pages = 0;
        while (true) {
            JsonNode page = get(TENANT, "GET /users", "/users", Map.of(), query);
            pages++;
            for (JsonNode user : page.path("users")) {
                assertTrue(seen.add(user.path("accountId").asText()), "no user twice");
                boolean inactiveOnJira = false;
                for (JsonNode p : user.path("products")) {
                    if (p.path("product").asText().equals("jira-software")) {
                        inactiveOnJira = !p.path("lastActive").isNull() && Instant.parse(p.path("lastActive").asText()).isBefore(threshold);
                    }
                }
                assertTrue(inactiveOnJira, user.toString());
            }
            if (page.path("nextCursor").isNull()) {
                break;
            }
            query.put("cursor", page.path("nextCursor").asText());
        }
        JsonNode licenses = get(TENANT, "GET /licenses", "/licenses", Map.of(), Map.of());
        long inactiveJira = 0;
        for (JsonNode row : licenses.path("products")) {
            if (row.path("product").asText().equals("jira-software")) {
                inactiveJira = row.path("inactive").asLong();
            }
        }
        assertEquals(inactiveJira, seen.size(), "the list and the count agree");
        assertTrue(pages > 1);
    }

    @Test
    void searchDetailAndSettings() {
        JsonNode found = get(TENANT, "GET /users", "/users", Map.of(), Map.of("q", "IT-ADMIN@acme"));
        assertEquals(1, found.path("users").size(), found.toString());
        String adminId = found.path("users").get(0).path("accountId").asText();
        JsonNode detail = get(TENANT, "GET /users/{accountId}", "/users/" + adminId, Map.of("accountId", adminId), Map.of());
        assertEquals(stack.sim.world().groupsOf(adminId).size(), detail.path("groups").size());
        assertTrue(detail.path("orgAdmin").asBoolean());

        APIGatewayV2HTTPResponse put = stack.licenses(TENANT, "PUT /settings", "/settings", Map.of(), Map.of(),
                "{\"inactivityDays\":3650,\"seatPrices\":{\"jira-software\":8.6}}");
        assertEquals(200, put.getStatusCode(), put.getBody());
        JsonNode none = get(TENANT, "GET /users", "/users", Map.of(), Map.of("status", "inactive", "product", "jira-software"));
        assertEquals(3650, none.path("inactivityDays").asInt());
        assertEquals(0, none.path("users").size(), "nobody is inactive for ten years");
        stack.licenses(TENANT, "PUT /settings", "/settings", Map.of(), Map.of(), "{\"inactivityDays\":30,\"seatPrices\":{\"jira-software\":null}}");
    }

    private static JsonNode putSettings(String tenant, String body) {
        APIGatewayV2HTTPResponse put = stack.licenses(tenant, "PUT /settings", "/settings", Map.of(), Map.of(), body);
        assertEquals(200, put.getStatusCode(), put.getBody());
        return ApiEvents.json(put);
    }

    /** A client that sends one setting, or one product's price, changes that and nothing else. */
    @Test
    void aSettingLeftOutKeepsItsValueAndSeatPricesMergePerProduct() {
        String tenant = "tenant-settings";
        putSettings(tenant, "{\"inactivityDays\":45,\"seatPrices\":{\"jira-software\":7.5,\"confluence\":5}}");

        JsonNode oneProduct = putSettings(tenant, "{\"seatPrices\":{\"jira-software\":8}}");
        assertEquals(45, oneProduct.path("inactivityDays").asInt(), oneProduct.toString());
        assertEquals(8, oneProduct.path("seatPrices").path("jira-software").asDouble());
        assertEquals(5, oneProduct.path("seatPrices").path("confluence").asDouble(), "the other product keeps its price");

        JsonNode removed = putSettings(tenant, "{\"seatPrices\":{\"confluence\":null}}");
        assertFalse(removed.path("seatPrices").has("confluence"), "a null price removes that product's price");
        assertEquals(8, removed.path("seatPrices").path("jira-software").asDouble());

        JsonNode threshold = putSettings(tenant, "{\"inactivityDays\":60}");
        assertEquals(60, threshold.path("inactivityDays").asInt());
        assertEquals(8, threshold.path("seatPrices").path("jira-software").asDouble(), "prices are kept");

        APIGatewayV2HTTPResponse negative = stack.licenses(tenant, "PUT /settings", "/settings", Map.of(), Map.of(),
                "{\"seatPrices\":{\"jira-software\":-1}}");
        assertEquals(400, negative.getStatusCode());
        assertEquals("application/problem+json", negative.getHeaders().get("Content-Type"));
        assertTrue(negative.getBody().contains("seatPrices.jira-software"), negative.getBody());
        assertEquals(threshold, get(tenant, "GET /settings", "/settings", Map.of(), Map.of()), "a refused request changes nothing");
    }

    @Test
    void badParametersAndForeignIdsAreClear4xx() {
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("status", "sleepy"), null).getStatusCode());
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("limit", "100000"), null).getStatusCode());
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("cursor", "not-ours"), null).getStatusCode());
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("sort", "size"), null).getStatusCode());
        assertEquals(400, stack.licenses(TENANT, "PUT /settings", "/settings", Map.of(), Map.of(), "{\"inactivityDays\":-1}").getStatusCode());

        String someone = get(TENANT, "GET /users", "/users", Map.of(), Map.of("limit", "1")).path("users").get(0).path("accountId").asText();
        APIGatewayV2HTTPResponse foreign = stack.licenses("tenant-other", "GET /users/{accountId}", "/users/" + someone,
                Map.of("accountId", someone), Map.of(), null);
        assertEquals(404, foreign.getStatusCode(), "another tenant's user is not found, not forbidden");
        String cursor = get(TENANT, "GET /users", "/users", Map.of(), Map.of("limit", "2")).path("nextCursor").asText();
        JsonNode replayed = get("tenant-other", "GET /users", "/users", Map.of(), Map.of("cursor", cursor));
        assertEquals(0, replayed.path("users").size(), "a cursor leads only into the caller's own data");
    }
}
