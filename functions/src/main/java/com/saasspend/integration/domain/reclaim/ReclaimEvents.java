package com.saasspend.integration.domain.reclaim;

/**
 * Tells the SaaS's notification service that a reclaim settled ({@code ReclaimCompleted} on the bus). At least once:
 * a reclaim finished after a crash may publish again; consumers deduplicate by reclaim id.
 */
public interface ReclaimEvents {
    /** {@code jobId}: the bulk job the reclaim belongs to, or null for a single reclaim. */
    void reclaimCompleted(String tenantId, String jobId, ReclaimRecord record);
}
