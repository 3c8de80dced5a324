package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;
import java.util.Optional;

/**
 * The checkpoint of the running sync of one integration and the lease that keeps two runs from interleaving: only
 * the holder of an unexpired lease may advance the checkpoint.
 */
public interface SyncStateStore {
    /** How long a lease lasts: longer than a sync function's 15-minute timeout, so a crashed invocation frees it soon after. */
    java.time.Duration LEASE = java.time.Duration.ofMinutes(16);

    Optional<SyncCheckpoint> checkpoint(String tenantId, IntegrationType type);

    /** Takes the lease for {@code owner} if it is free, expired, or already {@code owner}'s. */
    boolean acquire(String tenantId, IntegrationType type, String owner, Instant until, Instant now);

    /** Saves the checkpoint while still holding the lease; false if the lease was lost. */
    boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil);

    /** Ends the run: removes checkpoint and lease, records the run's outcome. */
    void finish(String tenantId, IntegrationType type, String owner, SyncRunRecord run);

    /** Releases the lease, keeping the checkpoint for the continuation. */
    void release(String tenantId, IntegrationType type, String owner);
}
