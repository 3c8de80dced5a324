package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimPlan;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan.PlannedUser;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan.ProductTotal;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan.SkippedUser;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides a bulk plan from synced data alone, user by user through the single reclaim's {@link ReclaimPlanner} (the
 * same guardrails, the same seats and prices), so a job never does what a single reclaim would refuse. Pure: no I/O.
 */
public final class JobPlanner {
    // Stable reason codes of a skipped user (the planner's refusal codes are passed through as they are).
    public static final String USER_NOT_FOUND = "user_not_found";
    public static final String EXCLUDED_ACCOUNT = "excluded_account";
    public static final String EXCLUDED_GROUP = "excluded_group";
    public static final String NO_MATCHING_GROUPS = "no_matching_groups";
    public static final String GROUP_NEWER_THAN_SYNC = "group_newer_than_sync";
    public static final String IDP_MANAGED_GROUP = "idp_managed_group";
    public static final String DIRECT_ACCESS_ONLY = "direct_access_only";
    public static final String KEPT_BY_OTHER_GROUPS = "kept_by_other_groups";

    private JobPlanner() {}

    /** A user the selection named: the stored user, or null when no synced user has the id. */
    public record Candidate(String accountId, OrgUser user) {}

    public static JobPlan plan(String planId, Instant now, Instant expiresAt, List<Candidate> candidates,
                               Map<String, OrgGroup> groups, JobSelection selection, ReclaimPlanner.Context context) {
        String product = selection.grantingProduct();
        Set<String> excludedAccounts = selection.filter() == null ? Set.of() : Set.copyOf(selection.filter().excludeAccountIds());
        Set<String> excludedGroups = selection.filter() == null ? Set.of() : Set.copyOf(selection.filter().excludeGroupIds());
        List<PlannedUser> included = new ArrayList<>();
        List<SkippedUser> skipped = new ArrayList<>();
        Map<String, int[]> seatsByProduct = new LinkedHashMap<>();
        Map<String, BigDecimal> costByProduct = new LinkedHashMap<>();
        Map<String, String> productNames = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            OrgUser user = candidate.user();
            if (user == null) {
                skipped.add(new SkippedUser(candidate.accountId(), null, USER_NOT_FOUND,
                        "No synced user has this account id; it appears after the next sync if it is in the organization."));
                continue;
            }
            if (excludedAccounts.contains(user.accountId())) {
                skipped.add(new SkippedUser(user.accountId(), user.name(), EXCLUDED_ACCOUNT, "Excluded by the selection."));
                continue;
            }
            String inExcluded = user.groups().stream().map(OrgUser.GroupRef::id).filter(excludedGroups::contains).findFirst().orElse(null);
            if (inExcluded != null) {
                skipped.add(new SkippedUser(user.accountId(), user.name(), EXCLUDED_GROUP,
                        "Excluded by the selection: member of the group '" + nameOf(user, inExcluded) + "'."));
                continue;
            }
            List<String> chosen = new ArrayList<>();
            List<String> unsynced = new ArrayList<>();
            for (OrgUser.GroupRef ref : user.groups()) {
                OrgGroup group = groups.get(ref.id());
                if (product != null) {
                    if (group == null) {
                        unsynced.add(ref.name());
                    } else if (ReclaimPlanner.grantsProduct(group, product)) {
                        chosen.add(ref.id());
                    }
                } else if (selection.groupIds().contains(ref.id())) {
                    if (group == null) {
                        unsynced.add(ref.name());
                    } else {
                        chosen.add(ref.id());
                    }
                }
            }
            if (chosen.isEmpty()) {
                skipped.add(unsynced.isEmpty()
                        ? new SkippedUser(user.accountId(), user.name(), NO_MATCHING_GROUPS, product != null
                                ? "No group of the user grants " + product + "." : "The user is in none of the chosen groups.")
                        : new SkippedUser(user.accountId(), user.name(), GROUP_NEWER_THAN_SYNC, "The group(s) " + unsynced
                                + " are newer than the last sync, so what they grant is not known yet; plan again after the next sync."));
                continue;
            }
            ReclaimPlan plan;
            try {
                plan = ReclaimPlanner.plan(user, groups, new ReclaimRequest(user.accountId(), chosen), context);
            } catch (Refusal refused) {
                skipped.add(new SkippedUser(user.accountId(), user.name(), refused.code(), refused.getMessage()));
                continue;
            }
            List<ReclaimPlan.GroupStep> removableSteps = plan.groups().stream().filter(ReclaimPlan.GroupStep::removable).toList();
            List<String> removable = removableSteps.stream().map(ReclaimPlan.GroupStep::groupId).toList();
            if (removable.isEmpty()) {
                skipped.add(new SkippedUser(user.accountId(), user.name(), IDP_MANAGED_GROUP, ReclaimPlanner.IDP_MANAGED_REASON));
                continue;
            }
            List<ReclaimPlan.ProductOutcome> freed = plan.products().stream().filter(ReclaimPlan.ProductOutcome::freed).toList();
            if (product != null && freed.stream().noneMatch(p -> product.equals(p.productKey()))) {
                ReclaimPlan.ProductOutcome kept = plan.products().stream().filter(p -> product.equals(p.productKey())).findFirst().orElse(null);
                boolean direct = kept == null || Boolean.TRUE.equals(kept.keptByDirectAccess());
                boolean byIdp = removable.size() < chosen.size();
                skipped.add(byIdp ? new SkippedUser(user.accountId(), user.name(), IDP_MANAGED_GROUP, ReclaimPlanner.IDP_MANAGED_REASON)
                        : direct ? new SkippedUser(user.accountId(), user.name(), DIRECT_ACCESS_ONLY, "The user's " + product
                                + " access is a direct role (no group explains it); removing groups would not free the seat.")
                        : new SkippedUser(user.accountId(), user.name(), KEPT_BY_OTHER_GROUPS, "Other groups keep the user's "
                                + product + " access: " + kept.keptBy() + "."));
                continue;
            }
            for (ReclaimPlan.ProductOutcome p : freed) {
                seatsByProduct.computeIfAbsent(p.productKey(), k -> new int[1])[0]++;
                productNames.putIfAbsent(p.productKey(), p.productName());
                if (p.monthlyPrice() != null) {
                    costByProduct.merge(p.productKey(), p.monthlyPrice(), BigDecimal::add);
                }
            }
            // Named as the group's item names it, else as the user's record does (a group item synced without a name).
            List<OrgUser.GroupRef> named = removableSteps.stream().map(step -> new OrgUser.GroupRef(step.groupId(),
                    step.name() != null ? step.name() : knownName(user, step.groupId()))).toList();
            included.add(new PlannedUser(user.accountId(), user.name(), removable, named,
                    freed.stream().map(ReclaimPlan.ProductOutcome::productKey).toList(), plan.monthlyCostFreed()));
        }
        List<ProductTotal> totals = seatsByProduct.entrySet().stream().map(e -> new ProductTotal(e.getKey(),
                productNames.get(e.getKey()), e.getValue()[0], costByProduct.get(e.getKey()))).toList();
        int seats = totals.stream().mapToInt(ProductTotal::seatsFreed).sum();
        BigDecimal cost = totals.stream().map(ProductTotal::monthlyCostFreed).filter(c -> c != null).reduce(BigDecimal::add).orElse(null);
        return new JobPlan(planId, now, expiresAt, totals, seats, cost, included.size(), skipped.size(), included, skipped,
                context.notices());
    }

    private static String nameOf(OrgUser user, String groupId) {
        String name = knownName(user, groupId);
        return name != null ? name : groupId;
    }

    /** The group's name as the user's record names it; null when it names none. */
    private static String knownName(OrgUser user, String groupId) {
        return user.groups().stream().filter(g -> g.id().equals(groupId)).map(OrgUser.GroupRef::name).filter(n -> n != null)
                .findFirst().orElse(null);
    }
}
