package com.saasspend.integration.aws;

import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.jobs.JobEvents;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * {@code ReclaimCompleted} (one user) and {@code ReclaimJobCompleted} on the product's bus, for the SaaS's
 * notification service (schemas in {@code events/schemas/}). A refused entry raises: the job step is retried.
 */
public final class EventBridgeJobEvents implements JobEvents {
    public static final String RECLAIM_COMPLETED = "ReclaimCompleted";
    public static final String JOB_COMPLETED = "ReclaimJobCompleted";

    private final EventBridgeClient events;
    private final String busName;

    public EventBridgeJobEvents(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void reclaimCompleted(String tenantId, String jobId, ReclaimRecord record) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenantId);
        detail.put("reclaimId", record.id());
        if (jobId != null) {
            detail.put("jobId", jobId);
        }
        detail.put("accountId", record.accountId());
        detail.put("userName", record.userName());
        detail.put("status", record.status());
        detail.put("seatsFreed", record.seatsFreed().stream().map(s -> Map.of("productKey", s.productKey(), "resourceId", s.resourceId())).toList());
        if (record.monthlyCostFreed() != null) {
            detail.put("monthlyCostFreed", record.monthlyCostFreed());
        }
        detail.put("undoableUntil", record.undoableUntil().toString());
        put(RECLAIM_COMPLETED, detail);
    }

    @Override
    public void jobCompleted(String tenantId, ReclaimJob job) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenantId);
        detail.put("jobId", job.id());
        detail.put("kind", job.kind());
        if (job.undoOf() != null) {
            detail.put("undoOf", job.undoOf());
        }
        detail.put("status", job.status());
        ReclaimJob.Counts c = job.counts();
        detail.put("counts", Map.of("total", c.total(), "done", c.done(), "freed", c.freed(), "failed", c.failed(),
                "skipped", c.skipped(), "cancelled", c.cancelled()));
        detail.put(ReclaimJob.UNDO.equals(job.kind()) ? "seatsRestored" : "seatsFreed", c.seats());
        if (c.monthlyCost() != null) {
            detail.put("monthlyCostFreed", c.monthlyCost());
        }
        detail.put("createdAt", job.createdAt().toString());
        detail.put("finishedAt", job.finishedAt().toString());
        put(JOB_COMPLETED, detail);
    }

    private void put(String detailType, Map<String, Object> detail) {
        BusEvents.put(events, busName, detailType, detail);
    }
}
