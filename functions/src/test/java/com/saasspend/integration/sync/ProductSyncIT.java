package com.saasspend.integration.sync;

import com.saasspend.integration.domain.sync.SyncResult;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_DIRECT_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_LINKED_WORKSPACE;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_ENTERPRISE_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.atlassian.AtlassianHttp;
import com.saasspend.integration.atlassian.HttpProductApis;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoProductStore;
import com.saasspend.integration.aws.DynamoSyncStateStore;
import com.saasspend.integration.aws.SecretsManagerVault;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.products.BitbucketMember;
import com.saasspend.integration.domain.products.BitbucketWorkspaceApi;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.products.JiraApi;
import com.saasspend.integration.domain.products.JiraRole;
import com.saasspend.integration.domain.products.ProductApis;
import com.saasspend.integration.domain.products.ProductGroup;
import com.saasspend.integration.domain.products.ProductListing;
import com.saasspend.integration.domain.products.ProductSummary;
import com.saasspend.integration.domain.products.ProductSync;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.products.SiteGroupsApi;
import com.saasspend.integration.domain.products.TrelloEnterpriseApi;
import com.saasspend.integration.domain.products.TrelloMember;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.DeadlineContext;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Jira, Confluence, Trello and Bitbucket syncs against moto and the simulator: what lands, what is written, how failures end. */
@ExtendWith(AwsEmulator.class)
class ProductSyncIT {
    private static final String TENANT = "tenant-products";
    private static final Clock CLOCK = Clock.systemUTC();

    // ------------------------------------------------------------------ wiring

    /** The stack with the org and the given products connected, as an admin does it through the API. */
    private static Stack connected(World world, String... products) {
        Stack stack = new Stack(world, CLOCK);
        connect(stack, "atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        for (String product : products) {
            connect(stack, product, switch (product) {
                case "jira", "confluence" -> "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL
                        + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}";
                case "trello" -> "{\"apiKey\":\"" + TRELLO_API_KEY + "\",\"token\":\"" + TRELLO_TOKEN + "\",\"enterpriseId\":\""
                        + TRELLO_ENTERPRISE_ID + "\"}";
                case "bitbucket" -> bitbucketBody(BITBUCKET_LINKED_WORKSPACE);
                default -> throw new IllegalArgumentException(product);
            });
        }
        return stack;
    }

    private static String bitbucketBody(String workspace) {
        return "{\"workspace\":\"" + workspace + "\",\"email\":\"" + BITBUCKET_EMAIL + "\",\"apiToken\":\"" + BITBUCKET_API_TOKEN + "\"}";
    }

    private static void connect(Stack stack, String type, String body) {
        var response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/" + type, Map.of("type", type), body);
        assertEquals(201, response.getStatusCode(), response.getBody());
    }

    private static DynamoProductStore store(Stack stack) {
        return new DynamoProductStore(stack.aws.dynamo, stack.aws.table);
    }

    private static ProductSync sync(Stack stack, DynamoProductStore store) {
        return sync(stack, store, apis -> apis);
    }

    /** The production wiring, with the store the test counts writes in and, optionally, the APIs wrapped. */
    private static ProductSync sync(Stack stack, DynamoProductStore store, UnaryOperator<ProductApis> wrap) {
        AtlassianHttp http = AtlassianHttp.create(RetrySettings.forSync().withOverrides(stack.env));
        return new ProductSync(wrap.apply(new HttpProductApis(http, AtlassianEndpoints.from(stack.env))), store,
                new DynamoSyncStateStore(stack.aws.dynamo, stack.aws.table), integrations(stack),
                new SecretsManagerVault(stack.aws.secrets, stack.aws.secretPrefix, CLOCK), http::calls, CLOCK, Duration.ofMinutes(16));
    }

    private static DynamoIntegrationStore integrations(Stack stack) {
        return new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table);
    }

    private static Integration integration(Stack stack, IntegrationType type) {
        return integrations(stack).find(TENANT, type).orElseThrow();
    }

    private static SyncRunRecord completed(SyncResult result) {
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        return result.run();
    }

    /** Runs {@code hook} once, right after the first group-member page (Jira) or member page (Bitbucket) of a run. */
    private static UnaryOperator<ProductApis> afterFirstMemberPage(Runnable hook) {
        AtomicInteger calls = new AtomicInteger();
        Runnable once = () -> {
            if (calls.incrementAndGet() == 1) {
                hook.run();
            }
        };
        return real -> new ProductApis() {
            @Override
            public JiraApi jira(Credential credential) {
                JiraApi jira = real.jira(credential);
                return new JiraApi() {
                    @Override
                    public List<JiraRole> applicationRoles() {
                        return jira.applicationRoles();
                    }

                    @Override
                    public Page<GroupRef> groups(String cursor) {
                        return jira.groups(cursor);
                    }

                    @Override
                    public Page<GroupMember> members(String groupId, String cursor) {
                        Page<GroupMember> page = jira.members(groupId, cursor);
                        once.run();
                        return page;
                    }
                };
            }

            @Override
            public SiteGroupsApi confluence(Credential credential) {
                return real.confluence(credential);
            }

            @Override
            public TrelloEnterpriseApi trello(Credential credential) {
                return real.trello(credential);
            }

            @Override
            public BitbucketWorkspaceApi bitbucket(Credential credential) {
                BitbucketWorkspaceApi bitbucket = real.bitbucket(credential);
                return new BitbucketWorkspaceApi() {
                    @Override
                    public Page<BitbucketMember> members(String cursor) {
                        Page<BitbucketMember> page = bitbucket.members(cursor);
                        once.run();
                        return page;
                    }

                    @Override
                    public Page<String> memberUuidsWithPermission(String permission, String cursor) {
                        return bitbucket.memberUuidsWithPermission(permission, cursor);
                    }
                };
            }
        };
    }

    // ------------------------------------------------------------------ what the store must hold

    private static void assertJiraMatchesSimulator(Stack stack, DynamoProductStore store) {
        World world = stack.sim.world();
        Map<String, JsonNode> roles = ProductTruth.jiraRoles(stack);
        Map<String, JiraRole> storedRoles = store.jiraRoles(TENANT);
        assertEquals(roles.keySet(), storedRoles.keySet(), "one role per Jira product");
        for (JiraRole role : storedRoles.values()) {
            JsonNode truth = roles.get(role.key());
            assertEquals(world.seatsUsed(ORG_ID, role.key()), role.userCount(), "user count of " + role.key());
            assertEquals(truth.path("numberOfSeats").asInt(), role.numberOfSeats(), "seats of " + role.key());
            assertEquals(truth.path("remainingSeats").asInt(), role.remainingSeats(), "remaining seats of " + role.key());
            assertFalse(role.hasUnlimitedSeats());
            Set<String> groupIds = new HashSet<>();
            truth.path("groupDetails").forEach(g -> groupIds.add(g.path("groupId").asText()));
            assertEquals(groupIds, role.groups().stream().map(GroupRef::id).collect(Collectors.toSet()), "groups of " + role.key());
            assertFalse(role.defaultGroups().isEmpty(), "the demo's Jira products have default groups");
        }
        assertGroupsMatchSimulator(world, ProductTruth.jiraGroups(stack), store.groups(TENANT, ProductListing.JIRA_GROUPS));
    }

    private static void assertGroupsMatchSimulator(World world, Map<String, String> truth, Map<String, ProductGroup> stored) {
        assertEquals(truth.keySet(), stored.keySet(), "the stored groups are the site's groups");
        for (ProductGroup group : stored.values()) {
            assertEquals(truth.get(group.id()), group.name());
            assertEquals(world.groupMembers(group.id()), new HashSet<>(group.memberIds()), "members of " + group.name());
        }
    }

    private static void assertTrelloMatchesSimulator(Stack stack, DynamoProductStore store) {
        Map<String, JsonNode> truth = ProductTruth.trelloMembers(stack);
        Map<String, TrelloMember> stored = store.trelloMembers(TENANT);
        assertEquals(truth.keySet(), stored.keySet(), "the stored members are the enterprise's members");
        for (TrelloMember member : stored.values()) {
            JsonNode t = truth.get(member.id());
            assertEquals(t.path("licensed").asBoolean(), member.licensed(), "licensed " + member.id());
            assertEquals(t.path("deactivated").asBoolean(), member.deactivated(), "deactivated " + member.id());
            assertEquals(t.path("collaborator").asBoolean(), member.collaborator(), "collaborator " + member.id());
            assertEquals(t.path("admin").asBoolean(), member.admin(), "admin " + member.id());
            assertEquals(t.path("managed").asBoolean(), member.managed(), "managed " + member.id());
            JsonNode last = t.path("member").path("dateLastImpression");
            assertEquals(last.isTextual() ? Instant.parse(last.asText()) : null, member.lastActiveAt(), "last active " + member.id());
            assertEquals(t.path("member").path("email").asText(), member.email());
        }
    }

    private static void assertBitbucketMatchesSimulator(Stack stack, DynamoProductStore store, String workspace) {
        Map<String, String> truth = ProductTruth.bitbucketPermissions(stack, workspace);
        Map<String, String> stored = new TreeMap<>();
        store.bitbucketMembers(TENANT).values().forEach(m -> stored.put(m.uuid(), m.permission()));
        assertEquals(truth, stored, "the stored members and permissions are the workspace's");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void jiraFirstSyncStoresRolesGroupsAndMembersAndAnUnchangedResyncWritesNothing() {
        try (Stack stack = connected(SimWorlds.demo(), "jira")) {
            DynamoProductStore store = store(stack);
            SyncRunRecord first = completed(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            assertJiraMatchesSimulator(stack, store);
            assertEquals(350, store.jiraRoles(TENANT).get("jira-software").numberOfSeats(), "the demo seed's seats");
            assertTrue(first.groupsWritten() > 5 && first.users() > 300, "the demo site has groups with members: " + first);
            Integration jira = integration(stack, IntegrationType.JIRA);
            assertEquals(IntegrationStatus.CONNECTED, jira.status());
            assertNotNull(jira.lastSuccessfulSyncAt());
            assertEquals(first, new DynamoSyncStateStore(stack.aws.dynamo, stack.aws.table).recentRuns(TENANT, IntegrationType.JIRA, 1).get(0),
                    "the run is recorded");

            var before = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            SyncRunRecord second = completed(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            assertEquals(before, stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES"), "an unchanged Jira writes no item, digest or summary");
            assertEquals(0, second.groupsWritten() + second.usersWritten());
            assertEquals(first.groups(), second.groups());
        }
    }

    @Test
    void disconnectingJiraErasesWhatItsSyncStoredAndLeavesTheOthers() {
        try (Stack stack = connected(SimWorlds.demo(), "jira", "confluence")) {
            DynamoProductStore store = store(stack);
            completed(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            completed(sync(stack, store).run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited()));
            assertTrue(stack.aws.dumpTable().contains("PRODUCTSYNC#jira#"));

            var response = stack.call(TENANT, "DELETE /integrations/{type}", "/integrations/jira", java.util.Map.of("type", "jira"), null);
            assertEquals(200, response.getStatusCode(), response.getBody());
            String table = stack.aws.dumpTable();
            assertFalse(table.contains("PRODUCTSYNC#jira#"), "Jira's synced data is gone with it");
            assertTrue(table.contains("PRODUCTSYNC#confluence#"), "Confluence's stays");
        }
    }

    @Test
    void disconnectingJiraWhileItsSyncRunsLeavesNoJiraItemBehind() {
        try (Stack stack = connected(SimWorlds.demo(), "jira", "confluence")) {
            DynamoProductStore store = store(stack);
            completed(sync(stack, store).run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited()));
            AtomicInteger memberCalls = new AtomicInteger();
            ProductSync racing = sync(stack, store, apis -> new ProductApis() {
                @Override
                public JiraApi jira(Credential credential) {
                    JiraApi jira = apis.jira(credential);
                    return new JiraApi() {
                        @Override
                        public List<JiraRole> applicationRoles() {
                            return jira.applicationRoles();
                        }

                        @Override
                        public Page<GroupRef> groups(String cursor) {
                            return jira.groups(cursor);
                        }

                        @Override
                        public Page<GroupMember> members(String groupId, String cursor) {
                            Page<GroupMember> page = jira.members(groupId, cursor);
                            if (memberCalls.incrementAndGet() == 3) {
                                // The admin disconnects Jira while its sync reads the third group's members.
                                var answer = stack.call(TENANT, "DELETE /integrations/{type}", "/integrations/jira",
                                        java.util.Map.of("type", "jira"), null);
                                assertEquals(200, answer.getStatusCode(), answer.getBody());
                            }
                            return page;
                        }
                    };
                }

                @Override
                public SiteGroupsApi confluence(Credential credential) {
                    return apis.confluence(credential);
                }

                @Override
                public TrelloEnterpriseApi trello(Credential credential) {
                    return apis.trello(credential);
                }

                @Override
                public BitbucketWorkspaceApi bitbucket(Credential credential) {
                    return apis.bitbucket(credential);
                }
            });
            assertEquals(SyncOutcome.FENCED, racing.run(TENANT, IntegrationType.JIRA, Budget.unlimited()).outcome());
            String table = stack.aws.dumpTable();
            assertFalse(table.contains("PRODUCTSYNC#jira#"), "nothing of Jira is left");
            assertFalse(table.contains("SYNCSTATE#jira"), "nor its checkpoint or lease");
            assertTrue(table.contains("PRODUCTSYNC#confluence#"), "Confluence's data stays");
        }
    }

    @Test
    void aJiraMembershipChangeAppearsAfterTheNextSyncAndARunFailingMidwayChangesNothingWrongly() {
        try (Stack stack = connected(SimWorlds.demo(), "jira")) {
            DynamoProductStore store = store(stack);
            completed(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            Map<String, ProductGroup> before = store.groups(TENANT, ProductListing.JIRA_GROUPS);
            World world = stack.sim.world();
            // The site's last group (listings are by name) changes, so a run failing early never reaches it.
            Map<String, String> groups = ProductTruth.jiraGroups(stack);
            String lastGroup = groups.entrySet().stream().max(Map.Entry.comparingByValue(String.CASE_INSENSITIVE_ORDER)).orElseThrow().getKey();
            String leaver = world.groupMembers(lastGroup).iterator().next();
            assertEquals(World.Change.DONE, world.removeMembership(lastGroup, leaver));

            // Every group-member call after the first one of the run fails (503, past the retries).
            SyncResult failed = sync(stack, store, afterFirstMemberPage(() -> stack.sim.faults().failNext(100, 503, "group/member")))
                    .run(TENANT, IntegrationType.JIRA, Budget.unlimited());
            stack.sim.faults().clear();
            assertEquals(SyncOutcome.FAILED, failed.outcome());
            Map<String, ProductGroup> afterFailure = store.groups(TENANT, ProductListing.JIRA_GROUPS);
            assertEquals(before, afterFailure, "a run that failed early wrote no group and removed nothing");
            assertTrue(afterFailure.get(lastGroup).memberIds().contains(leaver));
            Integration errored = integration(stack, IntegrationType.JIRA);
            assertEquals(IntegrationStatus.ERROR, errored.status());
            assertFalse(errored.syncPaused(), "a Jira outage does not pause syncing");
            assertTrue(errored.lastError().contains("next sync"), errored.lastError());
            assertEquals("failed", new DynamoSyncStateStore(stack.aws.dynamo, stack.aws.table).recentRuns(TENANT, IntegrationType.JIRA, 1).get(0).outcome());

            // A suspended user stays in its groups, shown inactive.
            String suspended = before.get(lastGroup).memberIds().stream().filter(id -> !id.equals(leaver)).findFirst().orElseThrow();
            assertTrue(world.suspendUser(suspended));
            Map<String, JiraRole> rolesBefore = store.jiraRoles(TENANT);

            SyncRunRecord next = completed(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            assertJiraMatchesSimulator(stack, store);
            Map<String, ProductGroup> after = store.groups(TENANT, ProductListing.JIRA_GROUPS);
            assertFalse(after.get(lastGroup).memberIds().contains(leaver), "the removed membership is gone");
            List<ProductGroup> ofSuspended = after.values().stream().filter(g -> g.memberIds().contains(suspended)).toList();
            assertFalse(ofSuspended.isEmpty());
            assertTrue(ofSuspended.stream().allMatch(g -> g.inactiveMemberIds().contains(suspended)), "suspended shows inactive");
            Map<String, JiraRole> rolesAfter = store.jiraRoles(TENANT);
            long changed = before.keySet().stream().filter(id -> !before.get(id).equals(after.get(id))).count()
                    + rolesBefore.keySet().stream().filter(key -> !rolesBefore.get(key).equals(rolesAfter.get(key))).count();
            assertEquals(changed, next.groupsWritten(), "only the changed groups and roles are written");
            assertEquals(IntegrationStatus.CONNECTED, integration(stack, IntegrationType.JIRA).status());
        }
    }

    @Test
    void confluenceFirstSyncStoresGroupsAndMembersAndAnUnchangedResyncWritesNothing() {
        try (Stack stack = connected(SimWorlds.demo(), "confluence")) {
            DynamoProductStore store = store(stack);
            SyncRunRecord first = completed(sync(stack, store).run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited()));
            assertGroupsMatchSimulator(stack.sim.world(), ProductTruth.confluenceGroups(stack), store.groups(TENANT, ProductListing.CONFLUENCE_GROUPS));
            assertTrue(first.groups() > 3, first.toString());
            assertTrue(store.jiraRoles(TENANT).isEmpty(), "Confluence stores no Jira data");

            var before = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            completed(sync(stack, store).run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited()));
            assertEquals(before, stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES"), "an unchanged Confluence writes nothing");

            String group = ProductTruth.confluenceGroups(stack).keySet().iterator().next();
            String member = stack.sim.world().groupMembers(group).iterator().next();
            stack.sim.world().removeMembership(group, member);
            SyncRunRecord changed = completed(sync(stack, store).run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited()));
            assertEquals(1, changed.groupsWritten(), "one group changed");
            assertGroupsMatchSimulator(stack.sim.world(), ProductTruth.confluenceGroups(stack), store.groups(TENANT, ProductListing.CONFLUENCE_GROUPS));
        }
    }

    @Test
    void trelloFirstSyncStoresTheEnterpriseMembersAndOnlyChangedMembersAreWrittenAfterwards() {
        try (Stack stack = connected(SimWorlds.demo(), "trello")) {
            DynamoProductStore store = store(stack);
            SyncRunRecord first = completed(sync(stack, store).run(TENANT, IntegrationType.TRELLO, Budget.unlimited()));
            assertTrelloMatchesSimulator(stack, store);
            Map<String, TrelloMember> members = store.trelloMembers(TENANT);
            assertTrue(members.size() > 100, "more than one page of members: " + members.size());
            assertTrue(members.values().stream().anyMatch(TrelloMember::deactivated), "the demo has a deactivated member");
            assertTrue(members.values().stream().anyMatch(m -> m.lastActiveAt() != null), "members with last activity");
            assertEquals(members.size(), first.usersWritten());
            ProductSummary summary = store.summary(TENANT, IntegrationType.TRELLO).orElseThrow();
            assertEquals(TRELLO_ENTERPRISE_ID, summary.instance());
            assertEquals(members.values().stream().filter(TrelloMember::licensed).count(), summary.counts().get("licensed"));

            var before = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            completed(sync(stack, store).run(TENANT, IntegrationType.TRELLO, Budget.unlimited()));
            assertEquals(before, stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES"), "an unchanged Trello writes nothing");

            // A member becomes active today, and a licensed member's Atlassian account is deactivated.
            World world = stack.sim.world();
            Map<String, JsonNode> truth = ProductTruth.trelloMembers(stack);
            List<String> licensedEmails = truth.values().stream().filter(m -> m.path("licensed").asBoolean() && !m.path("admin").asBoolean())
                    .map(m -> m.path("member").path("email").asText()).limit(2).toList();
            Map<String, String> accountByEmail = accountIdsByEmail(stack);
            Instant today = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            assertTrue(world.recordActivity(accountByEmail.get(licensedEmails.get(0)), "trello", today));
            assertTrue(world.deactivateAccount(accountByEmail.get(licensedEmails.get(1))));

            SyncRunRecord changed = completed(sync(stack, store).run(TENANT, IntegrationType.TRELLO, Budget.unlimited()));
            assertEquals(2, changed.usersWritten(), "only the two changed members are written");
            assertTrelloMatchesSimulator(stack, store);
            Map<String, TrelloMember> byEmail = store.trelloMembers(TENANT).values().stream()
                    .collect(Collectors.toMap(TrelloMember::email, m -> m));
            assertEquals(today, byEmail.get(licensedEmails.get(0)).lastActiveAt());
            assertTrue(byEmail.get(licensedEmails.get(1)).deactivated());
        }
    }

    /** Account id by email of the org's users, from the site's user listing. */
    private static Map<String, String> accountIdsByEmail(Stack stack) {
        Map<String, String> ids = new TreeMap<>();
        ProductTruth.get(stack.sim.baseUrl() + "/site/acme.atlassian.net/rest/api/3/users/search?maxResults=1000",
                SITE_ADMIN_EMAIL, SITE_API_TOKEN).forEach(u -> {
                    if (u.hasNonNull("emailAddress")) {
                        ids.put(u.path("emailAddress").asText(), u.path("accountId").asText());
                    }
                });
        return ids;
    }

    @Test
    void bitbucketMembersAreStoredWithPermissionsAndARemovedMemberIsMarkedGoneOnlyAfterACompleteListing() {
        try (Stack stack = connected(SimWorlds.demo(), "bitbucket")) {
            DynamoProductStore store = store(stack);
            completed(sync(stack, store).run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited()));
            assertBitbucketMatchesSimulator(stack, store, BITBUCKET_LINKED_WORKSPACE);
            Map<String, BitbucketMember> members = store.bitbucketMembers(TENANT);
            assertTrue(members.size() > 100, "more than one page of 100 members: " + members.size());
            assertTrue(members.values().stream().anyMatch(m -> "owner".equals(m.permission())));
            ProductSummary summary = store.summary(TENANT, IntegrationType.BITBUCKET).orElseThrow();
            assertTrue(summary.linkedToOrg(), "acme-eng is the org's Bitbucket product");
            assertEquals(BITBUCKET_LINKED_WORKSPACE, summary.instance());

            var before = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            completed(sync(stack, store).run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited()));
            assertEquals(before, stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES"), "an unchanged Bitbucket writes nothing");

            // A member whose only Bitbucket access was the bitbucket-users group leaves it, so leaves the workspace.
            World world = stack.sim.world();
            String bitbucketUsers = world.groupId(ORG_ID, "bitbucket-users");
            BitbucketMember leaver = null;
            for (BitbucketMember m : members.values()) {
                if (!"member".equals(m.permission()) || world.removeMembership(bitbucketUsers, m.accountId()) != World.Change.DONE) {
                    continue;
                }
                if (!world.hasAccess(m.accountId(), "bitbucket")) {
                    leaver = m;
                    break;
                }
                world.addMembership(bitbucketUsers, m.accountId());
            }
            assertNotNull(leaver, "some member has Bitbucket through bitbucket-users only");

            SyncResult failed = sync(stack, store, afterFirstMemberPage(() -> stack.sim.faults().failNext(100, 503, "workspaces/.*/members")))
                    .run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited());
            stack.sim.faults().clear();
            assertEquals(SyncOutcome.FAILED, failed.outcome());
            assertTrue(store.bitbucketMembers(TENANT).containsKey(leaver.uuid()), "a failed run marks nobody gone");
            assertEquals(List.of(), store.removedIds(TENANT, ProductListing.BITBUCKET_MEMBERS));

            SyncRunRecord next = completed(sync(stack, store).run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited()));
            assertEquals(1, next.removed());
            assertEquals(List.of(leaver.uuid()), store.removedIds(TENANT, ProductListing.BITBUCKET_MEMBERS));
            assertBitbucketMatchesSimulator(stack, store, BITBUCKET_LINKED_WORKSPACE);
            assertEquals(members.size() - 1, store.summary(TENANT, IntegrationType.BITBUCKET).orElseThrow().counts().get("members"));
        }
    }

    @Test
    void aWorkspaceCreatedDirectlyInBitbucketIsStoredAsNotLinkedToTheOrg() {
        try (Stack stack = new Stack(SimWorlds.demo(), CLOCK)) {
            connect(stack, "atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
            connect(stack, "bitbucket", bitbucketBody(BITBUCKET_DIRECT_WORKSPACE));
            DynamoProductStore store = store(stack);
            completed(sync(stack, store).run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited()));
            assertBitbucketMatchesSimulator(stack, store, BITBUCKET_DIRECT_WORKSPACE);
            ProductSummary summary = store.summary(TENANT, IntegrationType.BITBUCKET).orElseThrow();
            assertFalse(summary.linkedToOrg());
            assertEquals(1L, summary.counts().get("collaborators"), "the seed has one collaborator in acme-labs");
        }
    }

    @Test
    void aRejectedTokenPutsTheProductInErrorAndPausesItsSyncUntilRotation() {
        try (Stack stack = connected(SimWorlds.demo(), "jira", "trello")) {
            DynamoProductStore store = store(stack);
            stack.sim.world().revokeKey(SITE_API_TOKEN);
            stack.sim.world().revokeKey(TRELLO_TOKEN);
            for (IntegrationType type : List.of(IntegrationType.JIRA, IntegrationType.TRELLO)) {
                assertEquals(SyncOutcome.FAILED, sync(stack, store).run(TENANT, type, Budget.unlimited()).outcome());
                Integration integration = integration(stack, type);
                assertEquals(IntegrationStatus.ERROR, integration.status());
                assertTrue(integration.syncPaused(), type + " is paused");
                assertTrue(integration.lastError().contains("rotate the token"), integration.lastError());
                assertEquals(SyncOutcome.SKIPPED, sync(stack, store).run(TENANT, type, Budget.unlimited()).outcome(), "no retry until rotation");
            }
            assertTrue(stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES").keySet().stream()
                    .noneMatch(sk -> sk.startsWith("PRODUCTSYNC#")), "nothing was stored");
        }
    }

    @Test
    void twoRunsOfOneProductDoNotInterleave() {
        try (Stack stack = connected(SimWorlds.demo(), "jira")) {
            DynamoProductStore store = store(stack);
            AtomicInteger secondOutcome = new AtomicInteger(-1);
            ProductSync first = sync(stack, store, afterFirstMemberPage(() ->
                    secondOutcome.set(sync(stack, store).run(TENANT, IntegrationType.JIRA, Budget.unlimited()).outcome().ordinal())));
            completed(first.run(TENANT, IntegrationType.JIRA, Budget.unlimited()));
            assertEquals(SyncOutcome.BUSY.ordinal(), secondOutcome.get(), "the second run found the lease taken");
            assertJiraMatchesSimulator(stack, store);
        }
    }

    @Test
    void aRunOutOfTimeStoresWhatItReadAndTheContinuationCompletesItFromTheNextPage() {
        try (Stack stack = connected(SimWorlds.demo(), "trello")) {
            DynamoProductStore store = store(stack);
            AtomicInteger checks = new AtomicInteger();
            SyncResult cut = sync(stack, store).run(TENANT, IntegrationType.TRELLO, () -> checks.incrementAndGet() >= 1);
            assertEquals(SyncOutcome.CONTINUE, cut.outcome());
            assertEquals(100, store.trelloMembers(TENANT).size(), "the first page was stored");
            var checkpoint = new DynamoSyncStateStore(stack.aws.dynamo, stack.aws.table)
                    .checkpoint(TENANT, IntegrationType.TRELLO).orElseThrow();
            assertEquals(1, checkpoint.page(), "saved at the next page");
            assertEquals(100L, checkpoint.tallies().get("members"));

            var before = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            SyncRunRecord run = completed(sync(stack, store).run(TENANT, IntegrationType.TRELLO, Budget.unlimited()));
            assertEquals(2, run.invocations());
            assertEquals(checkpoint.runId(), run.runId(), "one run across both invocations");
            var after = stack.aws.dumpPartition("TENANT#" + TENANT + "#LICENSES");
            List<String> firstPage = before.keySet().stream().filter(sk -> sk.startsWith("PRODUCTSYNC#trello#MEMBER#")).toList();
            assertEquals(100, firstPage.size());
            // Each item carries its syncedAt (the system clock): a member written again would differ.
            assertTrue(firstPage.stream().allMatch(sk -> before.get(sk).equals(after.get(sk))),
                    "the continuation did not write the first page again");
            assertTrue(run.usersWritten() >= 100);
            assertTrelloMatchesSimulator(stack, store);
        }
    }

    @Test
    void theHandlerAsksForAContinuationAndTheContinuationsCompleteTheRun() {
        try (Stack stack = connected(SimWorlds.demo(), "jira")) {
            DynamoProductStore store = store(stack);
            List<SyncRequest> requested = new java.util.ArrayList<>();
            ProductSyncHandler handler = new ProductSyncHandler(SyncRuns.ofProducts(sync(stack, store), requested::addAll), CLOCK);
            Map<String, Object> event = Map.of("detail-type", "IntegrationSyncRequested",
                    "detail", Map.of("tenantId", TENANT, "integration", "jira", "reason", "schedule"));
            List<String> outcomes = new java.util.ArrayList<>();
            // Less time left than the handler's safety margin: every invocation does one page, then asks to continue.
            do {
                requested.clear();
                outcomes.add((String) handler.handleRequest(event, DeadlineContext.endingIn(Duration.ofSeconds(50))).get("outcome"));
                assertTrue(outcomes.size() < 50, "the continuations end");
            } while (outcomes.get(outcomes.size() - 1).equals("continue") && requested.size() == 1
                    && requested.get(0).reason().equals("continuation") && requested.get(0).type() == IntegrationType.JIRA);
            assertEquals("completed", outcomes.get(outcomes.size() - 1), outcomes.toString());
            assertTrue(outcomes.size() >= 2, "the roles, then the groups: " + outcomes);
            assertTrue(requested.isEmpty(), "no continuation after the run completed");
            assertJiraMatchesSimulator(stack, store);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleSampleEventsRunTheProductSyncsAndOtherEventsAreIgnored() {
        try (Stack stack = connected(SimWorlds.demo(), "jira", "confluence", "trello", "bitbucket")) {
            ProductSyncHandler handler = new ProductSyncHandler(Services.of(stack.env, CLOCK));
            for (String product : List.of("jira", "confluence", "trello", "bitbucket")) {
                Map<String, Object> event = com.amazonaws.services.lambda.runtime.tests.EventLoader
                        .loadEvent("events/sync-requested-" + product + ".json", Map.class);
                assertEquals(product, ((Map<String, Object>) event.get("detail")).get("integration"));
                ((Map<String, Object>) event.get("detail")).put("tenantId", TENANT);
                Map<String, Object> answer = handler.handleRequest(event, null);
                assertEquals("completed", answer.get("outcome"), answer.toString());
                assertEquals(product, answer.get("integration"));
            }
            Map<String, Object> orgEvent = com.amazonaws.services.lambda.runtime.tests.EventLoader
                    .loadEvent("events/sync-requested-atlassian.json", Map.class);
            assertEquals("ignored", handler.handleRequest(orgEvent, null).get("outcome"), "the org sync has its own worker");
            assertEquals("ignored", handler.handleRequest(Map.of("detail-type", "Something Else"), null).get("outcome"));
        }
    }
}
