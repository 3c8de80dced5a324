package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lease's end as the two threads of a pipelined run write it: the store thread saves checkpoints, the fetching
 * thread renews inside long pages, each from its own reading of the clock.
 */
class SyncLeaseTest {
    private static final String TENANT = "t";
    private static final IntegrationType ORG = IntegrationType.ATLASSIAN;
    private static final Duration LEASE = Duration.ofMinutes(5);

    /** Holds a checkpoint save after its lease end was computed, until released. */
    private static final class HeldSaves extends ForwardingSyncState {
        final CountDownLatch saving = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldSaves(InMemorySyncState state) {
            super(state);
        }

        @Override
        public boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil) {
            saving.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.save(tenantId, type, owner, checkpoint, leaseUntil);
        }
    }

    @Test
    void aCheckpointSavedFromAnEarlierClockReadingNeverShortensARenewalMadeMeanwhile() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        HeldSaves state = new HeldSaves(new InMemorySyncState(clock));
        InMemoryIntegrations integrations = new InMemoryIntegrations();
        Integration connected = new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", null, clock.instant(), "admin", null, null, false, 0);
        integrations.records.put(ORG, connected);
        SyncLease lease = new SyncLease(state, integrations, clock, LEASE, TENANT, ORG);
        assertEquals(SyncLease.Taken.HELD, lease.take(connected));

        // The store thread saves a checkpoint: its lease end is read from the clock now (10:05), then the write waits.
        Thread store = new Thread(() -> lease.save(SyncCheckpoint.start("run", clock.instant())));
        store.start();
        assertTrue(state.saving.await(10, TimeUnit.SECONDS));
        // Meanwhile the fetching thread, two minutes on, renews (due after one): its end is 10:07.
        clock.advance(Duration.ofMinutes(2));
        Thread fetch = new Thread(lease::renewIfDue);
        fetch.start();
        // Bounded: the renewal either waits for the save (BLOCKED) or has already written its end.
        for (int i = 0; i < 1000 && fetch.getState() != Thread.State.BLOCKED && fetch.isAlive(); i++) {
            Thread.sleep(5);
        }
        state.release.countDown();
        store.join(10_000);
        fetch.join(10_000);

        assertEquals(Instant.parse("2026-12-01T10:07:00Z"), state.lease(TENANT, ORG).orElseThrow().until(),
                "the lease ends at the later reading's end, whichever write came first");
    }
}
