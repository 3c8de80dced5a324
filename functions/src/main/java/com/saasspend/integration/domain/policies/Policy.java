package com.saasspend.integration.domain.policies;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's reclaim rule: which products it covers, who is a candidate (inactive for at least {@code days}, or never
 * used {@code days} after being added to the org), who is never one (groups, accounts; org admins and the integration
 * key owners always), what happens to a candidate ({@link #REPORT}, {@link #APPROVE}, {@link #AUTO} after
 * {@code graceDays}), and how many reclaims one run may start. {@code version} guards concurrent edits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Policy(String id, String name, List<String> products, Condition condition, List<String> excludeGroupIds,
                     List<String> excludeAccountIds, String mode, int graceDays, int maxReclaimsPerRun, boolean paused,
                     Instant createdAt, Instant updatedAt, long version, LastEvaluation lastEvaluation) {
    public static final String REPORT = "report";
    public static final String APPROVE = "approve";
    public static final String AUTO = "auto";
    public static final String INACTIVE = "inactive";
    public static final String NEVER_USED = "never_used";

    public Policy {
        products = List.copyOf(products);
        excludeGroupIds = excludeGroupIds == null ? List.of() : List.copyOf(excludeGroupIds);
        excludeAccountIds = excludeAccountIds == null ? List.of() : List.copyOf(excludeAccountIds);
    }

    /** {@code type}: {@link #INACTIVE} (no use of the product for at least {@code days}) or {@link #NEVER_USED}. */
    public record Condition(String type, int days) {}

    /** What the last evaluation after a sync found (report mode shows its candidates this way). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code runId}: the completed sync run it was evaluated on (null for a preview-less older record or no run named). */
    public record LastEvaluation(Instant at, String outcome, int candidates, int actionsCreated, int reclaimed, int cancelled,
                                 String runId) {
        /** Whether this records a finished evaluation on sync run {@code runId}. */
        public boolean evaluatedOn(String runId) {
            return runId != null && runId.equals(this.runId) && "evaluated".equals(outcome);
        }
    }

    public Policy withLastEvaluation(LastEvaluation evaluation) {
        return new Policy(id, name, products, condition, excludeGroupIds, excludeAccountIds, mode, graceDays, maxReclaimsPerRun,
                paused, createdAt, updatedAt, version, evaluation);
    }
}
