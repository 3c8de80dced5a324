package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationOverview;
import com.saasspend.integration.domain.IntegrationService;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.LicenseDataEraser;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The org sync's run rules with Atlassian and every store in memory: broken listings, running out of time, the
 * continuation cap, the lease (renewed, revoked by a disconnect, left by a crash) and seat counts under reclaims.
 */
class AtlassianOrgSyncTest extends InMemorySyncStores {
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10).withGroups(3);
    private final CredentialVault vault = SyncTestDoubles.vaultWithKey("key");
    private final TenantSettingsStore settings = SyncTestDoubles.defaultSettings();
    private final AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations, vault, () -> api.calls,
            clock, SyncStateStore.LEASE, settings);
    /** Disconnect as the product does it, with an eraser that does what DynamoLicenseDataEraser does. */
    private final IntegrationService service = new IntegrationService(integrations, vault, requests -> {}, api, null,
            new LicenseDataEraser() {
                @Override
                public void eraseSyncedData(String tenantId) {
                    for (IntegrationType type : IntegrationType.values()) {
                        state.revoke(tenantId, type);
                    }
                    store.eraseAll();
                }

                @Override
                public void eraseProductData(String tenantId, IntegrationType product) {
                    state.revoke(tenantId, product);
                }
            }, state, clock);

    AtlassianOrgSyncTest() {
        connect();
    }

    private void connect() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", null, clock.instant(), "admin", null, null, false, 0));
    }

    private SyncResult run(Budget budget) {
        return sync.run(TENANT, budget);
    }

    /** Runs invocation after invocation (as continuation events would) until the run ends; answers the last result. */
    private SyncResult runToEnd(Budget budget) {
        SyncResult result;
        int invocations = 0;
        do {
            result = run(budget);
            invocations++;
        } while (result.outcome() == SyncOutcome.CONTINUE && invocations < 200);
        return result;
    }

    private long assignedJiraSeats() {
        return store.summary().get(FakeOrgApi.JIRA).assigned();
    }

    @Test
    void aCompleteRunStoresTheOrgAndCountsSeats() {
        SyncResult result = run(Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertEquals(api.users.keySet(), store.userIds());
        assertEquals(10, assignedJiraSeats());
        assertEquals(IntegrationStatus.CONNECTED, integrations.get(ORG).status());
        assertTrue(state.isEmpty(), "checkpoint and lease gone");
    }

    @Test
    void onlyGroupsCountingResourcesAreAskedWhatTheyGrantAndACountThatChangesIsFollowed() {
        api.grants.put("g000", List.of());
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(2, api.grantCalls, "g000 counts no resource: no role-assignment call");
        assertEquals(List.of(), store.groups(TENANT, List.of("g000")).get("g000").grants());
        assertEquals(1, store.groups(TENANT, List.of("g001")).get("g001").grants().size());

        // Between two syncs g000 gains a role and g001 loses its own.
        api.grants.put("g000", List.of(new com.saasspend.integration.domain.OrgGroup.Grant(FakeOrgApi.JIRA, "jira-software",
                List.of("atlassian/admin"), false)));
        api.grants.put("g001", List.of());
        api.grantCalls = 0;
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(2, api.grantCalls, "g000 and g002 are read; g001 is not");
        assertEquals(List.of("atlassian/admin"), store.groups(TENANT, List.of("g000")).get("g000").grants().get(0).roles());
        assertEquals(List.of(), store.groups(TENANT, List.of("g001")).get("g001").grants(), "a group counting zero grants nothing");
    }

    @Test
    void aUserGoneWhileARunEndedInErrorIsMarkedRemovedByTheNextCompleteRun() {
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        api.users.remove("u001");
        api.stuckUsersCursor = "4";
        assertEquals(SyncOutcome.FAILED, run(Budget.unlimited()).outcome(), "the run ends on the broken listing, having rewritten pages 0-1");
        assertTrue(store.removedUsers().isEmpty(), "a broken listing removes nobody");

        api.stuckUsersCursor = null;
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(java.util.Set.of("u001"), store.removedUsers(),
                "the page digest the ended run wrote remembers u001 until a complete run settles it");
    }

    @Test
    void groupsWhoseCountIsUnknownAreAllAskedAsBefore() {
        api.countsResources = false;
        api.grants.put("g000", List.of());
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(3, api.grantCalls, "no count: every group's role assignments are read");
        assertEquals(List.of(), store.groups(TENANT, List.of("g000")).get("g000").grants());
    }

    @Test
    void aUsersListingWhoseCursorRepeatsEndsInErrorNamingItWithNoDigestBeyondThePagesListed() {
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        int digestsAfterFirstSync = store.digestWrites();
        api.stuckUsersCursor = "4";
        api.users.remove("u009"); // a change Atlassian made meanwhile: nobody may be marked removed from a broken listing

        SyncResult broken = run(Budget.unlimited());
        assertEquals(SyncOutcome.FAILED, broken.outcome());
        Integration integration = integrations.get(ORG);
        assertEquals(IntegrationStatus.ERROR, integration.status());
        assertTrue(integration.lastError().contains("organization users"), integration.lastError());
        assertFalse(integration.syncPaused(), "the next tick tries again");
        assertTrue(state.lease(TENANT, ORG).isEmpty(), "lease freed and checkpoint discarded");
        assertEquals(5, store.digestCount(Listing.USERS), "the five pages of the first sync; none added");
        assertEquals(digestsAfterFirstSync, store.digestWrites(), "pages 0-1 are unchanged; page 2 is caught before its digest");
        assertTrue(store.removedUsers().isEmpty(), "a broken listing removes nobody");
        assertEquals("failed", state.runs.get(state.runs.size() - 1).outcome());

        SyncResult again = run(Budget.unlimited());
        assertEquals(SyncOutcome.FAILED, again.outcome(), "the next tick starts clean and stops at the same place");
        assertEquals(digestsAfterFirstSync, store.digestWrites(), "no more digests than the pages really listed");
        assertEquals(5, store.digestCount(Listing.USERS));
        assertTrue(store.removedUsers().isEmpty(), "tick after tick, nobody removed");

        api.stuckUsersCursor = null;
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome(), "a healthy listing recovers");
        assertEquals(Set.of("u009"), store.removedUsers(), "and only then is the user who left marked removed");
        assertEquals(IntegrationStatus.CONNECTED, integrations.get(ORG).status());
    }

    @Test
    void aCursorRepeatingAcrossInvocationsIsCaughtOnTheFirstPageOfTheNextOne() {
        api.stuckUsersCursor = "4";
        // One page per invocation: the repeat spans two invocations, seen only through the checkpoint's cursor.
        SyncResult result = runToEnd(() -> true);
        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertTrue(integrations.get(ORG).lastError().contains("organization users"), integrations.get(ORG).lastError());
        assertEquals(2, store.digestCount(Listing.USERS), "pages 0 and 1 were listed; the page at cursor 4 never advanced");
        assertTrue(state.isEmpty());
    }

    @Test
    void outOfTimeInsideACallContinuesFromTheLastPageBoundary() {
        api.outOfTimeAtCall = 4; // products, groups page 0, grants of g000, then the second grants call
        SyncResult first = run(Budget.unlimited());
        assertEquals(SyncOutcome.CONTINUE, first.outcome());
        SyncCheckpoint checkpoint = state.checkpoint(TENANT, ORG).orElseThrow();
        assertEquals(SyncCheckpoint.Phase.GROUPS, checkpoint.phase());
        assertEquals(0, checkpoint.page(), "the page cut midway is done again");
        assertFalse(state.lease(TENANT, ORG).orElseThrow().heldAt(clock.instant()), "lease freed for the continuation");
        assertEquals(IntegrationStatus.SYNCING, integrations.get(ORG).status(), "not an error");

        SyncResult rest = run(Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, rest.outcome());
        assertEquals(2, rest.run().invocations());
        assertEquals(api.users.keySet(), store.userIds());
        assertEquals(10, assignedJiraSeats());
    }

    @Test
    void theBudgetIsCheckedBetweenTheGroupsOfAPageNotOnlyBetweenPages() {
        AtomicInteger grants = new AtomicInteger();
        api.onGrants = grants::incrementAndGet;
        Budget outAfterOneGroup = () -> grants.get() >= 1;
        SyncResult first = run(outAfterOneGroup);
        assertEquals(SyncOutcome.CONTINUE, first.outcome());
        assertEquals(1, grants.get(), "stopped inside the first page of groups, after one role-assignment call");
        assertEquals(0, store.digestCount(Listing.GROUPS), "the page cut midway wrote nothing");
        assertEquals(SyncOutcome.COMPLETED, runToEnd(Budget.unlimited()).outcome());
    }

    @Test
    void aRunNeedingTooManyInvocationsEndsInErrorAndStartsCleanNextTime() {
        api.users.clear();
        api.withUsers(2 * (AtlassianOrgSync.MAX_INVOCATIONS + 5));
        SyncResult result = runToEnd(() -> true);
        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertEquals(AtlassianOrgSync.MAX_INVOCATIONS, result.run().invocations());
        String error = integrations.get(ORG).lastError();
        assertTrue(error.contains(AtlassianOrgSync.MAX_INVOCATIONS + " invocations"), error);
        assertTrue(state.isEmpty(), "checkpoint discarded, lease freed");
        assertTrue(store.removedUsers().isEmpty());
    }

    @Test
    void theLeaseIsShorterThanTheScheduleAndRenewedInsideLongPages() {
        assertTrue(SyncStateStore.LEASE.compareTo(IntegrationOverview.SCHEDULE_EVERY) < 0);
        AtomicBoolean lapsed = new AtomicBoolean();
        api.onGrants = () -> {
            // Each role-assignment listing takes 50 s: a page of groups outlasts the lease unless it is renewed.
            clock.advance(Duration.ofSeconds(50));
            if (!state.lease(TENANT, ORG).orElseThrow().heldAt(clock.instant())) {
                lapsed.set(true);
            }
        };
        api.groups.clear();
        api.withGroups(8);
        api.pageSize = 8;
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertFalse(lapsed.get(), "the lease never lapsed under the working run");
        // 400 s of page would be 3 renewals, one a minute; the store thread may save the products' checkpoint (which
        // renews too) while the page of groups is fetched, standing for one of them: at least 2, whatever the timing.
        assertTrue(state.renewals >= 2, "renewed inside the page: " + state.renewals);
    }

    @Test
    void aCrashedRunShowsStalledWithWhenItResumesAndTheFirstTickAfterTheLeaseResumesIt() {
        SyncResult first = run(() -> true);
        assertEquals(SyncOutcome.CONTINUE, first.outcome());
        // The next invocation takes the lease and dies (no release): what a killed Lambda leaves.
        Instant until = clock.instant().plus(SyncStateStore.LEASE);
        state.leaveLease(TENANT, ORG, "dead invocation", until);
        assertEquals("syncing", overviewEntry().status(), "while the lease runs, nobody can tell a crash");
        assertEquals(SyncOutcome.BUSY, run(Budget.unlimited()).outcome());

        clock.advance(SyncStateStore.LEASE.plusSeconds(1));
        IntegrationOverview.Entry stalled = overviewEntry();
        assertEquals("stalled", stalled.status());
        assertEquals(until.plus(IntegrationOverview.SCHEDULE_EVERY), stalled.syncResumesBy());

        SyncResult resumed = runToEnd(Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, resumed.outcome(), "the first tick after the lease resumes the run");
        assertEquals("connected", overviewEntry().status());
        assertNull(overviewEntry().syncResumesBy());
    }

    @Test
    void aContinuationOnItsWayIsSyncingAndOneNeverDeliveredIsStalledUntilTheNextTick() {
        assertEquals(SyncOutcome.CONTINUE, run(() -> true).outcome());
        Instant releasedAt = clock.instant();
        assertEquals("syncing", overviewEntry().status(), "the continuation event is on its way");

        clock.advance(SyncStateStore.LEASE.plusSeconds(1));
        IntegrationOverview.Entry stalled = overviewEntry();
        assertEquals("stalled", stalled.status(), "no invocation took the continuation");
        assertEquals(releasedAt.plus(SyncStateStore.LEASE).plus(IntegrationOverview.SCHEDULE_EVERY), stalled.syncResumesBy());
        assertEquals(SyncOutcome.COMPLETED, runToEnd(Budget.unlimited()).outcome());
    }

    private IntegrationOverview.Entry overviewEntry() {
        return service.overview(TENANT).integrations().get(0);
    }

    @Test
    void aDisconnectBetweenAPageFetchAndItsWriteLeavesNoLicenseItemBehind() {
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        api.users.put("u100", FakeOrgApi.user("u100", true)); // the next run has something to write on its last page
        api.onUsersPage = page -> {
            if (page == 5) {
                service.disconnect(TENANT, ORG);
            }
        };
        SyncResult result = run(Budget.unlimited());
        assertEquals(SyncOutcome.FENCED, result.outcome());
        assertEquals(0, store.itemCount(), "zero items of the org left");
        assertTrue(state.isEmpty(), "no checkpoint or lease left");
        assertTrue(integrations.records.isEmpty());
    }

    @Test
    void aDisconnectAndReconnectBetweenTheSyncsFirstReadAndItsLeaseIsSkipped() {
        AtomicInteger reads = new AtomicInteger();
        InMemoryIntegrations racing = new InMemoryIntegrations();
        racing.records.putAll(integrations.records);
        AtlassianOrgSync raced = new AtlassianOrgSync(api, store, state, new com.saasspend.integration.domain.IntegrationStore() {
            @Override
            public java.util.Optional<Integration> find(String tenantId, IntegrationType type) {
                java.util.Optional<Integration> found = racing.find(tenantId, type);
                if (reads.incrementAndGet() == 1) {
                    // Right after the sync's first read: disconnect, then connect again (a new connection).
                    racing.records.clear();
                    state.revoke(tenantId, type);
                    clock.advance(Duration.ofSeconds(1));
                    racing.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                            "secret-2", null, clock.instant(), "admin", null, null, false, 0));
                }
                return found;
            }

            @Override
            public List<Integration> list(String tenantId) {
                return racing.list(tenantId);
            }

            @Override
            public Integration save(Integration integration, long expectedVersion) {
                return racing.save(integration, expectedVersion);
            }

            @Override
            public void delete(String tenantId, IntegrationType type) {
                racing.delete(tenantId, type);
            }
        }, vault, () -> api.calls, clock, SyncStateStore.LEASE, settings);
        assertEquals(SyncOutcome.SKIPPED, raced.run(TENANT, Budget.unlimited()).outcome(), "the old connection's run does not start");
        assertEquals(0, store.itemCount());
        assertTrue(state.isEmpty(), "the lease it took is given back without leaving an item");
    }

    @Test
    void aReclaimAfterTheSyncReadItsUserIsNotOverwrittenByTheSyncsSeatCount() {
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(10, assignedJiraSeats());
        Instant activeSince = clock.instant().minus(Duration.ofDays(TenantSettings.DEFAULT_INACTIVITY_DAYS));
        api.onUsersPage = page -> {
            if (page == 3) {
                // u000 (page 0, read already) loses its seat now, the way a reclaim records it.
                clock.advance(Duration.ofSeconds(1));
                api.users.put("u000", FakeOrgApi.user("u000", false));
                store.adjustSeats(TENANT, "u000", SeatDelta.between(FakeOrgApi.user("u000", true),
                        FakeOrgApi.user("u000", false), activeSince), clock.instant());
                // u008 (page 4, not read yet) too: the sync's own read sees it; applying it again would count it twice.
                api.users.put("u008", FakeOrgApi.user("u008", false));
                store.adjustSeats(TENANT, "u008", SeatDelta.between(FakeOrgApi.user("u008", true),
                        FakeOrgApi.user("u008", false), activeSince), clock.instant());
                clock.advance(Duration.ofSeconds(1));
            }
        };
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertEquals(8, assignedJiraSeats(), "both reclaimed seats stay freed");
    }

    @Test
    void aReclaimLandingBetweenTheSyncsCountAndItsSummaryWriteIsNotOverwritten() {
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        Instant activeSince = clock.instant().minus(Duration.ofDays(TenantSettings.DEFAULT_INACTIVITY_DAYS));
        AtomicBoolean reclaimed = new AtomicBoolean();
        store.beforeFencedWrite = () -> {
            SyncCheckpoint checkpoint = state.checkpoint(TENANT, ORG).orElse(null);
            if (checkpoint != null && checkpoint.phase() == SyncCheckpoint.Phase.FINALIZE && !reclaimed.getAndSet(true)) {
                clock.advance(Duration.ofSeconds(1));
                api.users.put("u001", FakeOrgApi.user("u001", false));
                store.adjustSeats(TENANT, "u001", SeatDelta.between(FakeOrgApi.user("u001", true),
                        FakeOrgApi.user("u001", false), activeSince), clock.instant());
            }
        };
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertTrue(reclaimed.get());
        assertEquals(9, assignedJiraSeats());
    }

    @Test
    void theStatusShowsSyncingWhileTheLeaseIsHeld() {
        AtomicBoolean checked = new AtomicBoolean();
        api.onGrants = () -> {
            if (!checked.getAndSet(true)) {
                IntegrationOverview.Entry entry = overviewEntry();
                assertEquals("syncing", entry.status());
                assertNull(entry.syncResumesBy());
            }
        };
        assertEquals(SyncOutcome.COMPLETED, run(Budget.unlimited()).outcome());
        assertNotNull(integrations.get(ORG).lastSuccessfulSyncAt());
    }
}
