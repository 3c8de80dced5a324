package com.saasspend.integration.domain.policies;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.Refusal.Kind;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Approving many pending actions at once, as ONE bulk reclaim job ({@link ReclaimJobService}: the same plan, guardrails,
 * per-user reclaims with audit and undo) instead of one reclaim per request. The actions are named by id or as "the
 * policy's pending ones"; they must share one policy and one product (a job removes the groups granting one product).
 *
 * <p>Each action is checked against the stored user first, as a single approval is: one whose user used the product
 * again (or left) is cancelled with the reason, not reclaimed. Resumable under the request's Idempotency-Key: what was
 * decided (the plan, the actions, the cancellations) is stored under the key before the job starts; the job is started
 * under a key derived from it (a retry finds that job, never starts a second); the actions are then marked approved
 * with the job's id (or cancelled), each only from pending, so a retry after a crash anywhere finishes the marks.
 */
public final class PolicyBulkApprovals {
    private static final Log LOG = Log.of(PolicyBulkApprovals.class);
    /** Actions one request approves at most: a job's users. */
    public static final int MAX_ACTIONS = JobSelection.MAX_USERS;
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    static final String JOB_KEY_PREFIX = "policy-actions:";
    private static final int MAX_NAMED = 20;

    /** The bulk reclaim, as this needs it: plan a selection, start a plan under a key. */
    public interface Jobs {
        JobPlan plan(String tenantId, JobSelection selection);

        ReclaimJobService.Started start(String tenantId, String actor, String idempotencyKey, String planId);
    }

    /** Either {@code actionIds}, or {@code policyId} with {@code status} (pending) and, for a policy of several products, {@code productKey}. */
    public record Request(List<String> actionIds, String policyId, String status, String productKey) {
        public Request {
            actionIds = actionIds == null ? null : List.copyOf(actionIds);
        }
    }

    /** The job that runs the approved actions, how many were approved into it and how many cancelled instead. */
    public record Approved(ReclaimJob job, boolean replayed, int approved, int cancelled) {}

    private final PolicyStore store;
    private final PolicyReclaims reclaims;
    private final Jobs jobs;
    private final Clock clock;

    public PolicyBulkApprovals(PolicyStore store, PolicyReclaims reclaims, Jobs jobs, Clock clock) {
        this.store = store;
        this.reclaims = reclaims;
        this.jobs = jobs;
        this.clock = clock;
    }

    public Approved approve(String tenantId, String actor, String idempotencyKey, Request request) {
        String fingerprint = fingerprint(request);
        Instant now = clock.instant();
        var held = store.bulkApproval(tenantId, idempotencyKey, now);
        if (held.isPresent()) {
            return finish(tenantId, actor, held.get(), fingerprint, true);
        }
        List<PolicyAction> actions = request.actionIds() != null ? named(tenantId, request.actionIds()) : ofPolicy(tenantId, request);
        String policyId = actions.get(0).policyId();
        Policy policy = store.policy(tenantId, policyId).orElseThrow(() -> new Refusal(Kind.CONFLICT, PolicyService.POLICY_DELETED,
                "The policy of these actions was deleted; reclaim the users from the License page instead."));
        String product = actions.get(0).productKey();

        // Checked against the stored users as a single approval is: active again or gone is cancelled, not reclaimed.
        Map<String, String> cancelled = new LinkedHashMap<>();
        Map<String, String> lastActive = new LinkedHashMap<>();
        List<String> runs = new ArrayList<>();
        Set<String> accountIds = new LinkedHashSet<>();
        for (int from = 0; from < actions.size(); from += LicenseStore.USERS_PER_READ) {
            List<PolicyAction> batch = actions.subList(from, Math.min(actions.size(), from + LicenseStore.USERS_PER_READ));
            Map<String, OrgUser> users = reclaims.users(tenantId, batch.stream().map(PolicyAction::accountId).distinct().toList());
            for (PolicyAction action : batch) {
                Optional<String> changed = PolicyService.changedSinceProposed(users.get(action.accountId()), action);
                if (changed.isPresent()) {
                    cancelled.put(action.id(), changed.get());
                    // Kept with the decision: the marks may be finished by a retry that reads no user.
                    String used = users.containsKey(action.accountId())
                            ? PolicyService.lastActive(users.get(action.accountId()), action.productKey()) : null;
                    if (used != null) {
                        lastActive.put(action.id(), used);
                    }
                } else {
                    runs.add(action.id());
                    accountIds.add(action.accountId());
                }
            }
        }
        // The policy's exclusions hold in the job too (the job's planner skips them with a reason, as the evaluation does).
        JobPlan plan = jobs.plan(tenantId, new JobSelection(List.copyOf(accountIds), new JobSelection.Filter(product, null, null, null,
                policy.excludeGroupIds(), policy.excludeAccountIds()), product, null));
        BulkApproval approval = new BulkApproval(idempotencyKey, fingerprint, policyId, product, plan.id(), runs, cancelled, lastActive, now,
                now.plus(KEY_LIFETIME));
        if (!store.createBulkApproval(tenantId, approval, now)) {
            // A concurrent request with the same key won: its decision is the one carried out.
            return finish(tenantId, actor, store.bulkApproval(tenantId, idempotencyKey, now).orElseThrow(() -> new Refusal(
                    Kind.CONFLICT, "idempotency_key_in_use", "Another request with this Idempotency-Key is being handled; retry.")),
                    fingerprint, true);
        }
        LOG.info("policy actions approved in bulk", "policyId", policyId, "planId", plan.id(), "actions", runs.size(),
                "cancelled", cancelled.size());
        return finish(tenantId, actor, approval, fingerprint, false);
    }

    /** Starts (or finds) the job, then marks the actions; every step repeatable. */
    private Approved finish(String tenantId, String actor, BulkApproval approval, String fingerprint, boolean replayed) {
        if (!approval.fingerprint().equals(fingerprint)) {
            throw new Refusal(Kind.REJECTED, "idempotency_key_reused",
                    "This Idempotency-Key was already used for other actions. Use a new key for a new approval.");
        }
        // The audit of each reclaim in the job names the policy that proposed it.
        // The job's key is this approval's own (the request's key once freed after a day names a new approval).
        ReclaimJobService.Started started = jobs.start(tenantId, actor + " (policy " + approval.policyId() + ")",
                JOB_KEY_PREFIX + approval.key() + "@" + approval.createdAt().toEpochMilli(), approval.planId());
        ReclaimJob job = started.job();
        Instant now = clock.instant();
        int approved = 0;
        for (int from = 0; from < approval.actionIds().size(); from += PolicyStore.ACTIONS_PER_READ) {
            List<String> ids = approval.actionIds().subList(from, Math.min(approval.actionIds().size(), from + PolicyStore.ACTIONS_PER_READ));
            List<PolicyAction> marked = new ArrayList<>();
            for (PolicyAction action : store.actions(tenantId, ids).values()) {
                if (PolicyAction.PENDING.equals(action.status())) {
                    marked.add(action.approvedInJob(job.id(), actor, now));
                } else if (job.id().equals(action.jobId())) {
                    approved++; // marked by an earlier try
                }
            }
            approved += store.updateActions(tenantId, marked, PolicyAction.PENDING).size();
        }
        List<String> cancelIds = List.copyOf(approval.cancelled().keySet());
        int cancelled = 0;
        for (int from = 0; from < cancelIds.size(); from += PolicyStore.ACTIONS_PER_READ) {
            List<PolicyAction> ended = new ArrayList<>();
            for (PolicyAction action : store.actions(tenantId, cancelIds.subList(from, Math.min(cancelIds.size(),
                    from + PolicyStore.ACTIONS_PER_READ))).values()) {
                if (PolicyAction.PENDING.equals(action.status())) {
                    String code = approval.cancelled().get(action.id());
                    ended.add(action.decided(PolicyAction.CANCELLED, actor, now).ended(PolicyAction.CANCELLED, null, null, null, code,
                            PolicyService.changedSinceProposedReason(code, action.productKey(), approval.lastActive().get(action.id())), now));
                } else if (PolicyAction.CANCELLED.equals(action.status())) {
                    cancelled++;
                }
            }
            cancelled += store.updateActions(tenantId, ended, PolicyAction.PENDING).size();
        }
        return new Approved(job, replayed || started.replayed(), approved, cancelled);
    }

    /** The named actions: every one the tenant's, pending, of one policy and one product. */
    private List<PolicyAction> named(String tenantId, List<String> actionIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(actionIds));
        if (ids.isEmpty() || ids.size() > MAX_ACTIONS) {
            throw new Refusal(Kind.INVALID, "too_many_actions", "Approve 1 to " + MAX_ACTIONS + " actions at once.",
                    List.of(new Refusal.Field("actionIds", "holds 1 to " + MAX_ACTIONS + " action ids")), null);
        }
        List<String> malformed = ids.stream().filter(id -> !PolicyAction.wellFormed(id)).limit(MAX_NAMED).toList();
        List<PolicyAction> found = new ArrayList<>();
        List<String> unknown = new ArrayList<>(malformed);
        if (malformed.isEmpty()) {
            for (int from = 0; from < ids.size(); from += PolicyStore.ACTIONS_PER_READ) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + PolicyStore.ACTIONS_PER_READ));
                Map<String, PolicyAction> read = store.actions(tenantId, batch);
                for (String id : batch) {
                    if (read.containsKey(id)) {
                        found.add(read.get(id));
                    } else {
                        unknown.add(id);
                    }
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new Refusal(Kind.INVALID, "unknown_actions", unknown.size() + " of the named actions do not exist: "
                    + String.join(", ", unknown.stream().limit(MAX_NAMED).toList()) + (unknown.size() > MAX_NAMED ? ", ..." : "") + ".",
                    List.of(new Refusal.Field("actionIds", "names actions that do not exist")), null);
        }
        List<String> decided = found.stream().filter(a -> !PolicyAction.PENDING.equals(a.status())).map(a -> a.id() + " (" + a.status() + ")").toList();
        if (!decided.isEmpty()) {
            throw new Refusal(Kind.CONFLICT, "actions_not_pending", decided.size() + " of the named actions are decided already: "
                    + String.join(", ", decided.stream().limit(MAX_NAMED).toList()) + (decided.size() > MAX_NAMED ? ", ..." : "")
                    + ". Only pending actions are approved; leave those out.");
        }
        Set<String> policies = new TreeSet<>(found.stream().map(PolicyAction::policyId).toList());
        Set<String> products = new TreeSet<>(found.stream().map(PolicyAction::productKey).toList());
        if (policies.size() > 1 || products.size() > 1) {
            throw new Refusal(Kind.INVALID, "mixed_actions", "One bulk approval covers one policy's actions on one product (a job "
                    + "removes the groups granting one product); these name policies " + policies + " and products " + products
                    + ". Approve each group separately.", List.of(new Refusal.Field("actionIds", "mixes policies or products")), null);
        }
        return found;
    }

    /** The policy's pending actions (of one product), read from the status index. */
    private List<PolicyAction> ofPolicy(String tenantId, Request request) {
        if (!PolicyAction.PENDING.equals(request.status())) {
            throw new Refusal(Kind.INVALID, "invalid_status", "Only pending actions are approved: status is pending.",
                    List.of(new Refusal.Field("status", "is pending")), null);
        }
        if (request.policyId() == null || !PolicyService.POLICY_ID.matcher(request.policyId()).matches()
                || store.policy(tenantId, request.policyId()).isEmpty()) {
            throw new Refusal(Kind.NOT_FOUND, "policy_not_found", "There is no policy with this id.");
        }
        List<PolicyAction> found = new ArrayList<>();
        String after = null;
        do {
            Page<PolicyAction> page = store.actions(tenantId, PolicyAction.PENDING, request.policyId(), after, PolicyStore.ACTIONS_PER_READ);
            page.items().stream().filter(a -> request.productKey() == null || request.productKey().equals(a.productKey())).forEach(found::add);
            if (found.size() > MAX_ACTIONS) {
                throw new Refusal(Kind.INVALID, "too_many_actions", "The policy has more than " + MAX_ACTIONS + " pending actions"
                        + (request.productKey() == null ? "" : " on " + request.productKey()) + "; approve them by id, "
                        + MAX_ACTIONS + " at a time.", List.of(new Refusal.Field("policyId", "has more than " + MAX_ACTIONS
                        + " pending actions")), null);
            }
            after = page.nextCursor();
        } while (after != null);
        if (found.isEmpty()) {
            throw new Refusal(Kind.CONFLICT, "nothing_to_approve", "The policy has no pending actions"
                    + (request.productKey() == null ? "" : " on " + request.productKey()) + ".");
        }
        Set<String> products = new TreeSet<>(found.stream().map(PolicyAction::productKey).toList());
        if (products.size() > 1) {
            throw new Refusal(Kind.INVALID, "mixed_products", "The policy's pending actions cover " + products + "; a job removes the "
                    + "groups granting one product: name one as productKey.", List.of(new Refusal.Field("productKey",
                    "is required: one of " + products)), null);
        }
        return found;
    }

    /** The same request always has the same fingerprint (ids in any order, repeated or not). */
    static String fingerprint(Request request) {
        String canonical = request.actionIds() != null ? "ids\n" + String.join("\n", new TreeSet<>(request.actionIds()))
                : "policy\n" + request.policyId() + "\n" + request.status() + "\n" + Objects.toString(request.productKey(), "");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
