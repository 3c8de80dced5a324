package com.saasspend.integration.domain.sync;

/** Tells whoever follows the org's data (the reclaim policies) that a full or incremental org sync completed. */
@FunctionalInterface
public interface SyncCompletions {
    void completed(String tenantId, SyncRunRecord run);
}
