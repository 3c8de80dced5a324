package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.ForwardingSyncState;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.InMemorySyncState;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.domain.sync.SyncCheckpoint;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Product syncs resume from a checkpoint: a run out of time continues at its next page in the next invocation, a crash
 * between a page's writes and its checkpoint re-does that page only, and removals are decided only at the end of the
 * listing, across continuations. Trello (members) and Jira (roles, then groups), two items a page, stores in memory.
 */
class ProductSyncCheckpointTest {
    private static final String TENANT = "t";
    private static final Budget OUT_OF_TIME = () -> true;

    /** Thrown where the process dies: no handler code runs after it (an Error, so no catch of the sync sees it). */
    private static final class Crash extends Error {}

    /** A SyncStateStore that crashes the process instead of saving the {@code crashOnSave}-th checkpoint (1-based). */
    private static final class CrashingState extends ForwardingSyncState {
        int crashOnSave;
        int saves;

        CrashingState(InMemorySyncState state) {
            super(state);
        }

        @Override
        public boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil) {
            if (++saves == crashOnSave) {
                throw new Crash();
            }
            return super.save(tenantId, type, owner, checkpoint, leaseUntil);
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemorySyncState memory = new InMemorySyncState(clock);
    private final CrashingState state = new CrashingState(memory);
    private final InMemoryProductStore store = new InMemoryProductStore(memory);
    private final InMemoryIntegrations integrations = new InMemoryIntegrations();
    private final ProductFakes apis = new ProductFakes();
    private final ProductFakes.Enterprise enterprise = apis.trello;
    private final ProductFakes.Site jira = apis.jira;
    private final CredentialVault vault = ProductFakes.vault();
    private final ProductSync sync = new ProductSync(apis, store, state, integrations, vault, () -> apis.calls, clock,
            SyncStateStore.LEASE);

    ProductSyncCheckpointTest() {
        for (int i = 0; i < 7; i++) {
            enterprise.add(i, "m" + i, i % 2 == 0);
        }
        jira.roles.add(ProductFakes.role("jira-software", 3));
        jira.roles.add(ProductFakes.role("jira-servicedesk", 0));
        for (String group : List.of("g1", "g2", "g3")) {
            jira.groups.put(group, Map.of("member-of-" + group, true));
        }
        for (IntegrationType type : List.of(IntegrationType.TRELLO, IntegrationType.JIRA)) {
            integrations.records.put(type, new Integration(TENANT, type, IntegrationStatus.CONNECTED,
                    Map.of("enterpriseId", "ent", "site", "acme.atlassian.net"), "secret", null, clock.instant(), "admin",
                    null, null, false, 1));
        }
    }

    private SyncResult run(IntegrationType type, Budget budget) {
        return sync.run(TENANT, type, budget);
    }

    /** Runs invocation after invocation, as continuation events would, until the run ends; answers every result. */
    private List<SyncResult> runToEnd(IntegrationType type, Budget budget) {
        List<SyncResult> results = new ArrayList<>();
        do {
            results.add(run(type, budget));
            assertTrue(results.size() < 100, "a run must end");
        } while (results.get(results.size() - 1).outcome() == SyncOutcome.CONTINUE);
        return results;
    }

    /** The summary hash a single uninterrupted run stores for the same product and data, on a fresh store. */
    private String summaryOfOneUninterruptedRun(IntegrationType type) {
        InMemorySyncState freshState = new InMemorySyncState(clock);
        InMemoryProductStore fresh = new InMemoryProductStore(freshState);
        new ProductSync(apis, fresh, freshState, integrations, vault, () -> 0, clock, SyncStateStore.LEASE)
                .run(TENANT, type, Budget.unlimited());
        return fresh.summaries.get(type);
    }

    @Test
    void aRunOutOfTimeContinuesAtItsNextPageAndTheInvocationsCompleteAsOneRun() {
        SyncResult first = run(IntegrationType.TRELLO, OUT_OF_TIME);

        assertEquals(SyncOutcome.CONTINUE, first.outcome());
        assertNull(first.failure(), "running out of time is not a failure");
        assertTrue(memory.runs.isEmpty(), "the run is not over, so not recorded");
        SyncCheckpoint saved = memory.checkpoint(TENANT, IntegrationType.TRELLO).orElseThrow();
        assertEquals("2", saved.cursor());
        assertEquals(1, saved.page());
        assertTrue(memory.lease(TENANT, IntegrationType.TRELLO).orElseThrow().owner() == null, "lease given back");
        assertEquals(IntegrationStatus.SYNCING, integrations.get(IntegrationType.TRELLO).status(), "still syncing");

        List<SyncResult> rest = runToEnd(IntegrationType.TRELLO, OUT_OF_TIME);

        assertEquals(List.of(SyncOutcome.CONTINUE, SyncOutcome.CONTINUE, SyncOutcome.COMPLETED),
                rest.stream().map(SyncResult::outcome).toList());
        assertEquals(java.util.Arrays.asList(null, "2", "4", "6"), enterprise.cursors, "every page read once, in order");
        SyncRunRecord record = rest.get(2).run();
        assertEquals(saved.runId(), record.runId(), "one run across the invocations");
        assertEquals(4, record.invocations());
        assertEquals(4, record.apiCalls(), "the calls of every invocation of the run");
        assertEquals(7, record.users());
        assertEquals(7, record.usersWritten());
        assertEquals(List.of(record), memory.runs);
        assertTrue(memory.checkpoint(TENANT, IntegrationType.TRELLO).isEmpty(), "the completed run leaves no checkpoint");
        assertEquals(IntegrationStatus.CONNECTED, integrations.get(IntegrationType.TRELLO).status());
        assertEquals(clock.instant(), integrations.get(IntegrationType.TRELLO).lastSuccessfulSyncAt());
        assertEquals(summaryOfOneUninterruptedRun(IntegrationType.TRELLO), store.summaries.get(IntegrationType.TRELLO),
                "the tallies carried across invocations give the summary one run gives");
    }

    @Test
    void aCrashBetweenAPagesWritesAndItsCheckpointRedoesThatPageOnly() {
        state.crashOnSave = 2; // page 0 saved; page 1 written (items and digest), then the process dies
        assertThrows(Crash.class, () -> run(IntegrationType.TRELLO, Budget.unlimited()));
        assertEquals(4, store.itemWrites, "pages 0 and 1 were written");
        assertEquals(SyncOutcome.BUSY, run(IntegrationType.TRELLO, Budget.unlimited()).outcome(),
                "the dead invocation's lease holds until it expires");

        clock.advance(SyncStateStore.LEASE.plusSeconds(1));
        SyncResult resumed = run(IntegrationType.TRELLO, Budget.unlimited());

        assertEquals(SyncOutcome.COMPLETED, resumed.outcome());
        assertEquals(java.util.Arrays.asList(null, "2", "2", "4", "6"), enterprise.cursors,
                "page 1 (cursor 2) read again, page 0 not");
        assertEquals(7, store.itemWrites, "no member written twice: the redone page was found unchanged");
        assertEquals(7, resumed.run().users(), "the redone page is counted once");
        assertEquals(5, resumed.run().usersWritten(), "page 0's two and pages 2 and 3's three: the redone page wrote none");
        assertEquals(2, resumed.run().invocations());
        assertEquals(summaryOfOneUninterruptedRun(IntegrationType.TRELLO), store.summaries.get(IntegrationType.TRELLO));
        assertTrue(store.removed(ProductListing.TRELLO_MEMBERS).isEmpty());
    }

    @Test
    void removalsAreDecidedOnlyAtTheEndOfTheListingAcrossContinuations() {
        assertEquals(SyncOutcome.COMPLETED, run(IntegrationType.TRELLO, Budget.unlimited()).outcome());
        // m3 leaves (page 1); a new member arrives first, so every later member moves one place (and some a page).
        enterprise.members.removeIf(m -> m.id().equals("m3"));
        enterprise.add(0, "new", true);

        SyncResult first = run(IntegrationType.TRELLO, OUT_OF_TIME);
        assertEquals(SyncOutcome.CONTINUE, first.outcome());
        assertEquals(SyncOutcome.CONTINUE, run(IntegrationType.TRELLO, OUT_OF_TIME).outcome());
        assertTrue(store.removed(ProductListing.TRELLO_MEMBERS).isEmpty(), "nothing removed before the listing ends");
        List<SyncResult> rest = runToEnd(IntegrationType.TRELLO, OUT_OF_TIME);

        SyncResult last = rest.get(rest.size() - 1);
        assertEquals(SyncOutcome.COMPLETED, last.outcome());
        assertEquals(Set.of("m3"), store.removed(ProductListing.TRELLO_MEMBERS), "only who left; those who moved pages stay");
        assertEquals(1, last.run().removed());
        assertEquals(7, last.run().users());
        assertTrue(store.hashes.get(ProductListing.TRELLO_MEMBERS).containsKey("new"));
    }

    @Test
    void aListingThatShrankByAPageDropsTheDigestPastItsEndAndRemovesItsMembers() {
        enterprise.add(7, "m7", false); // 8 members: 4 pages
        assertEquals(SyncOutcome.COMPLETED, run(IntegrationType.TRELLO, Budget.unlimited()).outcome());
        enterprise.members.removeIf(m -> m.id().equals("m6") || m.id().equals("m7"));

        List<SyncResult> results = runToEnd(IntegrationType.TRELLO, OUT_OF_TIME);

        assertEquals(3, results.size(), "three pages, one an invocation");
        assertEquals(Set.of("m6", "m7"), store.removed(ProductListing.TRELLO_MEMBERS));
        assertEquals(Set.of(0, 1, 2), store.digests.get(ProductListing.TRELLO_MEMBERS).keySet());
    }

    @Test
    void jiraRoleCountsSurviveTheContinuationIntoItsGroups() {
        List<SyncResult> results = runToEnd(IntegrationType.JIRA, OUT_OF_TIME);

        // Roles, then groups page 0 (g1, g2), then page 1 (g3), which ends the listing.
        assertEquals(3, results.size());
        assertEquals(1, jira.roleCalls, "the roles are not read again by the continuations");
        SyncRunRecord record = results.get(2).run();
        assertEquals(5, record.groups(), "two roles and three groups");
        assertEquals(3, record.users(), "memberships");
        assertEquals(summaryOfOneUninterruptedRun(IntegrationType.JIRA), store.summaries.get(IntegrationType.JIRA),
                "role seat counts read in the first invocation are in the summary the last one writes");
    }

    @Test
    void aRunThatNeedsTooManyInvocationsEndsInErrorRemovesNothingAndTheNextStartsAfresh() {
        assertEquals(SyncOutcome.COMPLETED, run(IntegrationType.TRELLO, Budget.unlimited()).outcome());
        enterprise.members.clear();
        for (int i = 0; i < 2 * ProductSync.MAX_INVOCATIONS + 2; i++) {
            enterprise.add(i, "x" + i, false);
        }

        List<SyncResult> results = runToEnd(IntegrationType.TRELLO, OUT_OF_TIME);

        assertEquals(ProductSync.MAX_INVOCATIONS, results.size());
        SyncResult last = results.get(results.size() - 1);
        assertEquals(SyncOutcome.FAILED, last.outcome());
        assertEquals(UpstreamFailure.Kind.OUT_OF_TIME, last.failure());
        SyncRunRecord record = memory.runs.get(memory.runs.size() - 1);
        assertEquals("timed-out", record.outcome());
        assertEquals(ProductSync.MAX_INVOCATIONS, record.invocations());
        assertTrue(integrations.get(IntegrationType.TRELLO).lastError().contains(ProductSync.MAX_INVOCATIONS + " invocations"),
                integrations.get(IntegrationType.TRELLO).lastError());
        assertTrue(store.removed(ProductListing.TRELLO_MEMBERS).isEmpty(), "an unfinished listing removes nothing");
        assertTrue(memory.checkpoint(TENANT, IntegrationType.TRELLO).isEmpty(), "the next run starts from the beginning");

        enterprise.cursors.clear();
        SyncResult next = run(IntegrationType.TRELLO, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, next.outcome());
        assertNull(enterprise.cursors.get(0));
        assertNotEquals(record.runId(), next.run().runId());
        assertEquals(Set.of("m0", "m1", "m2", "m3", "m4", "m5", "m6"), store.removed(ProductListing.TRELLO_MEMBERS));
    }

    @Test
    void aFailureAfterAContinuationRecordsTheWholeRunAndTheNextRunStartsAfresh() {
        assertEquals(SyncOutcome.CONTINUE, run(IntegrationType.TRELLO, OUT_OF_TIME).outcome());
        apis.failure = new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Trello answered HTTP 503", null);

        SyncResult failed = run(IntegrationType.TRELLO, Budget.unlimited());

        assertEquals(SyncOutcome.FAILED, failed.outcome());
        SyncRunRecord record = memory.runs.get(0);
        assertEquals("failed", record.outcome());
        assertEquals(2, record.users(), "what the run read before it failed");
        assertEquals(2, record.invocations());
        assertTrue(memory.checkpoint(TENANT, IntegrationType.TRELLO).isEmpty());
        apis.failure = null;
        enterprise.cursors.clear();
        assertEquals(SyncOutcome.COMPLETED, run(IntegrationType.TRELLO, Budget.unlimited()).outcome());
        assertNull(enterprise.cursors.get(0), "from the first page");
    }

    @Test
    void aCallRefusedForLackOfTimeContinuesAtTheLastPageBoundary() {
        assertEquals(SyncOutcome.CONTINUE, run(IntegrationType.TRELLO, OUT_OF_TIME).outcome());
        apis.failure = new UpstreamFailure(UpstreamFailure.Kind.OUT_OF_TIME, 0, "no time left for another call", null);

        SyncResult cut = run(IntegrationType.TRELLO, Budget.unlimited());

        assertEquals(SyncOutcome.CONTINUE, cut.outcome());
        assertTrue(memory.runs.isEmpty());
        assertEquals("2", memory.checkpoint(TENANT, IntegrationType.TRELLO).orElseThrow().cursor());
        apis.failure = null;
        assertEquals(SyncOutcome.COMPLETED, run(IntegrationType.TRELLO, Budget.unlimited()).outcome());
        assertEquals(3, memory.runs.get(0).invocations());
    }
    @Test
    void aCheckpointThatIsNotOneOfThisProductsListingsIsIgnoredAndTheRunStartsAtTheBeginning() {
        for (SyncCheckpoint.Phase wrong : List.of(SyncCheckpoint.Phase.GROUPS, SyncCheckpoint.Phase.PRODUCTS)) {
            memory.acquire(TENANT, IntegrationType.TRELLO, "old", clock.instant().plusSeconds(1), clock.instant());
            memory.save(TENANT, IntegrationType.TRELLO, "old", SyncCheckpoint.start("old-run", clock.instant())
                    .next(wrong, "4", 2), clock.instant().plusSeconds(1));
            memory.release(TENANT, IntegrationType.TRELLO, "old");
            enterprise.cursors.clear();

            SyncResult result = run(IntegrationType.TRELLO, Budget.unlimited());

            assertEquals(SyncOutcome.COMPLETED, result.outcome());
            assertEquals(java.util.Arrays.asList(null, "2", "4", "6"), enterprise.cursors, wrong + ": from the first page");
            assertNotEquals("old-run", result.run().runId());
        }
        // Jira's own phases are resumed: roles done, the groups listing at its second page.
        memory.acquire(TENANT, IntegrationType.JIRA, "old", clock.instant().plusSeconds(1), clock.instant());
        memory.save(TENANT, IntegrationType.JIRA, "old", SyncCheckpoint.start("jira-run", clock.instant())
                .next(SyncCheckpoint.Phase.GROUPS, "2", 1), clock.instant().plusSeconds(1));
        memory.release(TENANT, IntegrationType.JIRA, "old");
        SyncResult jiraRun = run(IntegrationType.JIRA, Budget.unlimited());
        assertEquals("jira-run", jiraRun.run().runId());
        assertEquals(0, jira.roleCalls, "the roles were done by the earlier invocation");
        assertEquals(1, jiraRun.run().groups(), "only g3, on the second page");
    }

    @Test
    void anInternalErrorKeepsThePlaceFreesTheLeaseShowsAnErrorAndIsRaised() {
        assertEquals(SyncOutcome.CONTINUE, run(IntegrationType.TRELLO, OUT_OF_TIME).outcome());
        ProductStore broken = (ProductStore) java.lang.reflect.Proxy.newProxyInstance(ProductStore.class.getClassLoader(),
                new Class<?>[] {ProductStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putTrelloMembers")) {
                        throw new IllegalStateException("a bug");
                    }
                    Object answer = method.invoke(store, args);
                    return method.getName().equals("fencedBy") ? proxy : answer;
                });
        ProductSync buggy = new ProductSync(apis, broken, state, integrations, vault, () -> apis.calls, clock, SyncStateStore.LEASE);

        assertThrows(IllegalStateException.class, () -> buggy.run(TENANT, IntegrationType.TRELLO, Budget.unlimited()));

        Integration trello = integrations.get(IntegrationType.TRELLO);
        assertEquals(IntegrationStatus.ERROR, trello.status());
        assertTrue(trello.lastError().contains("internal error"), trello.lastError());
        assertEquals("2", memory.checkpoint(TENANT, IntegrationType.TRELLO).orElseThrow().cursor(), "the place is kept");
        assertTrue(memory.lease(TENANT, IntegrationType.TRELLO).orElseThrow().owner() == null, "the retry is not BUSY");
        assertTrue(memory.runs.isEmpty());
        SyncResult retried = run(IntegrationType.TRELLO, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, retried.outcome());
        assertEquals(7, retried.run().users());
        assertEquals(3, retried.run().invocations());
    }

    @Test
    void aListingWhoseCursorsCycleIsStoppedWithinTheInvocation() {
        TrelloEnterpriseApi cycling = cursor -> {
            enterprise.cursors.add(cursor);
            String next = cursor == null ? "2" : cursor.equals("2") ? "4" : "2";
            return new com.saasspend.integration.domain.Page<>(List.of(enterprise.members.get(cursor == null ? 0 : Integer.parseInt(cursor))), next);
        };
        ProductApis cyclingApis = new ProductApis() {
            @Override public JiraApi jira(com.saasspend.integration.domain.Credential c) { return jira; }
            @Override public SiteGroupsApi confluence(com.saasspend.integration.domain.Credential c) { throw new UnsupportedOperationException(); }
            @Override public TrelloEnterpriseApi trello(com.saasspend.integration.domain.Credential c) { return cycling; }
            @Override public BitbucketWorkspaceApi bitbucket(com.saasspend.integration.domain.Credential c) { throw new UnsupportedOperationException(); }
        };

        SyncResult result = new ProductSync(cyclingApis, store, state, integrations, vault, () -> 0, clock,
                SyncStateStore.LEASE).run(TENANT, IntegrationType.TRELLO, Budget.unlimited());

        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertEquals(UpstreamFailure.Kind.BROKEN_PAGING, result.failure());
        assertEquals(java.util.Arrays.asList(null, "2", "4"), enterprise.cursors, "the answer pointing back at 2 is caught");
        assertTrue(store.removed(ProductListing.TRELLO_MEMBERS).isEmpty());
    }
}
