package com.saasspend.integration.domain.sync;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The run scaffolding every sync shares (the org sync and the product syncs): one invocation's hold on its
 * integration's sync lease, from taking it to giving it back, and the integration's status around the run.
 *
 * <p>Taking the lease re-reads the integration: a disconnect revokes the lease before it erases, so an acquire that
 * came after the revocation is caught only by that read. While held, the lease is renewed at every checkpoint and at
 * least every {@link SyncStateStore#RENEW_EVERY} inside long pages; a lost lease throws {@link SyncFencedOut}, and
 * {@link #fence()} makes the stores refuse the run's writes from then on.
 */
public final class SyncLease {
    /** What {@link #take} found. */
    public enum Taken {
        /** The lease is this invocation's; {@link #integration()} is the record as of after taking it. */
        HELD,
        /** Another invocation holds it. */
        BUSY,
        /** The integration was disconnected (or disconnected and connected anew) meanwhile; the lease was given back. */
        GONE
    }

    private static final int STATUS_ATTEMPTS = 3;
    private static final Log LOG = Log.of(SyncLease.class);

    /** What opening a run found: the lease held for it, or (lease null) the result that ends the invocation at once. */
    public record Opened(SyncLease lease, SyncResult refused) {}

    /**
     * Opens a run of the integration: none for one that is not connected or paused until rotation (SKIPPED), none
     * while another invocation holds the lease (BUSY) or when it was disconnected meanwhile (SKIPPED); else the lease,
     * taken, with {@link #integration()} as of after taking it.
     */
    public static Opened open(SyncStateStore state, IntegrationStore integrations, Clock clock, Duration length,
                              String tenantId, IntegrationType type) {
        Integration integration = integrations.find(tenantId, type).orElse(null);
        if (integration == null || !integration.syncs()) {
            return new Opened(null, new SyncResult(SyncOutcome.SKIPPED, null));
        }
        SyncLease held = new SyncLease(state, integrations, clock, length, tenantId, type);
        return switch (held.take(integration)) {
            case BUSY -> {
                LOG.info("another sync of this integration is running; leaving it alone", "integration", type.id());
                yield new Opened(null, new SyncResult(SyncOutcome.BUSY, null));
            }
            case GONE -> new Opened(null, new SyncResult(SyncOutcome.SKIPPED, null));
            case HELD -> new Opened(held, null);
        };
    }

    private final SyncStateStore state;
    private final IntegrationStore integrations;
    private final Clock clock;
    private final Duration length;
    private final String tenantId;
    private final IntegrationType type;
    private final String owner = UUID.randomUUID().toString();
    /** Written by whichever thread of the run saved or renewed last (the org sync stores pages on a thread of its own). */
    private volatile Instant renewedAt;
    private Integration integration;

    public SyncLease(SyncStateStore state, IntegrationStore integrations, Clock clock, Duration length, String tenantId,
                     IntegrationType type) {
        this.state = state;
        this.integrations = integrations;
        this.clock = clock;
        this.length = length;
        this.tenantId = tenantId;
        this.type = type;
    }

    /** Takes the lease for the run of {@code readBefore}, the integration as read before deciding to run. */
    public Taken take(Integration readBefore) {
        Instant now = clock.instant();
        if (!state.acquire(tenantId, type, owner, now.plus(length), now)) {
            return Taken.BUSY;
        }
        renewedAt = now;
        Integration leased;
        try {
            leased = integrations.find(tenantId, type).orElse(null);
        } catch (RuntimeException readFailed) {
            release();
            throw readFailed;
        }
        if (leased == null || leased.status() == IntegrationStatus.DISCONNECTED
                || !Objects.equals(leased.connectedAt(), readBefore.connectedAt())) {
            release();
            return Taken.GONE;
        }
        integration = leased;
        return Taken.HELD;
    }

    public Integration integration() {
        return integration;
    }

    /** The condition the stores put on every write of this run. */
    public SyncFence fence() {
        return new SyncFence(tenantId, type, owner);
    }

    /**
     * Saves the run's checkpoint, which renews the lease; throws {@link SyncFencedOut} when the lease is lost.
     * Synchronized with {@link #renewIfDue}: the store thread saves while the fetching thread renews, and each writes
     * the lease's end from its own reading of the clock; one at a time, the later reading is written last, so the
     * stored end never goes back.
     */
    public synchronized void save(SyncCheckpoint checkpoint) {
        Instant now = clock.instant();
        if (!state.save(tenantId, type, owner, checkpoint, now.plus(length))) {
            throw new SyncFencedOut("The sync lease was lost: the integration was disconnected or another invocation took over.");
        }
        renewedAt = now;
    }

    /** Inside long work: renews the lease when {@link SyncStateStore#RENEW_EVERY} has passed; throws when it is lost. */
    public synchronized void renewIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(renewedAt.plus(SyncStateStore.RENEW_EVERY))) {
            return;
        }
        if (!state.renew(tenantId, type, owner, now.plus(length))) {
            throw new SyncFencedOut("The sync lost its lease.");
        }
        renewedAt = now;
    }

    /** Gives the lease back, keeping any checkpoint for the continuation. */
    public void release() {
        state.release(tenantId, type, owner);
    }

    /** Ends the run: records it, removes checkpoint and lease. */
    public void finish(SyncRunRecord run) {
        state.finish(tenantId, type, owner, run);
    }

    /** Shows the run as syncing. A concurrent change (rotation, disconnect) wins: the status after the run is what matters. */
    public void markSyncing() {
        if (integration.status() == IntegrationStatus.SYNCING) {
            return;
        }
        try {
            integration = integrations.save(integration.withStatus(IntegrationStatus.SYNCING, integration.lastError()),
                    integration.version());
        } catch (IntegrationStore.ConcurrentChangeException raced) {
            // A rotation or disconnect changed the record meanwhile.
        }
    }

    /** Records how the run ended on the integration, unless it was disconnected meanwhile. */
    public void recordStatus(IntegrationStatus status, Instant succeededAt, String error, boolean paused) {
        for (int attempt = 0; attempt < STATUS_ATTEMPTS; attempt++) {
            Integration current = integrations.find(tenantId, type).orElse(null);
            if (current == null || current.status() == IntegrationStatus.DISCONNECTED) {
                return;
            }
            try {
                integrations.save(current.afterSync(status, succeededAt, error, paused), current.version());
                return;
            } catch (IntegrationStore.ConcurrentChangeException raced) {
                // A rotation or disconnect changed the record meanwhile: read it again.
            }
        }
    }
}
