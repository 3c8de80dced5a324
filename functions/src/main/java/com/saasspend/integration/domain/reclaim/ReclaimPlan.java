package com.saasspend.integration.domain.reclaim;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/**
 * A dry run of a reclaim: what happens to each chosen group and to each product the user has. {@code monthlyCostFreed}
 * is null (omitted) when the tenant has set no seat price for any product that would be freed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReclaimPlan(
        String accountId,
        String userName,
        List<GroupStep> groups,
        List<ProductOutcome> products,
        int seatsFreed,
        BigDecimal monthlyCostFreed,
        List<Notice> notices) {

    public ReclaimPlan {
        groups = List.copyOf(groups);
        products = List.copyOf(products);
        notices = List.copyOf(notices);
    }

    public enum Action { REMOVE, REFUSED }

    /** One chosen group: removed on reclaim, or refused with the reason (an IdP-managed group). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupStep(String groupId, String name, String action, String reason) {
        public boolean removable() {
            return "remove".equals(action);
        }
    }

    /**
     * One product of the user after the chosen groups are gone: {@code outcome} "freed", or "kept" with what still
     * grants it ({@code keptBy}: group names, or {@code keptByDirectAccess} when no group explains the access).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProductOutcome(
            String resourceId,
            String productKey,
            String productName,
            String outcome,
            List<String> keptBy,
            Boolean keptByDirectAccess,
            String lastActive,
            BigDecimal monthlyPrice) {

        public boolean freed() {
            return "freed".equals(outcome);
        }
    }

    /** Something the admin must know that no group change can do (a Bitbucket workspace created directly). */
    public record Notice(String product, String instance, String code, String message) {}
}
