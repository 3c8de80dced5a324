package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.sync.SyncWorkerHandler;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /savings and its history on moto and the simulator's demo world: after a sync and a reclaim, every product's
 * seats bought, assigned, unused (and their cost) and reclaimed seats equal what the simulator's own state says, the
 * day's history item holds them, and an undo takes the reclaimed seats back.
 */
@ExtendWith(AwsEmulator.class)
class SavingsIT {
    private static final String TENANT = "tenant-savings";
    /** Holds Jira and Confluence in the demo org; removed from the group granting Jira. */
    private static final String IVAN = "712020:e97bae25-e933-508a-9fec-855b357e1f04";
    private static final BigDecimal JIRA_PRICE = new BigDecimal("8.60");
    private static final List<String> PRODUCTS = List.of("jira-software", "jira-servicedesk", "confluence", "trello", "bitbucket");
    /** Fixed for the class: the day and the month every count belongs to do not move under the test. */
    private static final Clock CLOCK = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    private static Stack stack;
    private static World world;
    private static ReclaimApiHandler reclaim;

    @BeforeAll
    static void connectPriceAndSync() {
        stack = new Stack(SimWorlds.demo(), CLOCK);
        world = stack.sim.world();
        reclaim = new ReclaimApiHandler(Services.of(stack.env, CLOCK));
        APIGatewayV2HTTPResponse connected = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian",
                Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, connected.getStatusCode(), connected.getBody());
        // Reclaim opens once Jira and Confluence are connected too.
        for (String product : List.of("jira", "confluence")) {
            APIGatewayV2HTTPResponse site = stack.call(TENANT, "POST /integrations/{type}", "/integrations/" + product,
                    Map.of("type", product), "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL
                            + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}");
            assertEquals(201, site.getStatusCode(), site.getBody());
        }
        APIGatewayV2HTTPResponse priced = stack.licenses(TENANT, "PUT /settings", "/settings", Map.of(), Map.of(),
                "{\"inactivityDays\":30,\"seatPrices\":{\"jira-software\":8.60}}");
        assertEquals(200, priced.getStatusCode(), priced.getBody());
        sync();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /** A full org sync through the worker, as the bus delivers it (the worker writes the day's history item). */
    private static void sync() {
        Map<String, Object> detail = new LinkedHashMap<>(Map.of("tenantId", TENANT, "integration", "atlassian", "reason", "manual"));
        Map<String, Object> event = new HashMap<>(Map.of("detail-type", "IntegrationSyncRequested",
                "source", "saasspend.atlassian-integration", "detail", detail));
        Map<String, Object> result = new SyncWorkerHandler(Services.of(stack.env, CLOCK)).handleRequest(event, null);
        assertEquals("completed", result.get("outcome"), result.toString());
        stack.aws.drainSyncEvents();
    }

    private static JsonNode get(String tenant, String route, String path, Map<String, String> query) {
        APIGatewayV2HTTPResponse response = stack.licenses(tenant, route, path, Map.of(), query, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return ApiEvents.json(response);
    }

    private static JsonNode savings() {
        return get(TENANT, "GET /savings", "/savings", Map.of());
    }

    private static JsonNode row(JsonNode rows, String resourceId) {
        for (JsonNode row : rows) {
            if (resourceId.equals(row.path("resourceId").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row for " + resourceId + " in " + rows);
    }

    private static APIGatewayV2HTTPResponse callReclaim(String route, String path, Map<String, String> params, String key, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(route, path, params, body, TENANT);
        if (key != null) {
            Map<String, String> headers = new HashMap<>(event.getHeaders());
            headers.put("idempotency-key", key);
            event.setHeaders(headers);
        }
        return reclaim.handleRequest(event, null);
    }

    /** Per product, the seats the simulator says are held, and how many of them are unused (inactive 30 days or never used). */
    private static void assertCountsMatchTheWorld(JsonNode rows) {
        Instant activeSince = CLOCK.instant().minus(Duration.ofDays(30));
        for (String product : PRODUCTS) {
            String ari = world.productId(ORG_ID, product);
            long assigned = 0;
            long inactive = 0;
            long never = 0;
            for (String accountId : world.accountIds(ORG_ID)) {
                if (world.holdsSeat(accountId, ari)) {
                    assigned++;
                    Instant last = world.lastActive(accountId, ari);
                    if (last == null) {
                        never++;
                    } else if (last.isBefore(activeSince)) {
                        inactive++;
                    }
                }
            }
            JsonNode row = row(rows, ari);
            assertEquals(world.seatsUsed(ORG_ID, ari), assigned, "the independent count agrees with the simulator's own: " + product);
            assertEquals(assigned, row.path("assigned").asLong(), "assigned on " + product);
            assertEquals(inactive, row.path("inactive").asLong(), "inactive on " + product);
            assertEquals(never, row.path("neverUsed").asLong(), "never used on " + product);
            assertEquals(inactive + never, row.path("unused").asLong(), "unused on " + product);
            Integer capacity = world.capacity(ORG_ID, ari);
            if (capacity == null) {
                assertTrue(row.path("seatsBought").isNull(), "not reported by Atlassian, not invented: " + product);
            } else {
                assertEquals(capacity.intValue(), row.path("seatsBought").asInt(), "seats bought on " + product);
            }
            if (product.equals("jira-software")) {
                assertTrue(inactive + never > 0, "the demo world has unused Jira seats");
                assertEquals(0, JIRA_PRICE.multiply(BigDecimal.valueOf(inactive + never)).compareTo(row.path("unusedMonthlyCost").decimalValue()));
            } else {
                assertTrue(row.path("unusedMonthlyCost").isNull(), "no price for " + product + ", no cost");
            }
        }
    }

    @Test
    void afterASyncAndAReclaimSavingsMatchTheWorldAndTheDaysHistoryAndAnUndoTakesTheSeatsBack() {
        JsonNode before = savings();
        assertCountsMatchTheWorld(before.path("products"));
        assertEquals(0, before.path("totals").path("reclaimedToDate").path("seats").asLong());

        Map<String, Boolean> heldBefore = new LinkedHashMap<>();
        PRODUCTS.forEach(p -> heldBefore.put(p, world.holdsSeat(IVAN, p)));
        String jiraGroup = world.groupId(ORG_ID, "jira-software-users");
        APIGatewayV2HTTPResponse done = callReclaim("POST /reclaims", "/reclaims", Map.of(), UUID.randomUUID().toString(),
                "{\"accountId\":\"" + IVAN + "\",\"groupIds\":[\"" + jiraGroup + "\"]}");
        assertTrue(done.getStatusCode() == 200 || done.getStatusCode() == 201, done.getBody());
        String reclaimId = ApiEvents.json(done).path("id").asText();
        // What the reclaim freed, from the simulator: the products Ivan held a seat on before and does not now.
        Map<String, Long> freed = new LinkedHashMap<>();
        PRODUCTS.forEach(p -> freed.put(p, heldBefore.get(p) && !world.holdsSeat(IVAN, p) ? 1L : 0L));
        assertEquals(1L, freed.get("jira-software"), "the demo's Ivan holds Jira only through that group");
        sync();

        JsonNode after = savings();
        assertCountsMatchTheWorld(after.path("products"));
        for (String product : PRODUCTS) {
            JsonNode row = row(after.path("products"), world.productId(ORG_ID, product));
            assertEquals(freed.get(product), row.path("reclaimedToDate").path("seats").asLong(), "reclaimed on " + product);
            assertEquals(freed.get(product), row.path("reclaimedThisMonth").path("seats").asLong(), "this month on " + product);
        }
        JsonNode jira = row(after.path("products"), world.productId(ORG_ID, "jira-software"));
        assertEquals(0, JIRA_PRICE.compareTo(jira.path("reclaimedToDate").path("monthlyCost").decimalValue()));
        assertEquals(0, JIRA_PRICE.compareTo(after.path("totals").path("reclaimedThisMonth").path("monthlyCost").decimalValue()));
        assertEquals(LocalDate.now(CLOCK).toString().substring(0, 7), after.path("month").asText());

        JsonNode history = get(TENANT, "GET /savings/history", "/savings/history", Map.of());
        JsonNode today = history.path("days").get(history.path("days").size() - 1);
        assertEquals(LocalDate.now(CLOCK).toString(), today.path("date").asText(), history.toString());
        assertFalse(today.path("snapshotAt").isNull(), "written by the completed sync");
        JsonNode jiraToday = row(today.path("products"), world.productId(ORG_ID, "jira-software"));
        assertEquals(jira.path("assigned").asLong(), jiraToday.path("assigned").asLong());
        assertEquals(0, jira.path("unusedMonthlyCost").decimalValue().compareTo(jiraToday.path("unusedMonthlyCost").decimalValue()));
        assertEquals(1, jiraToday.path("reclaimedSeats").asLong());
        assertEquals(1, history.path("days").size(), "one item for the day, however many syncs completed");

        APIGatewayV2HTTPResponse undone = callReclaim("POST /reclaims/{id}/undo", "/reclaims/" + reclaimId + "/undo",
                Map.of("id", reclaimId), null, null);
        assertEquals(200, undone.getStatusCode(), undone.getBody());
        assertTrue(world.holdsSeat(IVAN, "jira-software"), "Ivan is back");
        JsonNode afterUndo = savings();
        assertEquals(0, afterUndo.path("totals").path("reclaimedToDate").path("seats").asLong(), afterUndo.toString());
        assertTrue(afterUndo.path("totals").path("reclaimedThisMonth").path("monthlyCost").isNull());
        JsonNode historyAfterUndo = get(TENANT, "GET /savings/history", "/savings/history",
                Map.of("from", today.path("date").asText(), "to", today.path("date").asText()));
        assertEquals(0, row(historyAfterUndo.path("days").get(0).path("products"), world.productId(ORG_ID, "jira-software"))
                .path("reclaimedSeats").asLong());
    }

    @Test
    void anotherTenantSeesNoneOfIt() {
        JsonNode other = get("tenant-savings-other", "GET /savings", "/savings", Map.of());
        assertEquals(0, other.path("products").size(), other.toString());
        assertEquals(0, get("tenant-savings-other", "GET /savings/history", "/savings/history", Map.of()).path("days").size());
    }

    private static JsonNode problem(Map<String, String> query, String code) {
        APIGatewayV2HTTPResponse response = stack.licenses(TENANT, "GET /savings/history", "/savings/history", Map.of(), query, null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        JsonNode body = ApiEvents.json(response);
        assertEquals(code, body.path("code").asText(), response.getBody());
        assertFalse(body.path("detail").asText().isBlank());
        return body;
    }

    @Test
    void badRangesAreProblemsNot500s() {
        problem(Map.of("from", "2026-11-30", "to", "2026-11-01"), "invalid_range");
        problem(Map.of("from", "2024-01-01", "to", "2026-11-30"), "range_too_long");
        JsonNode invalid = problem(Map.of("from", "2026-02-30"), "validation_failed");
        assertEquals("from", invalid.path("errors").get(0).path("field").asText(), invalid.toString());
        problem(Map.of("to", "yesterday"), "validation_failed");
        problem(Map.of("since", "2026-11-01"), "validation_failed");
    }
}
