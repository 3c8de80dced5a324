package com.saasspend.integration.domain.policies;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.saasspend.integration.domain.OrgUser;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a policy decided for one candidate (an account and a product): pending an admin's decision ({@code approve}
 * mode) or its due date ({@code auto} mode), then approved, rejected, done (reclaimed: {@code reclaimId}), cancelled
 * (with {@code reasonCode}/{@code reason}) or failed; an open action may carry the reason it did not run yet (e.g.
 * {@code user_not_reread}). Its id is derived from the policy, the account, the product and the
 * candidacy (the product's last use when it became a candidate), so evaluating twice creates it once.
 * {@code jobId}: the bulk reclaim job an admin approved it into (that job runs it).
 * {@code noticedAt}: when its notice (the user's in auto mode, the admin's in approve mode) was published; an auto
 * action's {@code dueAt} counts from it.
 * {@code groups}: the same groups as {@code groupIds} (what the reclaim acts on), in order, each with its name when it was
 * planned, for people (null: the synced data had none, or the action was stored before actions named their groups).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyAction(String id, String policyId, String policyName, String mode, String accountId, String name,
                           String email, String productKey, List<String> groupIds, int seatsFreed, BigDecimal monthlyCostFreed,
                           String status, Instant createdAt, Instant noticedAt, Instant dueAt, String lastActive,
                           String decidedBy, Instant decidedAt, String reclaimId, String reasonCode, String reason,
                           Instant updatedAt, String jobId, List<OrgUser.GroupRef> groups) {
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    public static final List<String> STATUSES = List.of(PENDING, APPROVED, REJECTED, DONE, CANCELLED, FAILED);
    private static final Pattern ID = Pattern.compile("pa-[0-9a-f]{32}");

    public PolicyAction {
        groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
        groups = named(groupIds, groups);
    }

    /** A bulk job's action whose groups are named by id alone. */
    public PolicyAction(String id, String policyId, String policyName, String mode, String accountId, String name,
                        String email, String productKey, List<String> groupIds, int seatsFreed, BigDecimal monthlyCostFreed,
                        String status, Instant createdAt, Instant noticedAt, Instant dueAt, String lastActive,
                        String decidedBy, Instant decidedAt, String reclaimId, String reasonCode, String reason,
                        Instant updatedAt, String jobId) {
        this(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed, monthlyCostFreed, status,
                createdAt, noticedAt, dueAt, lastActive, decidedBy, decidedAt, reclaimId, reasonCode, reason, updatedAt, jobId, null);
    }

    /** An action no bulk job runs. */
    public PolicyAction(String id, String policyId, String policyName, String mode, String accountId, String name,
                        String email, String productKey, List<String> groupIds, int seatsFreed, BigDecimal monthlyCostFreed,
                        String status, Instant createdAt, Instant noticedAt, Instant dueAt, String lastActive,
                        String decidedBy, Instant decidedAt, String reclaimId, String reasonCode, String reason,
                        Instant updatedAt) {
        this(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed, monthlyCostFreed, status,
                createdAt, noticedAt, dueAt, lastActive, decidedBy, decidedAt, reclaimId, reasonCode, reason, updatedAt, null, null);
    }

    /** {@code groupIds} in order, each with the name {@code names} gives it (null where it gives none). */
    private static List<OrgUser.GroupRef> named(List<String> groupIds, List<OrgUser.GroupRef> names) {
        Map<String, String> byId = new HashMap<>();
        if (names != null) {
            names.stream().filter(g -> g.name() != null).forEach(g -> byId.put(g.id(), g.name()));
        }
        return groupIds.stream().map(id -> new OrgUser.GroupRef(id, byId.get(id))).toList();
    }

    /** The same id for the same candidacy: the last use ({@code null}: never used) pins which inactivity it is about. */
    public static String idOf(String policyId, String accountId, String productKey, String lastActive) {
        String source = policyId + "\n" + accountId + "\n" + productKey + "\n" + (lastActive == null ? "never" : lastActive);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "pa-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    public static boolean wellFormed(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static final Pattern POSITION = Pattern.compile("(pol-[0-9a-f]{20}(~job)?#)?pa-[0-9a-f]{32}");

    /**
     * A listing position the store hands out: an action id, or (in the status index) the policy's id ({@code ~job} for
     * an action a bulk job runs), '#', the action's id.
     */
    public static boolean wellFormedPosition(String position) {
        return position != null && POSITION.matcher(position).matches();
    }

    @JsonIgnore
    public boolean open() {
        return PENDING.equals(status) || APPROVED.equals(status);
    }

    public PolicyAction noticed(Instant at, Instant due) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed,
                monthlyCostFreed, status, createdAt, at, due, lastActive, decidedBy, decidedAt, reclaimId, reasonCode, reason, at, jobId, groups);
    }

    /** The groups the reclaim removes, as planned when the action was approved (a resumed run reuses them). */
    public PolicyAction withGroups(List<OrgUser.GroupRef> planned) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey,
                planned.stream().map(OrgUser.GroupRef::id).toList(), seatsFreed, monthlyCostFreed, status, createdAt, noticedAt,
                dueAt, lastActive, decidedBy, decidedAt, reclaimId, reasonCode, reason, updatedAt, jobId, planned);
    }

    public PolicyAction decided(String newStatus, String by, Instant at) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed,
                monthlyCostFreed, newStatus, createdAt, noticedAt, dueAt, lastActive, by, at, reclaimId, reasonCode, reason, at, jobId, groups);
    }

    /** Approved into a bulk reclaim job: the job runs it (its result per user is the job's), not the policy. */
    public PolicyAction approvedInJob(String newJobId, String by, Instant at) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed,
                monthlyCostFreed, APPROVED, createdAt, noticedAt, dueAt, lastActive, by, at, reclaimId, null, null, at, newJobId, groups);
    }

    /** Still open, with why it did not run now (null: no reason any more). */
    public PolicyAction withReason(String code, String why, Instant at) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds, seatsFreed,
                monthlyCostFreed, status, createdAt, noticedAt, dueAt, lastActive, decidedBy, decidedAt, reclaimId, code, why, at, jobId, groups);
    }

    /** Ended: done with its reclaim, or cancelled/failed with why. */
    public PolicyAction ended(String newStatus, String newReclaimId, Integer seats, BigDecimal cost, String code, String why, Instant at) {
        return new PolicyAction(id, policyId, policyName, mode, accountId, name, email, productKey, groupIds,
                seats == null ? seatsFreed : seats, seats == null ? monthlyCostFreed : cost, newStatus, createdAt, noticedAt, dueAt,
                lastActive, decidedBy, decidedAt, newReclaimId, code, why, at, jobId, groups);
    }
}
