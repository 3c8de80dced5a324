package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_DIRECT_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.ORIGINAL_UM_ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_ACCOUNT_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.aws.DynamoIdempotencyKeys;
import com.saasspend.integration.aws.DynamoTenantSettingsStore;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.ContentHash;
import com.saasspend.integration.sync.SyncWorkerHandler;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.LicenseItems;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import com.saasspend.integration.testing.ProcessKilled;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reclaim through the real handler, against moto and the Atlassian simulator: the org is connected (Atlassian, Jira,
 * Confluence) and synced once, then groups are listed, planned, removed and restored, and every answer is checked
 * against the simulator's own state.
 */
@ExtendWith(AwsEmulator.class)
class ReclaimIT {
    private static final String TENANT = "tenant-reclaim";
    private static final String IVAN = "712020:e97bae25-e933-508a-9fec-855b357e1f04";
    private static final String TARA = "712020:5d687b18-9e20-5a35-ad91-d77fe7cce5aa";
    private static final String OLGA = "712020:846c8981-cd4e-5e02-a323-22e562d223b5";
    private static final String OSCAR = "712020:90e7ec73-7e66-5bc0-956d-8b70514a0800";
    private static final String BEN = "712020:7d49e4cc-211a-5498-afe9-c4b45219b1fa";
    private static final String DORA = "712020:d7b992b5-ee72-5d53-a2be-4d386306c5cd";
    /** Added by the tests' seed: an org admin who is not the account whose tokens we hold. */
    private static final String OLIVIA = "712020:0f0e0d0c-0b0a-4090-8070-605040302010";
    /** Added by the tests' seed: four removable groups (Jira twice, Confluence, JSM), for runs killed midway. */
    private static final String QUINN = "712020:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    /** A clock the tests move forward (the undo window). */
    static final class MovableClock extends Clock {
        // Sub-millisecond, as a real clock reads: ids and keys must not depend on a round instant.
        private volatile Instant now = Instant.parse("2026-11-28T12:00:00.123456789Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** One tenant's product on its own table and simulator: connected as asked, synced once. */
    static final class Fixture implements AutoCloseable {
        final MovableClock clock = new MovableClock();
        final Stack stack;
        final ReclaimApiHandler reclaim;
        final World world;

        Fixture(String... products) {
            stack = new Stack(SimWorlds.demo(seed -> {
                ObjectNode acme = SimWorlds.org(seed, "Acme Corp");
                // The demo's named users cover every case (two groups granting Jira, IdP group, direct role, admins);
                // the 420 generated ones would only cost sync time.
                acme.remove("generate");
                ObjectNode olivia = ((ArrayNode) acme.path("users")).addObject();
                olivia.put("accountId", OLIVIA).put("name", "Olivia Orgadmin").put("email", "olivia.orgadmin@acme.com")
                        .put("addedToOrg", "-200d");
                olivia.putArray("platformRoles").add("atlassian/org-admin");
                olivia.putArray("groups").add("org-admins").add("jira-software-users");
                olivia.putObject("lastActive").put("jira-software", "-2d");
                ObjectNode quinn = ((ArrayNode) acme.path("users")).addObject();
                quinn.put("accountId", QUINN).put("name", "Quinn Quadgroups").put("email", "quinn.quadgroups@acme.com")
                        .put("addedToOrg", "-100d");
                quinn.putArray("groups").add("jira-software-users").add("jira-platform-team").add("confluence-users")
                        .add("jira-servicemanagement-users");
                quinn.putObject("lastActive").put("jira-software", "-1d").put("confluence", "-3d");
            }), clock);
            world = stack.sim.world();
            reclaim = new ReclaimApiHandler(Services.of(stack.env, clock));
            connect("atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
            for (String product : products) {
                connect(product, product.equals("bitbucket")
                        ? "{\"workspace\":\"" + BITBUCKET_DIRECT_WORKSPACE + "\",\"email\":\"" + BITBUCKET_EMAIL
                                + "\",\"apiToken\":\"" + BITBUCKET_API_TOKEN + "\"}"
                        : "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}");
            }
            assertEquals("COMPLETED", Services.of(stack.env, clock).orgSync().run(TENANT, Budget.unlimited()).outcome().name());
            stack.aws.drainSyncEvents();
            stack.sim.clearRequests();
        }

        void connect(String type, String body) {
            APIGatewayV2HTTPResponse response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/" + type, Map.of("type", type), body);
            assertEquals(201, response.getStatusCode(), response.getBody());
        }

        String group(String name) {
            String id = world.groupId(ORG_ID, name);
            assertTrue(id != null, name);
            return id;
        }

        APIGatewayV2HTTPResponse call(String tenant, String routeKey, String path, Map<String, String> params,
                                      Map<String, String> query, String idempotencyKey, String body) {
            APIGatewayV2HTTPEvent event = ApiEvents.request(routeKey, path, params, body, tenant);
            event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
            if (idempotencyKey != null) {
                Map<String, String> headers = new HashMap<>(event.getHeaders());
                headers.put("idempotency-key", idempotencyKey);
                event.setHeaders(headers);
            }
            return reclaim.handleRequest(event, null);
        }

        APIGatewayV2HTTPResponse accessGroupsResponse(String accountId) {
            return call(TENANT, "GET /users/{accountId}/access-groups", "/users/" + accountId + "/access-groups",
                    Map.of("accountId", accountId), Map.of(), null, null);
        }

        JsonNode accessGroups(String accountId) {
            return ok(accessGroupsResponse(accountId), 200);
        }

        APIGatewayV2HTTPResponse plan(String accountId, String... groupIds) {
            return call(TENANT, "POST /reclaims/plan", "/reclaims/plan", Map.of(), Map.of(), null, body(accountId, groupIds));
        }

        APIGatewayV2HTTPResponse reclaim(String key, String accountId, String... groupIds) {
            return call(TENANT, "POST /reclaims", "/reclaims", Map.of(), Map.of(), key, body(accountId, groupIds));
        }

        APIGatewayV2HTTPResponse undo(String tenant, String id) {
            return call(tenant, "POST /reclaims/{id}/undo", "/reclaims/" + id + "/undo", Map.of("id", id), Map.of(), null, null);
        }

        APIGatewayV2HTTPResponse get(String tenant, String id) {
            return call(tenant, "GET /reclaims/{id}", "/reclaims/" + id, Map.of("id", id), Map.of(), null, null);
        }

        APIGatewayV2HTTPResponse list(String tenant, Map<String, String> query) {
            return call(tenant, "GET /reclaims", "/reclaims", Map.of(), query, null, null);
        }

        long assigned(String productKey) {
            String ari = world.productId(ORG_ID, productKey);
            return Long.parseLong(LicenseItems.summary(stack.aws, TENANT).get("products").m().get(ari).m().get("assigned").n());
        }

        /** Seats assigned as GET /licenses (the License page) shows them. */
        long licensesAssigned(String productKey) {
            String ari = world.productId(ORG_ID, productKey);
            JsonNode body = ok(stack.licenses(TENANT, "GET /licenses", "/licenses", Map.of(), Map.of(), null), 200);
            for (JsonNode row : body.path("products")) {
                if (ari.equals(row.path("resourceId").asText())) {
                    return row.path("assigned").asLong();
                }
            }
            throw new AssertionError("GET /licenses has no row for " + productKey + ": " + body);
        }

        OrgUser stored(String accountId) {
            return LicenseItems.users(stack.aws, TENANT).get(accountId);
        }

        long membershipDeletes() {
            return stack.sim.requests().stream().filter(r -> r.method().equals("DELETE") && r.path().contains("/memberships/")).count();
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    static String body(String accountId, String... groupIds) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("accountId", accountId);
        ArrayNode ids = body.putArray("groupIds");
        for (String id : groupIds) {
            ids.add(id);
        }
        return body.toString();
    }

    static JsonNode ok(APIGatewayV2HTTPResponse response, int status) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return ApiEvents.json(response);
    }

    static JsonNode problem(APIGatewayV2HTTPResponse response, int status, String code) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        JsonNode body = ApiEvents.json(response);
        assertEquals(code, body.path("code").asText(), response.getBody());
        assertFalse(body.path("detail").asText().isBlank());
        return body;
    }

    static Set<String> fields(JsonNode problem) {
        Set<String> fields = new HashSet<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        return fields;
    }

    static JsonNode product(JsonNode plan, String productKey) {
        for (JsonNode p : plan.path("products")) {
            if (productKey.equals(p.path("productKey").asText())) {
                return p;
            }
        }
        throw new AssertionError("no " + productKey + " in " + plan);
    }

    static List<String> results(JsonNode record) {
        List<String> results = new ArrayList<>();
        record.path("groups").forEach(g -> results.add(g.path("result").asText()));
        return results;
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    void theAccessGroupsOfEveryUserMatchTheSimulatorWithIdpDefaultAndMemberFacts() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            Set<String> users = LicenseItems.users(f.stack.aws, TENANT).keySet();
            assertTrue(users.containsAll(List.of(TARA, OLGA, OSCAR, SITE_ADMIN_ACCOUNT_ID, DORA)), users.toString());
            for (String accountId : users) {
                JsonNode groups = f.accessGroups(accountId).path("groups");
                Set<String> listed = new HashSet<>();
                groups.forEach(g -> {
                    listed.add(g.path("id").asText());
                    assertEquals(f.world.groupMembers(g.path("id").asText()).size(), g.path("memberCount").asInt(), g.toString());
                });
                assertEquals(f.world.groupsOf(accountId), listed, "groups of " + accountId);
            }

            JsonNode olga = f.accessGroups(OLGA).path("groups").get(0);
            assertEquals("okta-engineering", olga.path("name").asText());
            assertTrue(olga.path("externallyManaged").asBoolean());
            assertFalse(olga.path("canChangeHere").asBoolean());
            assertTrue(olga.path("changeWhere").asText().contains("identity provider"), olga.toString());
            assertEquals(3, olga.path("grants").size(), "okta-engineering grants Jira, Bitbucket and Confluence");

            JsonNode tara = f.accessGroups(TARA).path("groups");
            Map<String, JsonNode> byName = new HashMap<>();
            tara.forEach(g -> byName.put(g.path("name").asText(), g));
            assertTrue(byName.get("jira-software-users").path("defaultGroup").asBoolean());
            assertEquals("jira-software", byName.get("jira-software-users").path("defaultGroupFor").get(0).asText());
            assertFalse(byName.get("jira-platform-team").path("defaultGroup").asBoolean());
            assertEquals("atlassian/user", byName.get("jira-platform-team").path("grants").get(0).path("roles").get(0).asText());
            assertTrue(byName.get("jira-platform-team").path("canChangeHere").asBoolean());

            problem(f.call(TENANT, "GET /users/{accountId}/access-groups", "/users/712020:nobody/access-groups",
                    Map.of("accountId", "712020:nobody"), Map.of(), null, null), 404, "user_not_found");
            problem(f.call("another-tenant", "GET /users/{accountId}/access-groups", "/users/" + TARA + "/access-groups",
                    Map.of("accountId", TARA), Map.of(), null, null), 404, "user_not_found");
        }
    }

    @Test
    void aPlanKeepsASeatAnotherGroupGrantsFreesOneNoGroupKeepsAndChangesNothing() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            new DynamoTenantSettingsStore(f.stack.aws.dynamo, f.stack.aws.table)
                    .put(TENANT, new TenantSettings(30, Map.of("jira-software", new BigDecimal("7.75"))));

            JsonNode kept = ok(f.plan(TARA, f.group("jira-software-users")), 200);
            JsonNode taraJira = product(kept, "jira-software");
            assertEquals("kept", taraJira.path("outcome").asText());
            assertEquals("jira-platform-team", taraJira.path("keptBy").get(0).asText());
            assertEquals(0, kept.path("seatsFreed").asInt());
            assertFalse(kept.has("monthlyCostFreed"), "nothing freed, no cost: " + kept);

            JsonNode freed = ok(f.plan(IVAN, f.group("jira-software-users")), 200);
            assertEquals("freed", product(freed, "jira-software").path("outcome").asText());
            assertEquals("kept", product(freed, "confluence").path("outcome").asText());
            assertEquals(1, freed.path("seatsFreed").asInt());
            assertEquals(0, new BigDecimal("7.75").compareTo(freed.path("monthlyCostFreed").decimalValue()), freed.toString());

            JsonNode confluence = ok(f.plan(IVAN, f.group("confluence-users")), 200);
            assertFalse(confluence.has("monthlyCostFreed"), "no price set for Confluence: the cost is omitted");

            JsonNode idpKeeps = ok(f.plan(OSCAR, f.group("jira-software-users")), 200);
            assertEquals("okta-engineering", product(idpKeeps, "jira-software").path("keptBy").get(0).asText());

            assertEquals(0, f.membershipDeletes(), "a plan changes nothing");
            assertTrue(f.world.hasAccess(IVAN, "jira-software"));
            assertTrue(f.world.groupsOf(TARA).contains(f.group("jira-software-users")));
        }
    }

    @Test
    void aReclaimFreesTheJiraSeatAtOnceInSummaryLicensesAndAtlassianAndUndoRestoresIt() throws Exception {
        try (Fixture f = new Fixture("jira", "confluence")) {
            int seatsBefore = f.world.seatsUsed(ORG_ID, "jira-software");
            long assignedBefore = f.assigned("jira-software");
            assertEquals(assignedBefore, f.licensesAssigned("jira-software"));

            JsonNode record = ok(f.reclaim(UUID.randomUUID().toString(), IVAN, f.group("jira-software-users")), 201);
            assertEquals(List.of("removed"), results(record));
            assertEquals("completed", record.path("status").asText());
            assertEquals("admin@" + TENANT + ".example", record.path("requestedBy").asText());
            assertEquals("jira-software", record.path("seatsFreed").get(0).path("productKey").asText());

            assertFalse(f.world.hasAccess(IVAN, "jira-software"), "Atlassian no longer grants Jira");
            assertTrue(f.world.hasAccess(IVAN, "confluence"));
            assertEquals(seatsBefore - 1, f.world.seatsUsed(ORG_ID, "jira-software"));
            assertEquals(assignedBefore - 1, f.assigned("jira-software"), "the summary shows the freed seat at once");
            assertEquals(assignedBefore - 1, f.licensesAssigned("jira-software"), "so does GET /licenses");
            OrgUser stored = f.stored(IVAN);
            assertEquals(f.world.groupsOf(IVAN), stored.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet()));
            assertFalse(stored.products().stream().anyMatch(p -> p.key().equals("jira-software")));

            // The targeted re-sync it asked for: one event naming the user, which the worker handles by re-reading them.
            List<String> events = f.stack.aws.drainSyncEvents();
            assertEquals(1, events.size());
            JsonNode detail = ApiEvents.parse(events.get(0)).path("detail");
            assertEquals("reclaim", detail.path("reason").asText());
            assertEquals(IVAN, detail.path("accountIds").get(0).asText());
            f.world.recordActivity(IVAN, "confluence", f.clock.instant());
            @SuppressWarnings("unchecked")
            Map<String, Object> event = Json.MAPPER.readValue(events.get(0), Map.class);
            Map<String, Object> answer = new SyncWorkerHandler(Services.of(f.stack.env, f.clock)).handleRequest(event, null);
            assertEquals("users_refreshed", answer.get("outcome"), answer.toString());
            assertEquals(1, answer.get("usersWritten"), "only what changed since (Confluence activity) is written");
            assertEquals(f.clock.instant().toString(), f.stored(IVAN).products().stream()
                    .filter(p -> p.key().equals("confluence")).findFirst().orElseThrow().lastActive());
            assertEquals(assignedBefore - 1, f.assigned("jira-software"));

            String id = record.path("id").asText();
            assertEquals(record, ok(f.get(TENANT, id), 200), "the audit item is the answer");
            JsonNode undone = ok(f.undo(TENANT, id), 200);
            assertEquals("restored", undone.path("undo").path("groups").get(0).path("result").asText());
            assertEquals(1, undone.path("undo").path("seatsRestored").asInt());
            assertTrue(f.world.hasAccess(IVAN, "jira-software"), "undo restores Jira access in Atlassian");
            assertEquals(seatsBefore, f.world.seatsUsed(ORG_ID, "jira-software"));
            assertEquals(assignedBefore, f.assigned("jira-software"));
            assertEquals(assignedBefore, f.licensesAssigned("jira-software"));
            assertTrue(f.stored(IVAN).products().stream().anyMatch(p -> p.key().equals("jira-software")));
            assertEquals(undone, ok(f.get(TENANT, id), 200), "the undo is in the audit trail");
            problem(f.undo(TENANT, id), 409, "reclaim_already_undone");
        }
    }

    @Test
    void theAuditTrailListsNewestFirstWithATenantBoundCursorAndUndoEndsAfterThirtyDays() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String first = ok(f.reclaim("k-1", IVAN, f.group("jira-software-users")), 201).path("id").asText();
            f.clock.advance(Duration.ofMinutes(1));
            String second = ok(f.reclaim("k-2", IVAN, f.group("confluence-users")), 201).path("id").asText();

            JsonNode page = ok(f.list(TENANT, Map.of("limit", "1")), 200);
            assertEquals(second, page.path("reclaims").get(0).path("id").asText(), "newest first");
            String cursor = page.path("nextCursor").asText();
            JsonNode next = ok(f.list(TENANT, Map.of("limit", "1", "cursor", cursor)), 200);
            assertEquals(first, next.path("reclaims").get(0).path("id").asText());

            problem(f.list("another-tenant", Map.of("cursor", cursor)), 400, "invalid_cursor");
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"pk\":\"TENANT#another-tenant\",\"sk\":\"RECLAIM#9\"}").getBytes(StandardCharsets.UTF_8));
            problem(f.list(TENANT, Map.of("cursor", forged)), 400, "invalid_cursor");
            problem(f.list(TENANT, Map.of("cursor", "%%%not-base64")), 400, "invalid_cursor");
            problem(f.list(TENANT, Map.of("limit", "0")), 400, "validation_failed");
            assertEquals(0, ok(f.list("another-tenant", Map.of()), 200).path("reclaims").size());
            problem(f.get("another-tenant", first), 404, "reclaim_not_found");
            problem(f.undo("another-tenant", first), 404, "reclaim_not_found");
            problem(f.get(TENANT, "not-an-id"), 404, "reclaim_not_found");

            f.clock.advance(Duration.ofDays(31));
            problem(f.undo(TENANT, first), 409, "undo_window_passed");
            assertFalse(f.world.hasAccess(IVAN, "jira-software"), "nothing was restored");
        }
    }

    @Test
    void reclaimIsRefusedWith409NamingWhatToConnectUntilJiraAndConfluenceAreBothConnected() {
        try (Fixture f = new Fixture("confluence")) {
            JsonNode refused = problem(f.plan(IVAN, f.group("jira-software-users")), 409, "reclaim_not_enabled");
            assertEquals(Set.of("jira"), fields(refused));
            problem(f.reclaim("gate-1", IVAN, f.group("jira-software-users")), 409, "reclaim_not_enabled");
            assertEquals(0, f.membershipDeletes());

            f.connect("jira", "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}");
            // The refused request released its key: the same key now works.
            String id = ok(f.reclaim("gate-1", IVAN, f.group("jira-software-users")), 201).path("id").asText();

            assertEquals(200, f.stack.call(TENANT, "DELETE /integrations/{type}", "/integrations/confluence",
                    Map.of("type", "confluence"), null).getStatusCode());
            assertEquals(Set.of("confluence"), fields(problem(f.undo(TENANT, id), 409, "reclaim_not_enabled")));
            assertFalse(f.world.hasAccess(IVAN, "jira-software"));
        }
    }

    @Test
    void bitbucketIsReclaimedThroughTheLinkedWorkspacesGroupAndADirectWorkspaceIsSaidToBeOutOfReach() {
        try (Fixture f = new Fixture("jira", "confluence", "bitbucket")) {
            int seats = f.world.seatsUsed(ORG_ID, "bitbucket");
            JsonNode plan = ok(f.plan(BEN, f.group("bitbucket-users")), 200);
            assertEquals("freed", product(plan, "bitbucket").path("outcome").asText());
            JsonNode notice = plan.path("notices").get(0);
            assertEquals(BITBUCKET_DIRECT_WORKSPACE, notice.path("instance").asText());
            assertTrue(notice.path("message").asText().contains("Bitbucket offers no API to remove a member of a workspace "
                    + "created directly in Bitbucket; remove them in Bitbucket's workspace settings"), notice.toString());

            JsonNode record = ok(f.reclaim("bb-1", BEN, f.group("bitbucket-users")), 201);
            assertEquals(List.of("removed"), results(record));
            assertEquals("bitbucket", record.path("seatsFreed").get(0).path("productKey").asText());
            assertEquals(notice, record.path("notices").get(0), "the answer says it too");
            assertFalse(f.world.hasAccess(BEN, "bitbucket"));
            assertEquals(seats - 1, f.world.seatsUsed(ORG_ID, "bitbucket"));
        }
    }

    @Test
    void eachGuardrailRefusesWithFieldErrorsAndAnIdpGroupIsRefusedPerGroup() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            JsonNode tokenOwner = problem(f.plan(SITE_ADMIN_ACCOUNT_ID, f.group("jira-software-users")), 422, "account_protected");
            assertEquals(Set.of("accountId"), fields(tokenOwner));
            problem(f.reclaim("g-1", SITE_ADMIN_ACCOUNT_ID, f.group("jira-software-users")), 422, "account_protected");

            JsonNode admin = problem(f.plan(OLIVIA, f.group("jira-software-users"), f.group("org-admins")), 422, "org_admin_access_protected");
            assertEquals(Set.of("groupIds[1]"), fields(admin));
            JsonNode adminsOrdinaryGroup = product(ok(f.plan(OLIVIA, f.group("jira-software-users")), 200), "jira-software");
            assertEquals("kept", adminsOrdinaryGroup.path("outcome").asText(), "an admin's ordinary groups can be planned");
            assertEquals("org-admins", adminsOrdinaryGroup.path("keptBy").get(0).asText(), "admin roles grant Jira too");

            JsonNode notMember = problem(f.plan(IVAN, f.group("trello-users")), 400, "invalid_groups");
            assertEquals(Set.of("groupIds[0]"), fields(notMember));
            String otherOrgsGroup = f.world.groupId(ORIGINAL_UM_ORG_ID, "globex-jira-users");
            JsonNode unknown = problem(f.reclaim("g-2", IVAN, f.group("jira-software-users"), otherOrgsGroup), 400, "invalid_groups");
            assertEquals(Set.of("groupIds[1]"), fields(unknown));
            assertTrue(unknown.path("errors").get(0).path("message").asText().contains("not a group of your Atlassian organization"));

            problem(f.plan("712020:nobody", f.group("jira-software-users")), 404, "user_not_found");
            JsonNode invalid = problem(f.plan(IVAN), 400, "validation_failed");
            assertEquals(Set.of("groupIds"), fields(invalid));
            assertEquals(Set.of("accountId", "extra"), fields(problem(f.call(TENANT, "POST /reclaims/plan", "/reclaims/plan",
                    Map.of(), Map.of(), null, "{\"accountId\":7,\"groupIds\":[\"g\"],\"extra\":1}"), 400, "validation_failed")));
            problem(f.call(TENANT, "POST /reclaims", "/reclaims", Map.of(), Map.of(), null,
                    body(IVAN, f.group("jira-software-users"))), 400, "idempotency_key_missing");
            assertEquals(0, f.membershipDeletes(), "no refusal changed anything");

            String okta = f.group("okta-engineering");
            JsonNode idpPlan = ok(f.plan(OLGA, okta), 200);
            assertEquals("refused", idpPlan.path("groups").get(0).path("action").asText());
            assertTrue(idpPlan.path("groups").get(0).path("reason").asText().contains("identity provider"));
            assertEquals("kept", product(idpPlan, "jira-software").path("outcome").asText());

            JsonNode idp = ok(f.reclaim("g-3", OSCAR, okta, f.group("jira-software-users")), 201);
            assertEquals(List.of("refused", "removed"), results(idp));
            assertTrue(idp.path("groups").get(0).path("reason").asText().contains("identity provider"));
            assertEquals(1, f.membershipDeletes(), "no call is made for the IdP group");
            assertTrue(f.world.groupsOf(OSCAR).contains(okta));
            assertTrue(f.world.hasAccess(OSCAR, "jira-software"), "okta-engineering still grants Jira");
            assertEquals(0, idp.path("seatsFreed").size());
        }
    }

    @Test
    void theSameIdempotencyKeyRemovesOnceAndAnswersTheSameAndAnotherBodyOrARunningOneIsRefused() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String key = UUID.randomUUID().toString();
            APIGatewayV2HTTPResponse first = f.reclaim(key, IVAN, f.group("jira-software-users"));
            APIGatewayV2HTTPResponse again = f.reclaim(key, IVAN, f.group("jira-software-users"));
            assertEquals(201, again.getStatusCode(), again.getBody());
            assertEquals(ApiEvents.json(first), ApiEvents.json(again), "the same answer");
            assertEquals("true", again.getHeaders().get("Idempotent-Replayed"));
            assertEquals(1, f.membershipDeletes(), "one DELETE for two requests");
            assertEquals(1, ok(f.list(TENANT, Map.of()), 200).path("reclaims").size(), "one audit item");

            problem(f.reclaim(key, IVAN, f.group("confluence-users")), 422, "idempotency_key_reused");

            // A retry while the first request is still running (claimed, no answer yet).
            String running = "running-key";
            new DynamoIdempotencyKeys(f.stack.aws.dynamo, f.stack.aws.table).claim(TENANT, running,
                    ContentHash.of(new ReclaimRequest(IVAN, List.of(f.group("confluence-users"))).fingerprintSource()),
                    com.saasspend.integration.domain.reclaim.ReclaimRecord.newId(f.clock.instant()), f.clock.instant(), f.clock.instant().plus(Duration.ofHours(24)));
            problem(f.reclaim(running, IVAN, f.group("confluence-users")), 409, "idempotency_key_in_progress");
            assertEquals(1, f.membershipDeletes());
            // Its holder crashed: after a while a retry takes over and does the work.
            f.clock.advance(Duration.ofMinutes(3));
            assertEquals(List.of("removed"), results(ok(f.reclaim(running, IVAN, f.group("confluence-users")), 201)));
        }
    }

    @Test
    void twoConcurrentReclaimsOfOneUserLeaveTheStoredUserAsAtlassianHasIt() throws Exception {
        try (Fixture f = new Fixture("jira", "confluence")) {
            long confluence = f.assigned("confluence");
            long jira = f.assigned("jira-software");
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            try {
                Future<APIGatewayV2HTTPResponse> a = pool.submit(() -> {
                    start.await();
                    return f.reclaim("c-1", TARA, f.group("jira-software-users"));
                });
                Future<APIGatewayV2HTTPResponse> b = pool.submit(() -> {
                    start.await();
                    return f.reclaim("c-2", TARA, f.group("confluence-users"));
                });
                start.countDown();
                ok(a.get(), 201);
                ok(b.get(), 201);
            } finally {
                pool.shutdownNow();
            }
            OrgUser stored = f.stored(TARA);
            assertEquals(f.world.groupsOf(TARA), stored.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet()));
            assertEquals(Set.of("jira-software"), stored.products().stream().map(OrgUser.ProductAccess::key).collect(Collectors.toSet()),
                    "Jira still comes from jira-platform-team; Confluence is gone");
            assertTrue(f.world.hasAccess(TARA, "jira-software"));
            assertFalse(f.world.hasAccess(TARA, "confluence"));
            assertEquals(confluence - 1, f.assigned("confluence"));
            assertEquals(jira, f.assigned("jira-software"));
        }
    }

    @Test
    void aPartialFailureSaysExactlyWhichGroupWasRemovedAndWhichWasNot() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String users = f.group("jira-software-users");
            String platform = f.group("jira-platform-team");
            String confluence = f.group("confluence-users");
            // The first removal goes through; every attempt at the second answers 503.
            f.stack.sim.faults().failNext(20, 503, ".*/groups/" + platform + "/memberships/.*");
            JsonNode record = ok(f.reclaim("p-1", TARA, users, platform, confluence), 201);
            f.stack.sim.faults().clear();

            assertEquals(List.of("removed", "failed", "not_attempted"), results(record));
            assertEquals("partial", record.path("status").asText());
            assertTrue(record.path("groups").get(1).path("reason").asText().contains("503"), record.toString());
            assertTrue(record.path("groups").get(2).path("reason").asText().contains("Not attempted"), record.toString());
            Set<String> now = f.world.groupsOf(TARA);
            assertFalse(now.contains(users), "the one reported removed was removed");
            assertTrue(now.contains(platform) && now.contains(confluence), "the ones reported failed were not");
            assertEquals(0, record.path("seatsFreed").size(), "Jira still comes from jira-platform-team");
            assertTrue(f.world.hasAccess(TARA, "jira-software") && f.world.hasAccess(TARA, "confluence"));
            assertEquals(record, ok(f.get(TENANT, record.path("id").asText()), 200), "the audit item says the same");
            assertEquals(now, f.stored(TARA).groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet()));
            List<RecordedRequest> deletes = f.stack.sim.requests().stream().filter(r -> r.method().equals("DELETE")).toList();
            assertEquals(204, deletes.get(0).status());
            assertTrue(deletes.stream().skip(1).allMatch(r -> r.status() == 503 && r.path().contains(platform)), deletes.toString());
            assertNotEquals(0, deletes.size());

            // Undo puts back exactly what was removed.
            JsonNode undone = ok(f.undo(TENANT, record.path("id").asText()), 200);
            assertEquals(1, undone.path("undo").path("groups").size());
            assertTrue(f.world.groupsOf(TARA).contains(users));
        }
    }

    @Test
    void everyReclaimOperationAnswersAsTheOpenApiDocumentSays() {
        com.atlassian.oai.validator.OpenApiInteractionValidator validator = com.atlassian.oai.validator.OpenApiInteractionValidator
                .createForSpecificationUrl(java.nio.file.Path.of("openapi.yaml").toAbsolutePath().toUri().toString()).build();
        try (Fixture f = new Fixture("jira", "confluence", "bitbucket")) {
            new DynamoTenantSettingsStore(f.stack.aws.dynamo, f.stack.aws.table)
                    .put(TENANT, new TenantSettings(30, Map.of("jira-software", new BigDecimal("7.75"))));
            String jiraUsers = f.group("jira-software-users");
            List<Object[]> calls = new ArrayList<>();
            calls.add(new Object[] {"GET", "/users/" + TARA + "/access-groups", f.accessGroupsResponse(TARA), null});
            calls.add(new Object[] {"POST", "/reclaims/plan", f.plan(IVAN, jiraUsers), body(IVAN, jiraUsers)});
            APIGatewayV2HTTPResponse created = f.reclaim("contract-1", IVAN, jiraUsers);
            calls.add(new Object[] {"POST", "/reclaims", created, body(IVAN, jiraUsers)});
            String id = ApiEvents.json(created).path("id").asText();
            calls.add(new Object[] {"GET", "/reclaims", f.list(TENANT, Map.of()), null});
            calls.add(new Object[] {"GET", "/reclaims/" + id, f.get(TENANT, id), null});
            calls.add(new Object[] {"POST", "/reclaims/" + id + "/undo", f.undo(TENANT, id), null});
            calls.add(new Object[] {"POST", "/reclaims/" + id + "/undo", f.undo(TENANT, id), null});
            calls.add(new Object[] {"POST", "/reclaims/plan", f.plan(SITE_ADMIN_ACCOUNT_ID, jiraUsers), body(SITE_ADMIN_ACCOUNT_ID, jiraUsers)});
            for (Object[] call : calls) {
                APIGatewayV2HTTPResponse response = (APIGatewayV2HTTPResponse) call[2];
                com.atlassian.oai.validator.model.SimpleRequest.Builder request = new com.atlassian.oai.validator.model.SimpleRequest.Builder(
                        com.atlassian.oai.validator.model.Request.Method.valueOf((String) call[0]), (String) call[1])
                        .withHeader("Authorization", "Bearer token");
                if (call[3] != null) {
                    request.withContentType("application/json").withBody((String) call[3]).withHeader("Idempotency-Key", "k");
                }
                com.atlassian.oai.validator.report.ValidationReport report = validator.validate(request.build(),
                        com.atlassian.oai.validator.model.SimpleResponse.Builder.status(response.getStatusCode())
                                .withContentType(response.getHeaders().get("Content-Type")).withBody(response.getBody()).build());
                assertFalse(report.hasErrors(), call[0] + " " + call[1] + " -> " + response.getStatusCode() + " " + response.getBody() + "\n" + report);
            }
        }
    }

    // ---------------------------------------------------------------- interrupted runs, undo retries, Atlassian's codes

    /** The process dying between two lines: an Error no handler path catches, as a Lambda killed at that moment. */
    /** The reclaim handler whose Atlassian client kills the process right after {@code changes} membership changes. */
    static ReclaimApiHandler killingAfter(Fixture f, int changes) {
        return new ReclaimApiHandler(f.stack.env, Services.of(f.stack.env, f.clock)
                .withOrgApi(real -> ProcessKilled.afterMembershipChanges(real, changes)).reclaimService());
    }

    static APIGatewayV2HTTPResponse reclaimWith(ReclaimApiHandler handler, String key, String accountId, String... groupIds) {
        APIGatewayV2HTTPEvent event = ApiEvents.request("POST /reclaims", "/reclaims", Map.of(), body(accountId, groupIds), TENANT);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("idempotency-key", key);
        event.setHeaders(headers);
        return handler.handleRequest(event, null);
    }

    static APIGatewayV2HTTPResponse undoWith(ReclaimApiHandler handler, String id) {
        return handler.handleRequest(ApiEvents.request("POST /reclaims/{id}/undo", "/reclaims/" + id + "/undo", Map.of("id", id), null, TENANT), null);
    }

    /** Quinn's four groups reclaimed by a run killed right after the second removal took effect at Atlassian. */
    static String killedAfterTwoOfFour(Fixture f, String key, String[] groups) {
        org.junit.jupiter.api.Assertions.assertThrows(ProcessKilled.class, () -> reclaimWith(killingAfter(f, 2), key, QUINN, groups));
        JsonNode stuck = ok(f.list(TENANT, Map.of()), 200).path("reclaims").get(0);
        assertEquals("in_progress", stuck.path("status").asText());
        assertEquals(List.of("removed", "removing", "pending", "pending"), results(stuck));
        assertEquals(Set.of(groups[2], groups[3]), f.world.groupsOf(QUINN).stream().filter(Set.of(groups)::contains)
                .collect(Collectors.toSet()), "two memberships are gone at Atlassian");
        return stuck.path("id").asText();
    }

    static String[] quinnsGroups(Fixture f) {
        return new String[] {f.group("jira-software-users"), f.group("jira-platform-team"), f.group("confluence-users"),
                f.group("jira-servicemanagement-users")};
    }

    static void assertFinishedCompletely(Fixture f, JsonNode record, String[] groups, long jira, long confluence, long jsm) {
        assertEquals("completed", record.path("status").asText(), record.toString());
        assertEquals(List.of("removed", "removed", "removed", "removed"), results(record));
        assertTrue(f.world.groupsOf(QUINN).stream().noneMatch(Set.of(groups)::contains), "Atlassian has none of the four");
        assertEquals(Set.of("jira-software", "confluence", "jira-servicedesk"), keys(record.path("seatsFreed")));
        assertEquals(jira - 1, f.assigned("jira-software"));
        assertEquals(confluence - 1, f.assigned("confluence"));
        assertEquals(jsm - 1, f.assigned("jira-servicedesk"));
        long deletesOfSecond = f.stack.sim.requests().stream().filter(r -> r.method().equals("DELETE")
                && r.path().contains("/groups/" + groups[1] + "/memberships/")).count();
        assertEquals(1, deletesOfSecond, "the removal the killed run sent is not sent again");
        assertEquals(Set.of(), f.stored(QUINN).groups().stream().map(OrgUser.GroupRef::id).filter(Set.of(groups)::contains)
                .collect(Collectors.toSet()), "the stored user follows");
    }

    static void assertUndoneCompletely(Fixture f, String id, String[] groups, long jira, long confluence, long jsm) {
        JsonNode undone = ok(f.undo(TENANT, id), 200);
        assertEquals("completed", undone.path("undo").path("status").asText(), undone.toString());
        List<String> restored = new ArrayList<>();
        undone.path("undo").path("groups").forEach(g -> restored.add(g.path("result").asText()));
        assertEquals(List.of("restored", "restored", "restored", "restored"), restored);
        assertEquals(3, undone.path("undo").path("seatsRestored").asInt());
        assertTrue(f.world.groupsOf(QUINN).containsAll(Set.of(groups)), "every membership any run removed is back");
        assertEquals(jira, f.assigned("jira-software"));
        assertEquals(confluence, f.assigned("confluence"));
        assertEquals(jsm, f.assigned("jira-servicedesk"));
    }

    static Set<String> keys(JsonNode seats) {
        Set<String> keys = new HashSet<>();
        seats.forEach(s -> keys.add(s.path("productKey").asText()));
        return keys;
    }

    @Test
    void aReclaimKilledAfterTwoOfFourRemovalsIsFinishedByARetryWithTheSameKeyAndUndoneCompletely() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            long jira = f.assigned("jira-software");
            long confluence = f.assigned("confluence");
            long jsm = f.assigned("jira-servicedesk");
            String[] groups = quinnsGroups(f);
            String id = killedAfterTwoOfFour(f, "kill-1", groups);
            assertEquals("in_progress", ok(f.get(TENANT, id), 200).path("status").asText(), "its lease is still live");
            problem(f.reclaim("kill-1", QUINN, groups), 409, "idempotency_key_in_progress");
            problem(f.undo(TENANT, id), 409, "reclaim_in_progress");

            f.clock.advance(Duration.ofMinutes(3));
            JsonNode finished = ok(f.reclaim("kill-1", QUINN, groups), 201);
            assertEquals(id, finished.path("id").asText(), "the same reclaim finished, not a new one");
            assertEquals(1, ok(f.list(TENANT, Map.of()), 200).path("reclaims").size());
            assertFinishedCompletely(f, finished, groups, jira, confluence, jsm);
            assertEquals(finished, ok(f.reclaim("kill-1", QUINN, groups), 201), "the key now answers the finished reclaim");
            assertTrue(f.stack.sim.requests().stream().filter(r -> r.path().contains("/memberships"))
                    .allMatch(r -> r.path().contains("/directories/" + com.saasspend.atlassian.sim.DemoCredentials.DIRECTORY_ID + "/groups/")),
                    "membership calls name the group's directory, not -");

            assertUndoneCompletely(f, id, groups, jira, confluence, jsm);
        }
    }

    @Test
    void aReclaimKilledMidwayIsFinishedByTheScheduledSweepAndByTheNextRead() throws Exception {
        try (Fixture f = new Fixture("jira", "confluence")) {
            long jira = f.assigned("jira-software");
            long confluence = f.assigned("confluence");
            long jsm = f.assigned("jira-servicedesk");
            String[] groups = quinnsGroups(f);
            String id = killedAfterTwoOfFour(f, "kill-2", groups);
            f.clock.advance(Duration.ofMinutes(3));

            @SuppressWarnings("unchecked")
            Map<String, Object> tick = com.amazonaws.services.lambda.runtime.tests.EventLoader
                    .loadEvent("events/sync-requested-atlassian.json", Map.class);
            ((Map<String, Object>) tick.get("detail")).put("tenantId", TENANT);
            com.saasspend.integration.sync.ReclaimSweepHandler sweep = new com.saasspend.integration.sync.ReclaimSweepHandler(
                    Services.of(f.stack.env, f.clock).reclaimService());
            assertEquals(Map.of("outcome", "swept", "settled", 1), sweep.handleRequest(tick, null));
            assertFinishedCompletely(f, ok(f.get(TENANT, id), 200), groups, jira, confluence, jsm);
            assertEquals(Map.of("outcome", "swept", "settled", 0), sweep.handleRequest(tick, null), "nothing left");
            assertEquals("ignored", sweep.handleRequest(Map.of("detail-type", "Something Else"), null).get("outcome"));
            // A targeted re-sync comes from a live run that settles its own reclaim: not a tick.
            ((Map<String, Object>) tick.get("detail")).put("accountIds", List.of(QUINN));
            assertEquals("ignored", sweep.handleRequest(tick, null).get("outcome"));

            // An undo killed after its first add: the next read finishes it.
            org.junit.jupiter.api.Assertions.assertThrows(ProcessKilled.class, () -> undoWith(killingAfter(f, 1), id));
            assertEquals("in_progress", ok(f.get(TENANT, id), 200).path("undo").path("status").asText());
            problem(f.undo(TENANT, id), 409, "undo_in_progress");
            f.clock.advance(Duration.ofMinutes(3));
            JsonNode read = ok(f.get(TENANT, id), 200);
            assertEquals("completed", read.path("undo").path("status").asText(), read.toString());
            assertTrue(f.world.groupsOf(QUINN).containsAll(Set.of(groups)));
            assertEquals(jira, f.assigned("jira-software"));
            assertEquals(jsm, f.assigned("jira-servicedesk"));
        }
    }

    @Test
    void anUndoFailingWith503IsPartialAndARetrySucceeds() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String users = f.group("jira-software-users");
            String confluence = f.group("confluence-users");
            String id = ok(f.reclaim("u-503", TARA, users, confluence), 201).path("id").asText();
            f.stack.sim.faults().failNext(50, 503, ".*/groups/" + confluence + "/memberships$");
            JsonNode first = ok(f.undo(TENANT, id), 200);
            f.stack.sim.faults().clear();
            assertEquals("partial", first.path("undo").path("status").asText(), first.toString());
            assertEquals("restored", first.path("undo").path("groups").get(0).path("result").asText());
            assertEquals("failed", first.path("undo").path("groups").get(1).path("result").asText());
            assertFalse(f.world.groupsOf(TARA).contains(confluence));

            JsonNode second = ok(f.undo(TENANT, id), 200);
            assertEquals("completed", second.path("undo").path("status").asText(), second.toString());
            assertEquals("restored", second.path("undo").path("groups").get(1).path("result").asText());
            assertTrue(f.world.groupsOf(TARA).containsAll(Set.of(users, confluence)));
            assertTrue(f.world.hasAccess(TARA, "confluence"));
            assertEquals(second, ok(f.get(TENANT, id), 200));
            problem(f.undo(TENANT, id), 409, "reclaim_already_undone");
        }
    }

    @Test
    void anUndoAfterTheLicenseLimit409ReportsSeatLimitReachedAndTheUserIsNotCountedBack() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String users = f.group("jira-software-users");
            long assignedBefore = f.assigned("jira-software");
            String id = ok(f.reclaim("u-409", IVAN, users), 201).path("id").asText();
            f.stack.sim.faults().licenseLimitOnAdd(1, users);
            JsonNode refused = ok(f.undo(TENANT, id), 200);
            JsonNode group = refused.path("undo").path("groups").get(0);
            assertEquals("seat_limit_reached", group.path("result").asText(), refused.toString());
            assertTrue(group.path("reason").asText().contains("user limit"), group.toString());
            assertEquals("failed", refused.path("undo").path("status").asText());
            assertEquals(0, refused.path("undo").path("seatsRestored").asInt());
            assertFalse(f.world.hasAccess(IVAN, "jira-software"));
            assertEquals(assignedBefore - 1, f.assigned("jira-software"), "not counted back");

            JsonNode retried = ok(f.undo(TENANT, id), 200);
            assertEquals("completed", retried.path("undo").path("status").asText(), retried.toString());
            assertTrue(f.world.hasAccess(IVAN, "jira-software"));
            assertEquals(assignedBefore, f.assigned("jira-software"));
        }
    }

    @Test
    void aRemoval404WhileTheUserIsStillAMemberIsNotCountedFreed() {
        try (Fixture f = new Fixture("jira", "confluence")) {
            String users = f.group("jira-software-users");
            long assignedBefore = f.assigned("jira-software");
            f.stack.sim.faults().notFoundOnRemove(1, users);
            JsonNode record = ok(f.reclaim("r-404", IVAN, users), 201);
            assertEquals(List.of("failed"), results(record));
            assertTrue(record.path("groups").get(0).path("reason").asText().contains("still lists"), record.toString());
            assertEquals("failed", record.path("status").asText());
            assertEquals(0, record.path("seatsFreed").size());
            assertFalse(record.has("monthlyCostFreed"));
            assertTrue(f.world.groupsOf(IVAN).contains(users), "Atlassian still has the membership");
            assertEquals(assignedBefore, f.assigned("jira-software"));
            assertTrue(f.stored(IVAN).groups().stream().anyMatch(g -> g.id().equals(users)));
        }
    }

    @Test
    void fiveReclaimsOfOneMembershipWithDifferentKeysCountTheSeatAndTheCostOnce() throws Exception {
        try (Fixture f = new Fixture("jira", "confluence")) {
            new DynamoTenantSettingsStore(f.stack.aws.dynamo, f.stack.aws.table)
                    .put(TENANT, new TenantSettings(30, Map.of("jira-software", new BigDecimal("7.75"))));
            String users = f.group("jira-software-users");
            long assignedBefore = f.assigned("jira-software");
            // Slow answers so the five plan from the same stored user, as requests that arrive together do.
            f.stack.sim.faults().latencyMillis(400);
            ExecutorService pool = Executors.newFixedThreadPool(5);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<APIGatewayV2HTTPResponse>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    String key = "five-" + i;
                    answers.add(pool.submit(() -> {
                        start.await();
                        return f.reclaim(key, IVAN, users);
                    }));
                }
                start.countDown();
                List<String> outcomes = new ArrayList<>();
                for (Future<APIGatewayV2HTTPResponse> answer : answers) {
                    APIGatewayV2HTTPResponse response = answer.get();
                    // One that planned after the first settled is refused up front: the stored user left the group.
                    outcomes.add(response.getStatusCode() == 400 ? "refused_400" : results(ok(response, 201)).get(0));
                }
                assertEquals(1, outcomes.stream().filter("removed"::equals).count(), outcomes.toString());
                assertTrue(outcomes.contains("not_a_member"), "the case at stake: reclaims that reached Atlassian too late " + outcomes);
                assertTrue(outcomes.stream().allMatch(o -> o.equals("removed") || o.equals("not_a_member") || o.equals("refused_400")),
                        outcomes.toString());
            } finally {
                pool.shutdownNow();
                f.stack.sim.faults().clear();
            }
            int seats = 0;
            BigDecimal cost = BigDecimal.ZERO;
            for (JsonNode r : ok(f.list(TENANT, Map.of()), 200).path("reclaims")) {
                seats += r.path("seatsFreed").size();
                cost = cost.add(r.path("monthlyCostFreed").decimalValue());
            }
            assertEquals(1, seats, "the audit trail counts the seat once");
            assertEquals(0, new BigDecimal("7.75").compareTo(cost), "and the cost once");
            assertEquals(assignedBefore - 1, f.assigned("jira-software"));
        }
    }
}
