package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The org sync stores page k on its own thread while it fetches page k+1: the overlap really happens, the checkpoint
 * never passes a page not stored, a failure on either side stops the run where a sequential run would, and the store's
 * thread never outlives the run.
 */
class PipelinedOrgSyncTest {
    private static final String TENANT = "pipelined";
    private static final IntegrationType ORG = IntegrationType.ATLASSIAN;
    /** Only a guard against a hang; no assertion depends on time. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:00:00Z"));
    private final InMemorySyncState state = new InMemorySyncState(clock);
    private final InMemoryLicenseStore store = new InMemoryLicenseStore(state);
    private final InMemoryIntegrations integrations = new InMemoryIntegrations();
    /** Ten users, two a page; no groups, so the first write after the products is page 0's users. */
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10);
    private final AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations,
            SyncTestDoubles.vaultWithKey("key"), () -> api.calls, clock, SyncStateStore.LEASE, SyncTestDoubles.defaultSettings());

    PipelinedOrgSyncTest() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", null, clock.instant(), "admin", null, null, false, 0));
    }

    @Test
    void theNextPageIsFetchedWhileThePageBeforeIsBeingStored() {
        // Page 1's fetch and page 0's first write wait for each other: one after the other (a sequential sync) they
        // never meet, and the barrier breaks instead of completing.
        CyclicBarrier meet = new CyclicBarrier(2);
        AtomicBoolean page0Fetched = new AtomicBoolean();
        AtomicBoolean storeArrived = new AtomicBoolean();
        AtomicBoolean fetchArrived = new AtomicBoolean();
        api.onUsersPage = page -> {
            if (page == 0) {
                page0Fetched.set(true);
            } else if (page == 1) {
                fetchArrived.set(true);
                await(meet);
            }
        };
        store.beforeFencedWrite = () -> {
            if (page0Fetched.get() && storeArrived.compareAndSet(false, true)) {
                await(meet);
            }
        };

        SyncResult result = assertTimeoutPreemptively(HANG_GUARD, () -> sync.run(TENANT, Budget.unlimited()));

        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertTrue(storeArrived.get() && fetchArrived.get() && !meet.isBroken(), "page 0 was being stored while page 1 was fetched");
        assertEquals(api.users.keySet(), store.userIds());
        assertEquals(10, store.summary().get(FakeOrgApi.JIRA).assigned(), "each user counted once");
        assertEquals(7, api.calls, "the same calls as one page at a time: products, groups, five user pages");
    }

    @Test
    void aPageThatFailsToStoreStopsTheRunWithTheCheckpointAtThatPage() {
        // The third user page (index 2) fails to store; pages 0 and 1 are stored by then.
        store.beforeFencedWrite = () -> {
            if (store.digestCount(Listing.USERS) == 2 && store.userIds().size() == 4) {
                throw new IllegalStateException("DynamoDB failed");
            }
        };
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> assertTimeoutPreemptively(HANG_GUARD, () -> sync.run(TENANT, Budget.unlimited())));
        assertEquals("DynamoDB failed", failed.getMessage());

        SyncCheckpoint checkpoint = state.checkpoint(TENANT, ORG).orElseThrow();
        assertEquals(SyncCheckpoint.Phase.USERS, checkpoint.phase());
        assertEquals(2, checkpoint.page(), "the checkpoint is at the page that failed, not past it");
        assertEquals("4", checkpoint.cursor());
        assertEquals(4, checkpoint.usersSeen());
        assertEquals(4, store.userIds().size(), "nothing of the failed page or the one fetched after it was written");
        assertEquals(IntegrationStatus.ERROR, integrations.get(ORG).status());

        store.beforeFencedWrite = () -> {};
        SyncResult resumed = sync.run(TENANT, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, resumed.outcome());
        assertEquals(api.users.keySet(), store.userIds());
        assertEquals(10, resumed.run().users(), "no user lost or counted twice across the two invocations");
        assertEquals(10, store.summary().get(FakeOrgApi.JIRA).assigned());
    }

    @Test
    void aFetchThatFailsWhileAPageIsStoredLetsThatPageFinishAndResumesAfterIt() {
        // Page 2's fetch fails (Atlassian down) while page 1 is still being stored: page 1 completes first.
        CyclicBarrier meet = new CyclicBarrier(2);
        AtomicBoolean storing1 = new AtomicBoolean();
        api.onUsersPage = page -> {
            if (page == 2) {
                await(meet);
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Atlassian is down", null);
            }
        };
        store.beforeFencedWrite = () -> {
            // Page 1's first write: page 0 is stored (its digest and two users), page 1's users not yet.
            if (store.digestCount(Listing.USERS) == 1 && store.userIds().size() == 2 && storing1.compareAndSet(false, true)) {
                await(meet);
            }
        };
        SyncResult result = assertTimeoutPreemptively(HANG_GUARD, () -> sync.run(TENANT, Budget.unlimited()));
        assertEquals(SyncOutcome.FAILED, result.outcome());

        SyncCheckpoint checkpoint = state.checkpoint(TENANT, ORG).orElseThrow();
        assertEquals(2, checkpoint.page(), "page 1, being stored when the fetch failed, was stored and counted");
        assertEquals(4, store.userIds().size());

        api.onUsersPage = page -> {};
        store.beforeFencedWrite = () -> {};
        SyncResult resumed = sync.run(TENANT, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, resumed.outcome());
        assertEquals(10, resumed.run().users());
        assertEquals(10, store.summary().get(FakeOrgApi.JIRA).assigned());
    }

    @Test
    void theStoresThreadEndsWithTheRunOnEveryPath() {
        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());
        assertTrue(storeThreads().isEmpty(), "after a completed run: " + storeThreads());

        AtomicInteger pages = new AtomicInteger();
        Budget outAfterTwoPages = () -> pages.get() >= 2;
        api.onUsersPage = page -> pages.incrementAndGet();
        assertEquals(SyncOutcome.CONTINUE, sync.run(TENANT, outAfterTwoPages).outcome());
        assertTrue(storeThreads().isEmpty(), "after a paused run: " + storeThreads());

        store.beforeFencedWrite = () -> {
            throw new IllegalStateException("DynamoDB failed");
        };
        api.users.put("u100", FakeOrgApi.user("u100", true)); // something to write
        assertThrows(IllegalStateException.class, () -> sync.run(TENANT, Budget.unlimited()));
        assertTrue(storeThreads().isEmpty(), "after a failed store: " + storeThreads());
    }

    @Test
    void aLeaseLostWhileAPageIsStoredStopsTheFetchingToo() {
        AtomicInteger fetched = new AtomicInteger();
        api.onUsersPage = page -> {
            fetched.incrementAndGet();
            if (page == 1) {
                // Another invocation takes over (the lease is gone) while page 0 is stored or about to be.
                state.revoke(TENANT, ORG);
            }
        };
        SyncResult result = assertTimeoutPreemptively(HANG_GUARD, () -> sync.run(TENANT, Budget.unlimited()));
        assertEquals(SyncOutcome.FENCED, result.outcome());
        assertTrue(fetched.get() <= 3, "at most one page fetched past the one whose store was refused: " + fetched.get());
        assertFalse(store.userIds().size() > 2, "nothing written after the lease was lost");
    }

    private static List<Thread> storeThreads() {
        List<Thread> alive = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("org-sync-store") && thread.isAlive()) {
                alive.add(thread);
            }
        }
        return alive;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            // A backstop: a barrier nobody else reaches breaks instead of hanging the build.
            barrier.await(HANG_GUARD.toSeconds() / 2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other side never came: " + e, e);
        }
    }
}
