package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The checkpoint of the running sync of one integration and the lease that keeps two runs from interleaving: only
 * the holder of an unexpired lease may advance the checkpoint, and (through {@link LicenseStore#fencedBy}) write
 * synced data. Disconnecting revokes the lease, which fences out a sync still running.
 */
public interface SyncStateStore extends SyncLeases {
    /**
     * How long a lease lasts without renewal. Shorter than the 15-minute schedule, so the first tick after a crash
     * finds it expired and resumes; a working sync renews it at every checkpoint and at least every
     * {@link #RENEW_EVERY} inside long pages, so it never lapses under a live run.
     */
    Duration LEASE = Duration.ofMinutes(5);

    /** A working sync renews its lease when this much has passed since it last did. */
    Duration RENEW_EVERY = Duration.ofMinutes(1);

    Optional<SyncCheckpoint> checkpoint(String tenantId, IntegrationType type);

    /** Takes the lease for {@code owner} if it is free, expired, or already {@code owner}'s. */
    boolean acquire(String tenantId, IntegrationType type, String owner, Instant until, Instant now);

    /** Saves the checkpoint while still holding the lease, renewing it to {@code leaseUntil}; false if the lease was lost. */
    boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil);

    /** Extends the lease while still holding it; false if the lease was lost (revoked by a disconnect, or taken over). */
    boolean renew(String tenantId, IntegrationType type, String owner, Instant leaseUntil);

    /** Ends the run: removes checkpoint and lease, records the run's outcome. */
    void finish(String tenantId, IntegrationType type, String owner, SyncRunRecord run);

    /** Releases the lease, keeping the checkpoint for the continuation. */
    void release(String tenantId, IntegrationType type, String owner);
}
