package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.atlassian.sim.WorldSeed;
import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.atlassian.AtlassianHttp;
import com.saasspend.integration.atlassian.OrgAdminClient;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgDomain;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: the org sync asks for role assignments only of groups whose {@code counts.resources} is above zero. Against
 * the simulator (the real HTTP client), the stored groups and every reclaim plan are exactly those of the earlier
 * algorithm (role assignments of every group), on the demo seed and on a generated org, with fewer calls.
 */
class GrantingGroupsBothWaysTest {
    private static final String TENANT = "t";

    @Test
    void demoSeedStoresTheSameGroupsAndPlansWithRoleAssignmentsOfGrantingGroupsOnly() {
        compareBothWays(WorldSeed.demo());
    }

    @Test
    void generatedOrgStoresTheSameGroupsAndPlansWithRoleAssignmentsOfGrantingGroupsOnly() {
        compareBothWays(WorldGenerator.generate(300, 60, 7));
    }

    private static void compareBothWays(World world) {
        try (AtlassianSimulator sim = AtlassianSimulator.start(0, world)) {
            OrgAdminClient client = new OrgAdminClient(AtlassianHttp.create(RetrySettings.forSync()),
                    AtlassianEndpoints.from(new Env(Map.of("ATLASSIAN_ADMIN_URL", sim.baseUrl()))));
            List<String> allGroups = world.groupIds(DemoCredentials.ORG_ID);
            Synced everyGroup = sync(new CountsUnknown(client), allGroups);
            Synced grantingOnly = sync(client, allGroups);

            int groups = world.groupIds(DemoCredentials.ORG_ID).size();
            int granting = world.grantingGroupIds(DemoCredentials.ORG_ID).size();
            assertTrue(granting > 0 && granting < groups, "some groups grant, most do not: " + granting + " of " + groups);
            assertEquals(groups, everyGroup.grantCalls, "the earlier algorithm: one role-assignment listing per group");
            assertEquals(granting, grantingOnly.grantCalls, "only groups counting resources are asked");

            assertEquals(everyGroup.groups, grantingOnly.groups, "identical stored groups");
            assertEquals(everyGroup.groupHashes, grantingOnly.groupHashes, "identical content hashes");
            assertTrue(everyGroup.groups.values().stream().anyMatch(ReclaimPlanner::grantsAdmin), "admin roles are kept");
            assertEquals(everyGroup.users, grantingOnly.users);
            assertEquals(everyGroup.decisions, grantingOnly.decisions, "identical reclaim planner decisions");
            assertTrue(everyGroup.decisions.values().stream().anyMatch(d -> d.startsWith("refused")), "guardrails were exercised");
            assertTrue(everyGroup.decisions.values().stream().anyMatch(d -> d.startsWith("plan")), "plans were made");
        }
    }

    /** What one way of syncing stored, and what the planner decides from it for every user's whole set of groups. */
    private record Synced(Map<String, OrgGroup> groups, Map<String, String> groupHashes, Map<String, OrgUser> users,
                          Map<String, String> decisions, int grantCalls) {}

    private static Synced sync(AtlassianOrgApi client, List<String> groupIds) {
        Counting api = new Counting(client);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        InMemorySyncState state = new InMemorySyncState(clock);
        InMemoryLicenseStore store = new InMemoryLicenseStore(state);
        InMemoryIntegrations integrations = new InMemoryIntegrations();
        integrations.records.put(IntegrationType.ATLASSIAN, new Integration(TENANT, IntegrationType.ATLASSIAN,
                IntegrationStatus.CONNECTED, Map.of("orgId", DemoCredentials.ORG_ID), "secret", null, clock.instant(), "admin",
                null, null, false, 0));
        AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations,
                SyncTestDoubles.vaultWithKey(DemoCredentials.ORG_API_KEY), api.calls::get, clock, SyncStateStore.LEASE,
                SyncTestDoubles.defaultSettings());
        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());

        Map<String, OrgUser> users = new TreeMap<>();
        for (String id : store.userIds()) {
            users.put(id, store.user(TENANT, id).orElseThrow().item());
        }
        Map<String, OrgGroup> groups = new TreeMap<>(store.groups(TENANT, groupIds));
        assertEquals(groupIds.size(), groups.size(), "every group stored");
        Map<String, String> hashes = new TreeMap<>(store.storedHashes(TENANT, LicenseStore.Listing.GROUPS, groups.keySet()));
        Map<String, ProductInstance> products = store.products(TENANT).stream()
                .collect(Collectors.toMap(ProductInstance::id, Function.identity()));
        ReclaimPlanner.Context context = new ReclaimPlanner.Context(Map.of(), products, Map.of(), List.of());
        Map<String, String> decisions = new TreeMap<>();
        for (OrgUser user : users.values()) {
            List<String> ids = user.groups().stream().map(OrgUser.GroupRef::id).toList();
            if (ids.isEmpty()) {
                continue;
            }
            String decision;
            try {
                decision = "plan " + ReclaimPlanner.plan(user, groups, new ReclaimRequest(user.accountId(), ids), context);
            } catch (Refusal refused) {
                decision = "refused " + refused.kind() + " " + refused.code() + " " + refused.getMessage() + " " + refused.fields();
            }
            decisions.put(user.accountId(), decision);
        }
        assertFalse(decisions.isEmpty());
        return new Synced(groups, hashes, users, decisions, api.grantCalls.get());
    }

    /** The earlier algorithm: groups search without counts, so every group's role assignments are read. */
    private static final class CountsUnknown extends ForwardingOrgApi {
        CountsUnknown(AtlassianOrgApi api) {
            super(api);
        }

        @Override
        public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) {
            Page<ListedGroup> page = super.groups(orgId, apiKey, cursor);
            return new Page<>(page.items().stream().map(g -> new ListedGroup(g.group(), null)).toList(), page.nextCursor());
        }
    }

    private static final class Counting extends ForwardingOrgApi {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger grantCalls = new AtomicInteger();

        Counting(AtlassianOrgApi api) {
            super(api);
        }

        @Override
        public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
            calls.incrementAndGet();
            return super.users(orgId, apiKey, cursor);
        }

        @Override
        public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) {
            calls.incrementAndGet();
            return super.groups(orgId, apiKey, cursor);
        }

        @Override
        public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) {
            calls.incrementAndGet();
            grantCalls.incrementAndGet();
            return super.groupGrants(orgId, apiKey, groupId);
        }
    }
}
