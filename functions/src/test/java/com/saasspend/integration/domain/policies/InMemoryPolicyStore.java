package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.Page;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Policies and actions in memory, per tenant, with the Dynamo store's conditions (create once, status-guarded updates). */
public final class InMemoryPolicyStore implements PolicyStore {
    final Map<String, TreeMap<String, Policy>> policies = new HashMap<>();
    final Map<String, TreeMap<String, PolicyAction>> actions = new HashMap<>();
    /** Runs before each action update is applied: a test's hook to kill the process there. */
    Runnable beforeUpdate = () -> {};

    private TreeMap<String, Policy> policiesOf(String tenantId) {
        return policies.computeIfAbsent(tenantId, t -> new TreeMap<>());
    }

    TreeMap<String, PolicyAction> actionsOf(String tenantId) {
        return actions.computeIfAbsent(tenantId, t -> new TreeMap<>());
    }

    @Override public List<Policy> policies(String tenantId) {
        return policiesOf(tenantId).values().stream().sorted((a, b) -> a.createdAt().compareTo(b.createdAt())).toList();
    }
    @Override public Optional<Policy> policy(String tenantId, String policyId) { return Optional.ofNullable(policiesOf(tenantId).get(policyId)); }
    /** Runs before each policy put is checked: a test's hook to race an edit against it. */
    Runnable beforePut = () -> {};

    @Override public boolean putPolicy(String tenantId, Policy policy, Long expectedVersion) {
        beforePut.run();
        Policy stored = policiesOf(tenantId).get(policy.id());
        if (expectedVersion == null ? stored != null : stored == null || stored.version() != expectedVersion) {
            return false;
        }
        policiesOf(tenantId).put(policy.id(), policy);
        return true;
    }
    @Override public void recordEvaluation(String tenantId, String policyId, Policy.LastEvaluation evaluation) {
        policiesOf(tenantId).computeIfPresent(policyId, (id, p) -> p.withLastEvaluation(evaluation));
    }
    @Override public void deletePolicy(String tenantId, String policyId) { policiesOf(tenantId).remove(policyId); }
    /** Evaluation claims by tenant|policy, with the Dynamo store's condition (free, stale, or another run's). */
    final Map<String, EvaluationClaim> claims = new HashMap<>();
    @Override public boolean claimEvaluation(String tenantId, String policyId, EvaluationClaim claim, java.time.Instant staleBefore) {
        EvaluationClaim held = claims.get(tenantId + "|" + policyId);
        if (held != null && !held.since().isBefore(staleBefore) && java.util.Objects.equals(held.runId(), claim.runId())) {
            return false;
        }
        claims.put(tenantId + "|" + policyId, claim);
        return true;
    }
    @Override public void releaseEvaluation(String tenantId, String policyId, String claimId) {
        claims.computeIfPresent(tenantId + "|" + policyId, (k, held) -> held.claimId().equals(claimId) ? null : held);
    }
    /** Runs before each action is created: a test's hook to interleave another evaluation there. */
    Runnable beforeCreate = () -> {};
    @Override public boolean createAction(String tenantId, PolicyAction action) {
        beforeCreate.run();
        boolean created = actionsOf(tenantId).putIfAbsent(action.id(), action) == null;
        if (!created) {
            failedCreates++;
        }
        return created;
    }
    @Override public Optional<PolicyAction> action(String tenantId, String actionId) { return Optional.ofNullable(actionsOf(tenantId).get(actionId)); }
    @Override public Map<String, PolicyAction> actions(String tenantId, java.util.Collection<String> actionIds) {
        if (actionIds.size() > ACTIONS_PER_READ) {
            throw new AssertionError("more ids than one read takes: " + actionIds.size());
        }
        actionReads++;
        Map<String, PolicyAction> found = new HashMap<>();
        actionIds.forEach(id -> { if (actionsOf(tenantId).containsKey(id)) found.put(id, actionsOf(tenantId).get(id)); });
        return found;
    }
    int actionReads;
    int failedCreates;
    @Override public boolean updateAction(String tenantId, PolicyAction action, String expectedStatus) {
        beforeUpdate.run();
        PolicyAction stored = actionsOf(tenantId).get(action.id());
        if (stored == null || !stored.status().equals(expectedStatus)) {
            return false;
        }
        actionsOf(tenantId).put(action.id(), action);
        return true;
    }
    /** The status asked by each page read of actions (null: any). */
    final List<String> pageReads = new ArrayList<>();
    @Override public Page<PolicyAction> actions(String tenantId, String status, String policyId, String after, int limit) {
        pageReads.add(status);
        List<PolicyAction> page = new ArrayList<>();
        for (PolicyAction a : (after == null ? actionsOf(tenantId) : actionsOf(tenantId).tailMap(after, false)).values()) {
            if ((status == null || status.equals(a.status())) && (policyId == null || (policyId.equals(a.policyId()) && a.jobId() == null))) {
                if (page.size() == limit) {
                    return new Page<>(page, page.get(page.size() - 1).id());
                }
                page.add(a);
            }
        }
        return new Page<>(page, null);
    }

    /** Calls of updateActions (one transaction each in the Dynamo store). */
    int batchUpdates;
    @Override public java.util.Set<String> updateActions(String tenantId, List<PolicyAction> batch, String expectedStatus) {
        if (batch.size() > ACTIONS_PER_READ) {
            throw new AssertionError("more actions than one call takes: " + batch.size());
        }
        batchUpdates++;
        java.util.Set<String> moved = new java.util.LinkedHashSet<>();
        batch.forEach(a -> { if (updateAction(tenantId, a, expectedStatus)) moved.add(a.id()); });
        return moved;
    }
    final Map<String, BulkApproval> bulkApprovals = new HashMap<>();
    /** Runs before a bulk approval is stored: a test's hook to race another request with the same key. */
    Runnable beforeBulkCreate = () -> {};
    @Override public Optional<BulkApproval> bulkApproval(String tenantId, String key, java.time.Instant now) {
        return Optional.ofNullable(bulkApprovals.get(tenantId + "|" + key)).filter(b -> b.expiresAt().isAfter(now));
    }
    @Override public boolean createBulkApproval(String tenantId, BulkApproval approval, java.time.Instant now) {
        beforeBulkCreate.run();
        if (bulkApproval(tenantId, approval.key(), now).isPresent()) {
            return false;
        }
        bulkApprovals.put(tenantId + "|" + approval.key(), approval);
        return true;
    }

    /** Whether the due-date index holds every pending action (false: as a store with actions from before it). */
    boolean dueIndexed = true;
    /** Calls of dueActions (one index range each in the Dynamo store). */
    int dueReads;
    @Override public Optional<List<PolicyAction>> dueActions(String tenantId, String policyId, java.time.Instant now, int limit) {
        if (!dueIndexed) {
            return Optional.empty();
        }
        dueReads++;
        return Optional.of(actionsOf(tenantId).values().stream()
                .filter(a -> PolicyAction.PENDING.equals(a.status()) && a.policyId().equals(policyId) && a.jobId() == null
                        && a.dueAt() != null && !a.dueAt().isAfter(now))
                .sorted(java.util.Comparator.comparing(PolicyAction::dueAt).thenComparing(PolicyAction::id))
                .limit(limit).toList());
    }

    int indexCalls;
    @Override public boolean indexStoredActions(String tenantId) {
        indexCalls++;
        return true;
    }

    List<PolicyAction> all(String tenantId) {
        return List.copyOf(actionsOf(tenantId).values());
    }
}
