package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.domain.reclaim.ReclaimEvents;

/**
 * Tells the SaaS's notification service what bulk reclaims did (events on the bus). At least once: a step retried
 * after a crash may publish again; consumers deduplicate by reclaim id and job id.
 */
public interface JobEvents extends ReclaimEvents {
    void jobCompleted(String tenantId, ReclaimJob job);
}
