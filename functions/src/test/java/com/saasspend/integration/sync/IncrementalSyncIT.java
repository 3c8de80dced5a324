package com.saasspend.integration.sync;

import com.saasspend.integration.domain.sync.SyncResult;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.atlassian.AtlassianHttp;
import com.saasspend.integration.atlassian.OrgAdminClient;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.aws.DynamoEventStreamStateStore;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.aws.DynamoSyncStateStore;
import com.saasspend.integration.aws.DynamoTenantSettingsStore;
import com.saasspend.integration.aws.SecretsManagerVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.FullListingSchedule;
import com.saasspend.integration.domain.sync.SyncStateStore;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.LicenseItems;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The incremental sync's correctness property on moto and the simulator: after random world changes and incremental
 * runs, the store holds what a full listing produces (a full listing right after writes nothing), and with audit
 * events dropped the next full listing repairs what the incremental runs could not see.
 */
@ExtendWith(AwsEmulator.class)
class IncrementalSyncIT {
    /** 150 generated users instead of the demo's 420, still two pages with the named ones (where the org's size is not the point). */
    private static final int CROWD = 150;
    private static final String TENANT = "tenant-incremental";
    private static final String[] PRODUCTS = {"jira-software", "confluence"};

    private static Stack connected(World world) {
        Stack stack = new Stack(world, Clock.systemUTC());
        var response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"),
                "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, response.getStatusCode(), response.getBody());
        return stack;
    }

    /** The production wiring, with the daily full-listing window placed away from now so no tick of the test hits it. */
    private static AtlassianOrgSync sync(Stack stack) {
        AtlassianHttp http = AtlassianHttp.create(RetrySettings.forSync().withOverrides(stack.env));
        var dynamo = stack.aws.dynamo;
        String table = stack.aws.table;
        int awayFromNow = (Instant.now().atZone(ZoneOffset.UTC).getHour() + 12) % 24;
        return new AtlassianOrgSync(new OrgAdminClient(http, AtlassianEndpoints.from(stack.env)),
                new DynamoLicenseStore(dynamo, table), new DynamoSyncStateStore(dynamo, table),
                new DynamoIntegrationStore(dynamo, table),
                new SecretsManagerVault(stack.aws.secrets, stack.aws.secretPrefix, Clock.systemUTC()), http::calls,
                Clock.systemUTC(), SyncStateStore.LEASE, new DynamoTenantSettingsStore(dynamo, table),
                new DynamoEventStreamStateStore(dynamo, table), new FullListingSchedule(awayFromNow, 1));
    }

    private static boolean incremental(SyncResult result) {
        return result.run() != null && result.run().runId().startsWith("incremental-");
    }

    /** What the store holds of the org, last-active dates left out (only a full listing refreshes them). */
    private static Map<String, Object> stored(Stack stack) {
        Map<String, Object> state = new TreeMap<>();
        for (OrgUser u : LicenseItems.users(stack.aws, TENANT).values()) {
            List<String> products = u.products().stream().map(OrgUser.ProductAccess::resourceId).sorted().toList();
            List<String> groups = u.groups().stream().map(g -> g.id() + "=" + g.name()).sorted().toList();
            state.put("user " + u.accountId(), List.of(u.accountStatus(), String.valueOf(u.membershipStatus()), products, groups));
        }
        for (OrgGroup g : LicenseItems.groups(stack.aws, TENANT).values()) {
            state.put("group " + g.id(), List.of(g.name(), String.valueOf(g.memberCount()), g.grants().toString()));
        }
        var summary = LicenseItems.summary(stack.aws, TENANT).get("products").m();
        summary.forEach((product, counts) -> state.put("seats " + product, counts.m().get("assigned").n()));
        return state;
    }

    /** One random change of the kinds the issue names, made in Atlassian (not through us). */
    private static void randomChange(World world, Random random, List<String> createdGroups, int[] hires) {
        List<String> users = world.accountIds(ORG_ID).stream().filter(id -> !world.groupsOf(id).isEmpty() || random.nextBoolean()).sorted().toList();
        List<String> groups = world.groupIds(ORG_ID).stream().sorted().toList();
        String user = users.get(random.nextInt(users.size()));
        String group = groups.get(random.nextInt(groups.size()));
        switch (random.nextInt(9)) {
            case 0, 1 -> world.addMembership(group, user);
            case 2, 3 -> {
                List<String> of = new ArrayList<>(world.groupsOf(user));
                if (!of.isEmpty()) {
                    world.removeMembership(of.get(random.nextInt(of.size())), user);
                }
            }
            case 4 -> {
                if (world.isSuspended(user)) {
                    world.restoreUser(user);
                } else {
                    world.suspendUser(user);
                }
            }
            case 5 -> {
                String id = "712020:hire-" + (hires[0]++);
                world.addUser(ORG_ID, id, "Hire " + id, "hire" + hires[0] + "@acme.com", group);
            }
            case 6 -> world.removeUser(user);
            case 7 -> {
                if (createdGroups.isEmpty() || random.nextBoolean()) {
                    String created = world.createGroup(ORG_ID, "team-" + random.nextInt(1_000_000));
                    createdGroups.add(created);
                    world.grantGroupRole(created, PRODUCTS[random.nextInt(PRODUCTS.length)], "atlassian/user");
                    world.addMembership(created, user);
                } else {
                    world.deleteGroup(createdGroups.remove(random.nextInt(createdGroups.size())));
                }
            }
            default -> {
                if (!createdGroups.isEmpty()) {
                    String g = createdGroups.get(random.nextInt(createdGroups.size()));
                    if (random.nextBoolean()) {
                        world.renameGroup(g, "renamed-" + random.nextInt(1_000_000));
                    } else {
                        world.revokeGroupRoles(g, PRODUCTS[random.nextInt(PRODUCTS.length)]);
                    }
                }
            }
        }
    }

    @Test
    void afterRandomChangesAndIncrementalRunsTheStoreIsWhatAFullListingProduces() {
        // The whole demo org: an incremental run gives way to a full listing when re-reading what changed costs more
        // calls than listing the org, as it mostly would in a small one (too few incremental rounds to compare).
        try (Stack stack = connected(SimWorlds.demo())) {
            World world = stack.sim.world();
            assertEquals(SyncOutcome.COMPLETED, sync(stack).run(TENANT, Budget.unlimited(), false).outcome(), "connect: full");
            Random random = new Random(21);
            List<String> createdGroups = new ArrayList<>();
            int[] hires = {0};
            int incrementalRuns = 0;
            for (int round = 0; round < 12; round++) {
                for (int change = 0; change < 1 + random.nextInt(6); change++) {
                    randomChange(world, random, createdGroups, hires);
                }
                SyncResult result = sync(stack).run(TENANT, Budget.unlimited(), false);
                assertEquals(SyncOutcome.COMPLETED, result.outcome(), "round " + round);
                if (incremental(result)) {
                    incrementalRuns++;
                }
            }
            assertTrue(incrementalRuns >= 8, "most rounds were incremental: " + incrementalRuns);
            Map<String, Object> afterIncremental = stored(stack);

            SyncResult full = sync(stack).run(TENANT, Budget.unlimited(), true);
            assertEquals(SyncOutcome.COMPLETED, full.outcome());
            assertFalse(incremental(full));
            assertEquals(afterIncremental, stored(stack), "a full listing finds nothing to correct");
        }
    }

    @Test
    void changesWhoseEventsWereDroppedAreRepairedByTheNextFullListing() {
        try (Stack stack = connected(SimWorlds.demoWithCrowd(CROWD, 8))) {
            World world = stack.sim.world();
            sync(stack).run(TENANT, Budget.unlimited(), false);
            String user = AtlassianSyncIT.memberOfSomeGroup(stack, 3);
            String group = world.groupsOf(user).iterator().next();
            world.auditLog().dropNext(1);
            world.removeMembership(group, user);
            String seen = AtlassianSyncIT.memberOfSomeGroup(stack, 7);
            world.suspendUser(seen);

            SyncResult tick = sync(stack).run(TENANT, Budget.unlimited(), false);
            assertTrue(incremental(tick));
            OrgUser stale = LicenseItems.users(stack.aws, TENANT).get(user);
            assertTrue(stale.groups().stream().anyMatch(g -> g.id().equals(group)), "the dropped change is not seen");
            assertEquals("suspended", LicenseItems.users(stack.aws, TENANT).get(seen).membershipStatus(), "the other one is");
            Map<String, Object> beforeRepair = stored(stack);

            SyncResult full = sync(stack).run(TENANT, Budget.unlimited(), true);
            assertEquals(SyncOutcome.COMPLETED, full.outcome());
            OrgUser repaired = LicenseItems.users(stack.aws, TENANT).get(user);
            assertFalse(repaired.groups().stream().anyMatch(g -> g.id().equals(group)), "repaired by the full listing");
            assertNotEquals(beforeRepair, stored(stack));
            // And the next tick reads the stream again from where that listing started.
            assertTrue(incremental(sync(stack).run(TENANT, Budget.unlimited(), false)));
        }
    }

    /**
     * A tick writes a change; the change is undone in Atlassian and that event lost: the user's page digest matches
     * Atlassian again while the stored user does not. The tick's note makes the next full listing compare it anyway.
     */
    @Test
    void aChangeATickWroteAndThatWasUndoneUnseenIsRepairedByTheNextFullListing() {
        try (Stack stack = connected(SimWorlds.demoWithCrowd(CROWD, 8))) {
            World world = stack.sim.world();
            sync(stack).run(TENANT, Budget.unlimited(), false);
            String user = AtlassianSyncIT.memberOfSomeGroup(stack, 3);
            String group = world.groupsOf(user).iterator().next();
            world.removeMembership(group, user);
            assertTrue(incremental(sync(stack).run(TENANT, Budget.unlimited(), false)));
            assertFalse(LicenseItems.users(stack.aws, TENANT).get(user).groups().stream().anyMatch(g -> g.id().equals(group)));

            world.auditLog().dropNext(1);
            world.addMembership(group, user);
            SyncResult full = sync(stack).run(TENANT, Budget.unlimited(), true);
            assertEquals(SyncOutcome.COMPLETED, full.outcome());
            assertTrue(LicenseItems.users(stack.aws, TENANT).get(user).groups().stream().anyMatch(g -> g.id().equals(group)),
                    "the full listing is the source of truth");
            assertEquals(1, full.run().usersWritten());

            SyncResult again = sync(stack).run(TENANT, Budget.unlimited(), true);
            assertEquals(0, again.run().usersWritten(), "an unchanged re-sync still writes no user");
            assertEquals(0, again.run().groupsWritten());
        }
    }

    @Test
    void anOrgWithoutAnAuditLogIsListedEveryTickAndItsStatusSaysSo() {
        try (Stack stack = connected(SimWorlds.demoWithCrowd(CROWD, 8))) {
            World world = stack.sim.world();
            world.auditLog().unavailable(ORG_ID, 403);
            sync(stack).run(TENANT, Budget.unlimited(), false);
            SyncResult tick = sync(stack).run(TENANT, Budget.unlimited(), false);
            assertEquals(SyncOutcome.COMPLETED, tick.outcome());
            assertFalse(incremental(tick));
            String shown = new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN)
                    .orElseThrow().setting(AtlassianOrgSync.STREAM_SETTING);
            assertTrue(shown != null && shown.contains("lists the whole organization"), String.valueOf(shown));
            var overview = stack.call(TENANT, "GET /integrations", "/integrations", Map.of(), null);
            assertTrue(overview.getBody().contains("lists the whole organization"), overview.getBody());

            // Disconnecting erases where the stream was read up to, with the rest of the org's data.
            assertTrue(new DynamoEventStreamStateStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).isPresent());
            assertEquals(200, stack.call(TENANT, "DELETE /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), null)
                    .getStatusCode());
            assertTrue(new DynamoEventStreamStateStore(stack.aws.dynamo, stack.aws.table).find(TENANT, IntegrationType.ATLASSIAN).isEmpty());
        }
    }
}
