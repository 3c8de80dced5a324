package com.saasspend.integration.sync;

import com.saasspend.integration.domain.sync.SyncResult;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.aws.DynamoSyncStateStore;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.sync.SeatDelta;
import com.saasspend.integration.wiring.Services;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.ForwardingOrgApi;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.LicenseItems;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Atlassian org sync against moto and the simulator: what lands, what is written, how failures end. */
@ExtendWith(AwsEmulator.class)
class AtlassianSyncIT {
    private static final String TENANT = "tenant-sync";

    private static Stack connected(World world) {
        Stack stack = new Stack(world, Clock.systemUTC());
        var response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"),
                "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, response.getStatusCode(), response.getBody());
        return stack;
    }

    private static AtlassianOrgSync sync(Stack stack) {
        return Services.of(stack.env, Clock.systemUTC()).orgSync();
    }

    /**
     * The org's directory users as the simulator lists them (app and customer accounts live outside directories).
     * Read straight over HTTP, independent of the product's client.
     */
    static Set<String> directoryUsers(Stack stack) {
        Set<String> ids = new HashSet<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String cursor = null;
        try {
            do {
                String body = "{\"limit\":100" + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}";
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.sim.baseUrl()
                                + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search"))
                        .header("Authorization", "Bearer " + ORG_API_KEY).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                var page = com.saasspend.integration.testing.ApiEvents.parse(response.body());
                page.path("data").forEach(u -> ids.add(u.path("accountId").asText()));
                cursor = page.path("links").path("next").asText(null);
            } while (cursor != null && !cursor.isEmpty());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return ids;
    }

    /** A directory user who is in at least one group. */
    static String memberOfSomeGroup(Stack stack, int nth) {
        return directoryUsers(stack).stream().sorted().filter(id -> !stack.sim.world().groupsOf(id).isEmpty())
                .skip(nth).findFirst().orElseThrow();
    }

    /** Each stored user matches the simulator: groups and product access. */
    private static void assertStoreMatchesSimulator(Stack stack) {
        World world = stack.sim.world();
        Map<String, OrgUser> users = LicenseItems.users(stack.aws, TENANT);
        assertEquals(directoryUsers(stack), users.keySet(), "the stored users are the org's directory users");
        for (OrgUser user : users.values()) {
            Set<String> groups = user.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet());
            assertEquals(world.groupsOf(user.accountId()), groups, "groups of " + user.accountId());
            for (OrgUser.ProductAccess access : user.products()) {
                assertTrue(world.hasAccess(user.accountId(), access.resourceId()), user.accountId() + " has " + access.resourceId());
            }
        }
        Map<String, OrgGroup> groups = LicenseItems.groups(stack.aws, TENANT);
        assertEquals(new HashSet<>(world.groupIds(ORG_ID)), groups.keySet(), "the stored groups are the org's groups");
        var summary = LicenseItems.summary(stack.aws, TENANT).get("products").m();
        for (String product : summary.keySet()) {
            assertEquals(world.seatsUsed(ORG_ID, product), Integer.parseInt(summary.get(product).m().get("assigned").n()),
                    "assigned seats of " + product);
        }
    }

    @Test
    void theFirstSyncLandsTheOrgAndAnUnchangedResyncWritesNoUserOrGroup() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtlassianOrgSync sync = sync(stack);
            SyncResult first = sync.run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, first.outcome());
            assertStoreMatchesSimulator(stack);
            assertTrue(first.run().usersWritten() > 300, "the demo org has several hundred users: " + first.run());
            Integration integration = new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
            assertEquals(IntegrationStatus.CONNECTED, integration.status());
            assertNotNull(integration.lastSuccessfulSyncAt());

            SyncResult second = sync(stack).run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, second.outcome());
            assertEquals(0, second.run().usersWritten(), "an unchanged org writes no user");
            assertEquals(0, second.run().groupsWritten(), "an unchanged org writes no group");
            assertEquals(first.run().users(), second.run().users());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleSampleEventRunsTheWorkerAndAnUnknownEventIsIgnored() {
        try (Stack stack = connected(SimWorlds.demo())) {
            Map<String, Object> event = com.amazonaws.services.lambda.runtime.tests.EventLoader
                    .loadEvent("events/sync-requested-atlassian.json", Map.class);
            ((Map<String, Object>) event.get("detail")).put("tenantId", TENANT);
            SyncWorkerHandler worker = new SyncWorkerHandler(Services.of(stack.env, Clock.systemUTC()));
            Map<String, Object> answer = worker.handleRequest(event, null);
            assertEquals("completed", answer.get("outcome"), answer.toString());
            assertEquals("ignored", worker.handleRequest(Map.of("detail-type", "Something Else"), null).get("outcome"));
        }
    }

    @Test
    void changesInTheOrgAppearAfterTheNextSync() {
        try (Stack stack = connected(SimWorlds.demoWithCrowd(150, 8))) {
            sync(stack).run(TENANT, Budget.unlimited());
            World world = stack.sim.world();
            String leaver = memberOfSomeGroup(stack, 5);
            String suspended = memberOfSomeGroup(stack, 6);
            String someGroup = world.groupsOf(leaver).iterator().next();
            world.removeMembership(someGroup, leaver);
            world.suspendUser(suspended);
            world.addUser(ORG_ID, "712020:new-hire-0001", "Nora Newhire", "nora.newhire@acme.com", someGroup);

            SyncResult result = sync(stack).run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, result.outcome());
            assertStoreMatchesSimulator(stack);
            Map<String, OrgUser> users = LicenseItems.users(stack.aws, TENANT);
            assertTrue(users.containsKey("712020:new-hire-0001"));
            assertFalse(users.get(leaver).groups().stream().anyMatch(g -> g.id().equals(someGroup)));
            assertTrue(result.run().usersWritten() >= 3 && result.run().usersWritten() < 20,
                    "only changed users are written: " + result.run());
        }
    }

    @Test
    void aUserWhoLeftTheOrgIsMarkedRemovedOnlyAfterACompleteListing() {
        try (Stack stack = connected(SimWorlds.demoWithCrowd(150, 8))) {
            sync(stack).run(TENANT, Budget.unlimited());
            World world = stack.sim.world();
            String leaver = memberOfSomeGroup(stack, 10);
            world.deactivateAccount(leaver);
            stack.sim.faults().failNext(50, 500, ".*users/search.*");
            assertEquals(SyncOutcome.FAILED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
            assertTrue(LicenseItems.users(stack.aws, TENANT).containsKey(leaver), "a failed run removes nobody");
            Integration failed = new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
            assertEquals(IntegrationStatus.ERROR, failed.status());
            assertTrue(failed.lastError().contains("continues"), failed.lastError());

            stack.sim.faults().clear();
            assertEquals(SyncOutcome.COMPLETED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void aRunCutShortContinuesAcrossInvocationsAndConvergesToTheOrg() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtomicInteger pages = new AtomicInteger();
            Budget twoPagesAtATime = () -> pages.incrementAndGet() % 2 == 0;
            int invocations = 0;
            SyncResult result;
            do {
                result = sync(stack).run(TENANT, twoPagesAtATime);
                invocations++;
            } while (result.outcome() == SyncOutcome.CONTINUE && invocations < 100);
            assertEquals(SyncOutcome.COMPLETED, result.outcome());
            assertTrue(invocations > 3, "the run took several invocations: " + invocations);
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void rateLimitStormsAndServerErrorBurstsStillEndInACompleteSync() {
        try (Stack stack = connected(SimWorlds.demo())) {
            stack.sim.faults().rateLimit(ORG_API_KEY, 40, 1).failShare(0.1, 503, ".*");
            SyncResult result = sync(stack).run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, result.outcome());
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void aFullSyncUnderARateLimitIsPacedFromTheRateHeadersAndMeetsNo429() {
        try (Stack stack = connected(SimWorlds.demo())) {
            // Four calls a second: the demo org's sync needs about twenty, its role-assignment calls in a burst.
            stack.sim.faults().rateLimit(ORG_API_KEY, 4, 1);
            stack.sim.clearRequests();
            // Production's longest wait (60 s), not the stack's 200 ms: a pacing wait is never cut short here.
            AtlassianOrgSync paced = Services.of(stack.envWith("ATLASSIAN_RETRY_MAX_DELAY_MS", "60000"), Clock.systemUTC()).orgSync();
            SyncResult result = paced.run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, result.outcome());
            List<com.saasspend.atlassian.sim.RecordedRequest> calls = stack.sim.requests();
            assertTrue(calls.size() > 8, "the limit mattered: " + calls.size() + " calls at 4 a second");
            assertEquals(0, calls.stream().filter(r -> r.status() == 429).count(), "spaced, not refused");
            stack.sim.faults().clear(); // the check below reads the org with the same key
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void anExpiredCursorRestartsTheListingAndTheSyncStillCompletes() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtomicInteger pages = new AtomicInteger();
            SyncResult first = sync(stack).run(TENANT, () -> pages.incrementAndGet() == 3);
            assertEquals(SyncOutcome.CONTINUE, first.outcome());
            stack.sim.faults().expireCursors();
            SyncResult rest = sync(stack).run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, rest.outcome());
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void aRevokedKeyPutsTheIntegrationInErrorAndPausesSyncUntilRotation() {
        try (Stack stack = connected(SimWorlds.demo())) {
            stack.sim.world().revokeKey(ORG_API_KEY);
            assertEquals(SyncOutcome.FAILED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
            Integration integration = new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
            assertEquals(IntegrationStatus.ERROR, integration.status());
            assertTrue(integration.syncPaused());
            assertTrue(integration.lastError().contains("rotate"), integration.lastError());
            assertEquals(SyncOutcome.SKIPPED, sync(stack).run(TENANT, Budget.unlimited()).outcome(), "no retry until rotation");
        }
    }

    @Test
    void aKeyRevokedInTheMiddleOfARunStopsItRemovesNobodyAndPausesUntilRotation() {
        try (Stack stack = connected(SimWorlds.demo())) {
            sync(stack).run(TENANT, Budget.unlimited());
            int usersBefore = LicenseItems.users(stack.aws, TENANT).size();
            AtomicInteger pages = new AtomicInteger();
            Budget revokeAfterThreePages = () -> {
                if (pages.incrementAndGet() == 3) {
                    stack.sim.world().revokeKey(ORG_API_KEY);
                }
                return false;
            };
            assertEquals(SyncOutcome.FAILED, sync(stack).run(TENANT, revokeAfterThreePages).outcome());
            assertEquals(usersBefore, LicenseItems.users(stack.aws, TENANT).size(), "a run stopped midway removes nobody");
            Integration integration = new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
            assertEquals(IntegrationStatus.ERROR, integration.status());
            assertTrue(integration.syncPaused());
        }
    }

    @Test
    void twoRunsOfOneIntegrationDoNotInterleave() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtomicInteger pages = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean secondRan = new java.util.concurrent.atomic.AtomicBoolean();
            AtlassianOrgSync sync = sync(stack);
            // The first invocation is mid-run (its lease held) when a second one starts: the second answers BUSY and
            // makes no write that succeeds (counted on its own client: the first run's page store may be writing
            // meanwhile, on its own thread, so the table itself may change; a refused lease take-over changes nothing).
            AtomicInteger secondRunWrites = new AtomicInteger();
            software.amazon.awssdk.services.dynamodb.DynamoDbClient countingWrites = software.amazon.awssdk.services.dynamodb.DynamoDbClient
                    .builder().overrideConfiguration(o -> o.addExecutionInterceptor(new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                        @Override
                        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                            String operation = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
                            if (operation.matches("(Put|Update|Delete|BatchWrite|TransactWrite)Item(s)?")) {
                                secondRunWrites.incrementAndGet();
                            }
                        }
                    })).build();
            Budget secondStartsMidway = () -> {
                if (pages.incrementAndGet() == 2) {
                    AtlassianOrgSync second = new Services(stack.env, Clock.systemUTC(),
                            com.saasspend.integration.aws.AwsClients.fromEnvironment().withDynamoDb(countingWrites)).orgSync();
                    assertEquals(SyncOutcome.BUSY, second.run(TENANT, Budget.unlimited()).outcome());
                    assertEquals(0, secondRunWrites.get(), "a BUSY run writes nothing");
                    secondRan.set(true);
                }
                return false;
            };
            assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, secondStartsMidway).outcome());
            assertTrue(secondRan.get(), "the second run started while the first held the lease");
            assertStoreMatchesSimulator(stack);
        }
    }

    /** The production wiring of the org sync with the Atlassian API wrapped, so a test can act at an exact point. */
    private static AtlassianOrgSync sync(Stack stack, java.util.function.UnaryOperator<AtlassianOrgApi> wrap) {
        return Services.of(stack.env, Clock.systemUTC()).withOrgApi(wrap).orgSync();
    }

    /** Every item of the tenant's license partition, and the tenant partition's sync state items. */
    private static List<String> leftovers(Stack stack) {
        List<String> keys = new ArrayList<>();
        for (String pk : List.of("TENANT#" + TENANT + "#LICENSES", "TENANT#" + TENANT)) {
            stack.aws.dynamo.queryPaginator(r -> r.tableName(stack.aws.table).consistentRead(true)
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))))
                    .items().forEach(item -> keys.add(pk + " " + item.get("sk").s()));
        }
        // Kept on purpose after a disconnect: reclaim audit, idempotency keys, settings, run history.
        keys.removeIf(k -> k.matches("TENANT#" + TENANT + " (RECLAIM|IDEMPOTENCY|SETTINGS|SYNCRUN).*"));
        return keys;
    }

    @Test
    void aDisconnectRacingASyncBetweenAPageFetchAndItsWriteLeavesZeroItemsOfTheOrg() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtomicInteger usersPages = new AtomicInteger();
            AtlassianOrgSync racing = sync(stack, api -> new ForwardingOrgApi(api) {
                @Override
                public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
                    Page<OrgUser> page = super.users(orgId, apiKey, cursor);
                    if (usersPages.incrementAndGet() == 3) {
                        // The admin disconnects after the sync fetched its third page of users, before it writes it.
                        var answer = stack.call(TENANT, "DELETE /integrations/{type}", "/integrations/atlassian",
                                Map.of("type", "atlassian"), null);
                        assertEquals(200, answer.getStatusCode(), answer.getBody());
                    }
                    return page;
                }
            });
            assertEquals(SyncOutcome.FENCED, racing.run(TENANT, Budget.unlimited()).outcome());
            assertEquals(3, usersPages.get(), "the sync stopped at the page it could not write");
            assertEquals(List.of(), leftovers(stack), "no license item, checkpoint or lease of the org is left");
            assertTrue(LicenseItems.users(stack.aws, TENANT).isEmpty());
            assertEquals(SyncOutcome.SKIPPED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
        }
    }

    @Test
    void aReclaimDuringASyncKeepsItsFreedSeatsInTheSummary() {
        try (Stack stack = connected(SimWorlds.demo())) {
            assertEquals(SyncOutcome.COMPLETED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
            DynamoLicenseStore licenses = new DynamoLicenseStore(stack.aws.dynamo, stack.aws.table);
            World world = stack.sim.world();
            AtomicInteger usersPages = new AtomicInteger();
            AtomicInteger freed = new AtomicInteger();
            List<String> firstPage = new ArrayList<>();
            AtlassianOrgSync sync = sync(stack, api -> new ForwardingOrgApi(api) {
                @Override
                public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
                    Page<OrgUser> page = super.users(orgId, apiKey, cursor);
                    if (usersPages.incrementAndGet() == 1) {
                        page.items().forEach(u -> firstPage.add(u.accountId()));
                    }
                    if (usersPages.get() == 3) {
                        // A reclaim of a user on the first page (read already by this run): Atlassian first, then
                        // the stored user and the seat counts, as ReclaimService does.
                        String accountId = firstPage.stream().filter(id -> {
                            var stored = licenses.user(TENANT, id);
                            return stored.isPresent() && !stored.get().item().products().isEmpty()
                                    && !world.groupsOf(id).isEmpty();
                        }).findFirst().orElseThrow();
                        OrgUser before = licenses.user(TENANT, accountId).orElseThrow().item();
                        new HashSet<>(world.groupsOf(accountId)).forEach(g -> world.removeMembership(g, accountId));
                        OrgUser after = new OrgUser(before.accountId(), before.name(), before.email(), before.accountType(),
                                before.accountStatus(), before.membershipStatus(), before.claimStatus(), before.orgAdmin(),
                                before.addedToOrg(), before.products().stream()
                                        .filter(p -> world.hasAccess(accountId, p.resourceId())).toList(), List.of());
                        var delta = SeatDelta.between(before, after, Instant.now().minus(java.time.Duration.ofDays(30)));
                        freed.set(delta.values().stream().mapToInt(c -> (int) -c.assigned()).sum());
                        licenses.adjustSeats(TENANT, accountId, delta, Instant.now());
                    }
                    return page;
                }
            });
            assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());
            assertTrue(freed.get() > 0, "the reclaim freed at least one seat");
            var summary = LicenseItems.summary(stack.aws, TENANT).get("products").m();
            for (String product : summary.keySet()) {
                assertEquals(world.seatsUsed(ORG_ID, product), Integer.parseInt(summary.get(product).m().get("assigned").n()),
                        "assigned seats of " + product + " after the sync that read the user before the reclaim");
            }
        }
    }

    private static long digestItems(Stack stack, String listing) {
        return items(stack, "TENANT#" + TENANT + "#LICENSES", "DIGEST#" + listing + "#");
    }

    /**
     * How many items of the partition {@code pk} have a sort key starting with {@code skPrefix} (a counting query of
     * that range: reading the whole license partition once per assertion cost more than the syncs it checks).
     */
    private static long items(Stack stack, String pk, String skPrefix) {
        return stack.aws.dynamo.queryPaginator(r -> r.tableName(stack.aws.table).consistentRead(true)
                        .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":prefix", AttributeValue.fromS(skPrefix))))
                .stream().mapToLong(page -> page.count()).sum();
    }

    /** No sync state (lease or checkpoint) is left for the org integration. */
    private static boolean noSyncState(Stack stack) {
        return items(stack, "TENANT#" + TENANT, "SYNCSTATE#") == 0;
    }

    private static Integration integration(Stack stack) {
        return new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).orElseThrow();
    }

    @Test
    void theSimulatorsStuckCursorOnAnyOrgListingEndsTheSyncInErrorNamingItTickAfterTick() {
        // Each org listing the sync pages, and the words its error names it by.
        Map<String, String> listings = new java.util.LinkedHashMap<>();
        listings.put("/directories/-/users/search$", "organization users");
        listings.put("/directories/-/groups/search$", "organization groups");
        listings.put("/role-assignments$", "role assignments");
        listings.put("/workspaces$", "product instances");
        // A small crowd: each listing pages the same way whatever the org's size (the stuck page repeats its own cursor).
        try (Stack stack = connected(SimWorlds.demoWithCrowd(60, 6))) {
            assertEquals(SyncOutcome.COMPLETED, sync(stack).run(TENANT, Budget.unlimited()).outcome());
            long userDigests = digestItems(stack, "USERS");
            long groupDigests = digestItems(stack, "GROUPS");
            int usersBefore = LicenseItems.users(stack.aws, TENANT).size();
            listings.forEach((path, name) -> {
                stack.sim.faults().clear().stuckCursor(path);
                for (int tick = 1; tick <= 2; tick++) {
                    assertEquals(SyncOutcome.FAILED, sync(stack).run(TENANT, Budget.unlimited()).outcome(), path + " tick " + tick);
                    Integration failed = integration(stack);
                    assertEquals(IntegrationStatus.ERROR, failed.status(), path);
                    assertTrue(failed.lastError().toLowerCase(java.util.Locale.ROOT).contains(name), path + ": " + failed.lastError());
                    assertEquals(userDigests, digestItems(stack, "USERS"), path + ": no users digest beyond the pages listed");
                    assertEquals(groupDigests, digestItems(stack, "GROUPS"), path + ": no groups digest beyond the pages listed");
                    assertTrue(noSyncState(stack), path + ": lease freed, checkpoint discarded");
                    assertEquals(usersBefore, LicenseItems.users(stack.aws, TENANT).size(), path + ": nobody removed");
                }
            });
            stack.sim.faults().clear();
            assertEquals(SyncOutcome.COMPLETED, sync(stack).run(TENANT, Budget.unlimited()).outcome(), "a healthy org recovers");
            assertStoreMatchesSimulator(stack);
        }
    }

    @Test
    void aCrashedRunShowsStalledInTheIntegrationsOverviewThenTheNextTickResumesIt() {
        try (Stack stack = connected(SimWorlds.demo())) {
            AtomicInteger pages = new AtomicInteger();
            assertEquals(SyncOutcome.CONTINUE, sync(stack).run(TENANT, () -> pages.incrementAndGet() == 3).outcome());
            // The continuation's invocation took the lease and was killed: its lease has just run out.
            Instant expired = Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            assertTrue(new DynamoSyncStateStore(stack.aws.dynamo, stack.aws.table)
                    .acquire(TENANT, IntegrationType.ATLASSIAN, "killed-invocation", expired, expired.minusSeconds(300)));
            var overview = com.saasspend.integration.testing.ApiEvents.parse(
                    stack.call(TENANT, "GET /integrations", "/integrations", Map.of(), null).getBody());
            var entry = overview.path("integrations").get(0);
            assertEquals("stalled", entry.path("status").asText(), overview.toString());
            assertEquals(expired.plus(com.saasspend.integration.domain.IntegrationOverview.SCHEDULE_EVERY),
                    Instant.parse(entry.path("syncResumesBy").asText()));

            SyncResult resumed = sync(stack).run(TENANT, Budget.unlimited());
            assertEquals(SyncOutcome.COMPLETED, resumed.outcome());
            assertEquals(2, resumed.run().invocations(), "resumed the run from its checkpoint, not from the start");
            assertStoreMatchesSimulator(stack);
            var after = com.saasspend.integration.testing.ApiEvents.parse(
                    stack.call(TENANT, "GET /integrations", "/integrations", Map.of(), null).getBody());
            assertEquals("connected", after.path("integrations").get(0).path("status").asText());
        }
    }

}
