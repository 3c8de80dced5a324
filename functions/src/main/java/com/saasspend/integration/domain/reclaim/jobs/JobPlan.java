package com.saasspend.integration.domain.reclaim.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.reclaim.ReclaimPlan;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A reviewed bulk reclaim: per product the seats and monthly cost it frees, the users it includes (each with the groups
 * removed) and every user it skips with a stable reason code. Stored with an expiry; a job runs it once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobPlan(String id, Instant createdAt, Instant expiresAt, List<ProductTotal> products, int seatsFreed,
                      BigDecimal monthlyCostFreed, int includedCount, int skippedCount, List<PlannedUser> included,
                      List<SkippedUser> skipped, List<ReclaimPlan.Notice> notices) {

    public JobPlan {
        products = List.copyOf(products);
        included = List.copyOf(included);
        skipped = List.copyOf(skipped);
        notices = List.copyOf(notices);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProductTotal(String productKey, String productName, int seatsFreed, BigDecimal monthlyCostFreed) {}

    /**
     * One user the job reclaims: the groups it removes ({@code groupIds}, what the job acts on) and the same groups
     * with their names for people ({@code groups}; a name is null when the synced data has none). {@code groups} null:
     * named by id alone (plans stored and steps sent before plans named groups).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlannedUser(String accountId, String name, List<String> groupIds, List<OrgUser.GroupRef> groups,
                              List<String> productsFreed, BigDecimal monthlyCostFreed) {
        public PlannedUser {
            groupIds = List.copyOf(groupIds);
            groups = groups == null ? groupIds.stream().map(id -> new OrgUser.GroupRef(id, null)).toList() : List.copyOf(groups);
            if (!groups.stream().map(OrgUser.GroupRef::id).toList().equals(groupIds)) {
                throw new IllegalArgumentException("groups must name exactly the groupIds, in order");
            }
            productsFreed = List.copyOf(productsFreed);
        }
    }

    /** A user the selection named that the job leaves alone; {@code code} is stable, {@code reason} is for people. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SkippedUser(String accountId, String name, String code, String reason) {}

    /** The plan without its user lists (as a job or a list shows it). */
    public JobPlan summary() {
        return new JobPlan(id, createdAt, expiresAt, products, seatsFreed, monthlyCostFreed, includedCount, skippedCount,
                List.of(), List.of(), notices);
    }
}
