package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.InMemorySyncState;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What each product's sync stores and shows: Jira roles and groups, Confluence groups, Trello members, Bitbucket
 * members with their permission; the summary's counts; each product's failure texts; the lease kept alive in long
 * pages. Two items a page, stores in memory.
 */
class ProductSyncListingsTest {
    private static final String TENANT = "t";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemorySyncState state = new InMemorySyncState(clock);
    private final InMemoryProductStore store = new InMemoryProductStore(state);
    private final InMemoryIntegrations integrations = new InMemoryIntegrations();
    private final ProductFakes apis = new ProductFakes();
    private final ProductSync sync = new ProductSync(apis, store, state, integrations, ProductFakes.vault(), () -> 0, clock,
            SyncStateStore.LEASE);

    ProductSyncListingsTest() {
        connect(IntegrationType.JIRA, Map.of("site", "acme.atlassian.net", "linkedToOrg", "true"));
        connect(IntegrationType.CONFLUENCE, Map.of("site", "acme.atlassian.net", "name", "Acme wiki"));
        connect(IntegrationType.TRELLO, Map.of("enterpriseId", "ent-1", "name", "Acme Boards"));
        connect(IntegrationType.BITBUCKET, Map.of("workspace", "acme-labs", "linkedToOrg", "false"));
    }

    private void connect(IntegrationType type, Map<String, String> settings) {
        integrations.records.put(type, new Integration(TENANT, type, IntegrationStatus.CONNECTED, settings, "secret", null,
                clock.instant(), "admin", null, null, false, 1));
    }

    private SyncRunRecord completed(IntegrationType type) {
        SyncResult result = sync.run(TENANT, type, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        return result.run();
    }

    private static Map<String, Boolean> members(Object... idThenActive) {
        Map<String, Boolean> members = new LinkedHashMap<>();
        for (int i = 0; i < idThenActive.length; i += 2) {
            members.put((String) idThenActive[i], (Boolean) idThenActive[i + 1]);
        }
        return members;
    }

    @Test
    void jiraStoresRolesAndGroupsWithInactiveMembersAndCountsSeatsPerRole() {
        apis.jira.roles.add(ProductFakes.role("jira-software", 3));
        apis.jira.roles.add(ProductFakes.role("jira-servicedesk", 1));
        apis.jira.groups.put("devs", members("a", true, "b", false, "c", null));
        apis.jira.groups.put("ops", members("c", true));
        apis.jira.groups.put("empty", members());

        SyncRunRecord run = completed(IntegrationType.JIRA);

        assertEquals(5, run.groups(), "two roles and three groups");
        assertEquals(5, run.groupsWritten());
        assertEquals(4, run.users(), "memberships");
        assertEquals(new ProductGroup("devs", "name devs", List.of("a", "b", "c"), List.of("b")),
                store.contents.get(ProductListing.JIRA_GROUPS).get("devs"), "only a member Jira says is inactive is inactive");
        assertEquals(ProductFakes.role("jira-software", 3), store.contents.get(ProductListing.JIRA_ROLES).get("jira-software"));
        ProductSummary summary = store.summaryContents.get(IntegrationType.JIRA);
        assertEquals(new ProductSummary("acme.atlassian.net", "acme.atlassian.net", true, Map.of("roles", 2L,
                "userCount:jira-software", 3L, "userCount:jira-servicedesk", 1L, "groups", 3L, "memberships", 4L)), summary);
    }

    @Test
    void aJiraRoleThatIsGoneIsMarkedRemovedAndAChangedOneRewritten() {
        apis.jira.roles.add(ProductFakes.role("jira-software", 3));
        apis.jira.roles.add(ProductFakes.role("jira-servicedesk", 1));
        completed(IntegrationType.JIRA);
        apis.jira.roles.clear();
        apis.jira.roles.add(ProductFakes.role("jira-software", 4));

        SyncRunRecord run = completed(IntegrationType.JIRA);

        assertEquals(Set.of("jira-servicedesk"), store.removed(ProductListing.JIRA_ROLES));
        assertEquals(1, run.removed());
        assertEquals(1, run.groupsWritten());
        assertEquals(4L, store.summaryContents.get(IntegrationType.JIRA).counts().get("userCount:jira-software"));
        assertFalse(store.summaryContents.get(IntegrationType.JIRA).counts().containsKey("userCount:jira-servicedesk"));
    }

    @Test
    void aGroupsMembersAreReadPageByPageAndAGroupThatLostMembersIsRewritten() {
        apis.confluence.groups.put("big", members("a", true, "b", true, "c", true, "d", true, "e", true));
        completed(IntegrationType.CONFLUENCE);
        assertEquals(List.of("a", "b", "c", "d", "e"),
                ((ProductGroup) store.contents.get(ProductListing.CONFLUENCE_GROUPS).get("big")).memberIds(), "all three pages");
        apis.confluence.groups.get("big").remove("c");

        SyncRunRecord run = completed(IntegrationType.CONFLUENCE);

        assertEquals(1, run.groupsWritten());
        assertEquals(List.of("a", "b", "d", "e"), ((ProductGroup) store.contents.get(ProductListing.CONFLUENCE_GROUPS).get("big")).memberIds());
        assertEquals(new ProductSummary("acme.atlassian.net", "Acme wiki", false, Map.of("groups", 1L, "memberships", 4L)),
                store.summaryContents.get(IntegrationType.CONFLUENCE));
    }

    @Test
    void anEmptySiteStillShowsItsCountsAsZero() {
        completed(IntegrationType.CONFLUENCE);
        assertEquals(Map.of("groups", 0L, "memberships", 0L), store.summaryContents.get(IntegrationType.CONFLUENCE).counts());
        completed(IntegrationType.JIRA);
        assertEquals(Map.of("roles", 0L, "groups", 0L, "memberships", 0L), store.summaryContents.get(IntegrationType.JIRA).counts());
        completed(IntegrationType.TRELLO);
        assertEquals(Map.of("members", 0L, "licensed", 0L, "deactivated", 0L, "collaborators", 0L, "managed", 0L, "admins", 0L),
                store.summaryContents.get(IntegrationType.TRELLO).counts());
    }

    @Test
    void trelloCountsEachKindOfMember() {
        apis.trello.members.add(new TrelloMember("m1", "One", "one", null, true, false, false, true, true, null));
        apis.trello.members.add(new TrelloMember("m2", "Two", "two", null, false, true, false, false, false, null));
        apis.trello.members.add(new TrelloMember("m3", "Three", "three", null, false, false, true, false, false, null));
        apis.trello.members.add(new TrelloMember("m4", "Four", "four", null, true, false, false, true, false, clock.instant()));
        apis.trello.members.add(new TrelloMember("m5", "Five", "five", null, true, true, false, true, false, null));

        SyncRunRecord run = completed(IntegrationType.TRELLO);

        assertEquals(5, run.users());
        assertEquals(5, run.usersWritten());
        assertEquals(new ProductSummary("ent-1", "Acme Boards", false, Map.of("members", 5L, "licensed", 3L, "deactivated", 2L,
                "collaborators", 1L, "managed", 3L, "admins", 1L)), store.summaryContents.get(IntegrationType.TRELLO));
        assertEquals(apis.trello.members.get(3), store.contents.get(ProductListing.TRELLO_MEMBERS).get("m4"));
    }

    @Test
    void bitbucketMembersCarryTheirPermissionAndOwnersAndCollaboratorsAreCounted() {
        for (String id : List.of("o1", "o2", "o3", "c1", "p1")) {
            apis.bitbucket.members.add(new BitbucketMember("{" + id + "}", "acc-" + id, "Name " + id, id, null));
        }
        apis.bitbucket.uuidsByPermission.put("owner", List.of("{o1}", "{o2}", "{o3}"));
        apis.bitbucket.uuidsByPermission.put("collaborator", List.of("{c1}"));

        SyncRunRecord run = completed(IntegrationType.BITBUCKET);

        assertEquals(5, run.users());
        Map<String, Object> stored = store.contents.get(ProductListing.BITBUCKET_MEMBERS);
        assertEquals("owner", ((BitbucketMember) stored.get("{o3}")).permission(), "owners on the second permission page too");
        assertEquals("collaborator", ((BitbucketMember) stored.get("{c1}")).permission());
        assertEquals("member", ((BitbucketMember) stored.get("{p1}")).permission());
        assertEquals(new ProductSummary("acme-labs", "acme-labs", false, Map.of("members", 5L, "owners", 3L, "collaborators", 1L)),
                store.summaryContents.get(IntegrationType.BITBUCKET));
        assertEquals(List.of("owner@null", "owner@2", "collaborator@null"), apis.bitbucket.permissionCalls);

        apis.bitbucket.uuidsByPermission.put("owner", List.of("{o1}"));
        SyncRunRecord again = completed(IntegrationType.BITBUCKET);
        assertEquals(2, again.usersWritten(), "two owners became plain members");
        assertEquals("member", ((BitbucketMember) store.contents.get(ProductListing.BITBUCKET_MEMBERS).get("{o2}")).permission());

        apis.bitbucket.members.remove(1);
        SyncRunRecord left = completed(IntegrationType.BITBUCKET);
        assertEquals(Set.of("{o2}"), store.removed(ProductListing.BITBUCKET_MEMBERS), "a member who left the workspace");
        assertEquals(1, left.removed());
    }

    @Test
    void eachProductsFailureSaysWhatItNeedsInItsOwnWords() {
        Map<IntegrationType, List<String>> forbidden = Map.of(
                IntegrationType.JIRA, List.of("Jira refused to list application roles, groups or group members", "Jira administration"),
                IntegrationType.CONFLUENCE, List.of("Confluence refused to list groups or group members", "Confluence administration"),
                IntegrationType.TRELLO, List.of("Trello refused to list the enterprise's members", "enterprise admin rights"),
                IntegrationType.BITBUCKET, List.of("Bitbucket refused to list the workspace's members", "membership of the workspace"));
        Map<IntegrationType, String> notFound = Map.of(IntegrationType.JIRA, "no longer knows the site",
                IntegrationType.CONFLUENCE, "no longer knows the site", IntegrationType.TRELLO, "no longer knows the enterprise",
                IntegrationType.BITBUCKET, "no longer knows the workspace");
        for (IntegrationType type : forbidden.keySet()) {
            apis.failure = new UpstreamFailure(UpstreamFailure.Kind.FORBIDDEN, 403, "no", null);
            SyncResult refused = sync.run(TENANT, type, Budget.unlimited());
            assertEquals(UpstreamFailure.Kind.FORBIDDEN, refused.failure());
            String error = integrations.get(type).lastError();
            forbidden.get(type).forEach(part -> assertTrue(error.contains(part), error));
            assertFalse(integrations.get(type).syncPaused());

            apis.failure = new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "no", null);
            sync.run(TENANT, type, Budget.unlimited());
            assertTrue(integrations.get(type).lastError().contains(notFound.get(type)), integrations.get(type).lastError());
            assertTrue(integrations.get(type).lastError().startsWith(ProductSync.label(type) + " "), integrations.get(type).lastError());

            apis.failure = new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMITED, 429, "slow down", null);
            sync.run(TENANT, type, Budget.unlimited());
            assertTrue(integrations.get(type).lastError().contains("kept rate limiting"), integrations.get(type).lastError());
        }
        apis.failure = new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "no", null);
        sync.run(TENANT, IntegrationType.TRELLO, Budget.unlimited());
        assertTrue(integrations.get(IntegrationType.TRELLO).lastError().contains("no longer an enterprise admin"),
                integrations.get(IntegrationType.TRELLO).lastError());
        sync.run(TENANT, IntegrationType.BITBUCKET, Budget.unlimited());
        assertTrue(integrations.get(IntegrationType.BITBUCKET).lastError().contains("rejected the API token (revoked or expired)"),
                integrations.get(IntegrationType.BITBUCKET).lastError());
        assertTrue(integrations.get(IntegrationType.BITBUCKET).syncPaused());
        assertEquals(14, state.runs.stream().filter(r -> r.outcome().equals("failed")).count(), "every failed run recorded");
        assertTrue(store.contents.isEmpty(), "nothing written");
    }

    @Test
    void aLongPageKeepsTheLeaseAliveAndAFirstPageIsFinishedWhateverTheBudget() {
        apis.confluence.groups.put("g1", members("a", true, "b", true, "c", true));
        apis.confluence.groups.put("g2", members("d", true));
        apis.confluence.groups.put("g3", members("e", true));
        // Each page of members takes two minutes: more than the renewal interval.
        apis.confluence.onMembers = () -> clock.advance(Duration.ofMinutes(2));

        SyncResult first = sync.run(TENANT, IntegrationType.CONFLUENCE, () -> true);

        assertEquals(SyncOutcome.CONTINUE, first.outcome(), "the first page (g1, g2) was finished, then it stopped");
        assertTrue(state.renewals >= 2, "renewed inside the page: " + state.renewals);
        assertEquals(Set.of("g1", "g2"), store.contents.get(ProductListing.CONFLUENCE_GROUPS).keySet());
        SyncRunRecord run = completed(IntegrationType.CONFLUENCE);
        assertEquals(5, run.users());
        assertEquals(3, run.groups());
        assertEquals(2, run.invocations());
    }

    @Test
    void aPageCutInsideALaterGroupIsDoneAgainByTheContinuation() {
        apis.confluence.groups.put("g1", members("a", true));
        apis.confluence.groups.put("g2", members("b", true));
        apis.confluence.groups.put("g3", members("c", true, "d", true, "e", true));
        int[] memberPages = {0};
        apis.confluence.onMembers = () -> memberPages[0]++;
        // Time runs out inside page 1 (g3's members), after page 0 was saved.
        SyncResult cut = sync.run(TENANT, IntegrationType.CONFLUENCE, () -> memberPages[0] >= 3);

        assertEquals(SyncOutcome.CONTINUE, cut.outcome());
        assertEquals(1, state.checkpoint(TENANT, IntegrationType.CONFLUENCE).orElseThrow().page());
        assertFalse(store.contents.get(ProductListing.CONFLUENCE_GROUPS).containsKey("g3"), "the cut group is not written");
        SyncRunRecord run = completed(IntegrationType.CONFLUENCE);
        assertEquals(5, run.users());
        assertEquals(List.of("c", "d", "e"), ((ProductGroup) store.contents.get(ProductListing.CONFLUENCE_GROUPS).get("g3")).memberIds());
    }
}
