package com.saasspend.integration.domain.reclaim.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * One user's outcome in a job, written once (conditionally) together with the job's counters.
 * {@code outcome}: completed, partial, failed (the user's reclaim or undo status), skipped (with {@code code}) or
 * cancelled (the job was cancelled before this user started). {@code reclaimId} names the audit item.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobUserResult(String accountId, String name, String outcome, String reclaimId, int seats,
                            BigDecimal monthlyCost, String code, String reason) {
    public static final String COMPLETED = "completed";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String CANCELLED = "cancelled";

    /** How the result moves the job's counters. */
    public ReclaimJob.Counts addTo(ReclaimJob.Counts c) {
        boolean done = COMPLETED.equals(outcome) || PARTIAL.equals(outcome);
        BigDecimal cost = monthlyCost == null ? c.monthlyCost() : c.monthlyCost() == null ? monthlyCost : c.monthlyCost().add(monthlyCost);
        return new ReclaimJob.Counts(c.total(), c.done() + (done ? 1 : 0), c.freed() + (seats > 0 ? 1 : 0),
                c.failed() + (FAILED.equals(outcome) ? 1 : 0), c.skipped() + (SKIPPED.equals(outcome) ? 1 : 0),
                c.cancelled() + (CANCELLED.equals(outcome) ? 1 : 0), c.plannedSkipped(), c.seats() + seats, cost);
    }
}
