package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.domain.reclaim.ReclaimRecord;

/**
 * Tells the SaaS's notification service what bulk reclaims did (events on the bus). At least once: a step retried
 * after a crash may publish again; consumers deduplicate by reclaim id and job id.
 */
public interface JobEvents {
    void reclaimCompleted(String tenantId, String jobId, ReclaimRecord record);

    void jobCompleted(String tenantId, ReclaimJob job);
}
