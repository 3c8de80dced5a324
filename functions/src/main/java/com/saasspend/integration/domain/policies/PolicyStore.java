package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.Page;
import java.util.List;
import java.util.Optional;

/** Where a tenant's policies and their actions live; every call is confined to the tenant's own partition. */
public interface PolicyStore {
    /** Every policy of the tenant (at most {@link PolicyRules#MAX_POLICIES}), oldest first. */
    List<Policy> policies(String tenantId);

    Optional<Policy> policy(String tenantId, String policyId);

    /** Creates ({@code expectedVersion} null: only if absent) or replaces the version read; false when that lost a race. */
    boolean putPolicy(String tenantId, Policy policy, Long expectedVersion);

    /** Stores what an evaluation found, whatever the policy's version (an edit meanwhile keeps its own fields). */
    void recordEvaluation(String tenantId, String policyId, Policy.LastEvaluation evaluation);

    void deletePolicy(String tenantId, String policyId);

    /** An evaluation of one policy under way: by {@code claimId}, on sync run {@code runId} (null: none named), since {@code since}. */
    record EvaluationClaim(String claimId, String runId, java.time.Instant since) {}

    /**
     * Claims the policy's evaluation before it reads anything (a conditional write): true when no claim is held or the
     * one held began before {@code staleBefore} (its claimant died); false while another evaluation holds it.
     */
    boolean claimEvaluation(String tenantId, String policyId, EvaluationClaim claim, java.time.Instant staleBefore);

    /** Ends claim {@code claimId}; a claim taken over since (its holder past the timeout) is left to its new holder. */
    void releaseEvaluation(String tenantId, String policyId, String claimId);

    /** A conditional put: false (nothing written) when an action with this id exists. */
    boolean createAction(String tenantId, PolicyAction action);

    Optional<PolicyAction> action(String tenantId, String actionId);

    /** The actions with these ids that exist (at most {@link #ACTIONS_PER_READ} ids a call: one batch read). */
    java.util.Map<String, PolicyAction> actions(String tenantId, java.util.Collection<String> actionIds);

    int ACTIONS_PER_READ = 100;

    /** Replaces the action only while its stored status is {@code expectedStatus}; false otherwise. */
    boolean updateAction(String tenantId, PolicyAction action, String expectedStatus);

    /**
     * {@link #updateAction} for up to {@link #ACTIONS_PER_READ} actions, in as few writes as the store allows; answers
     * the ids that moved (an action whose status moved meanwhile is left as it is).
     */
    java.util.Set<String> updateActions(String tenantId, List<PolicyAction> actions, String expectedStatus);

    /** The bulk approval made under this Idempotency-Key, unless there is none or it expired. */
    Optional<BulkApproval> bulkApproval(String tenantId, String key, java.time.Instant now);

    /** Stores it only while its key is free (or expired); false when another request holds the key. */
    boolean createBulkApproval(String tenantId, BulkApproval approval, java.time.Instant now);

    /**
     * The tenant's actions, at most {@code limit}, after the position {@code after} (a page's {@code nextCursor}, see
     * {@link PolicyAction#wellFormedPosition}); {@code status} and {@code policyId} narrow them when not null. With a
     * status, a page reads about its own items (a status index), not the tenant's other actions. With a policy, only the
     * actions the policy runs itself: one approved into a bulk job ({@code jobId}) is listed without a policy only.
     */
    Page<PolicyAction> actions(String tenantId, String status, String policyId, String after, int limit);

    /**
     * The policy's pending actions due at or before {@code now} (a due date, no bulk job), earliest due first, at most
     * {@code limit}, reading about those (a due-date index); empty when the store cannot tell them apart that way yet
     * (actions stored before the index, until {@link #indexStoredActions} has brought them in): the caller walks the
     * pending ones instead.
     */
    Optional<List<PolicyAction>> dueActions(String tenantId, String policyId, java.time.Instant now, int limit);

    /**
     * Brings actions stored before the status index (and the due-date index) into it, a bounded number a call,
     * resumable; true once every one is (until then a status page reads the tenant's actions filtered, and
     * {@link #dueActions} answers empty, as before). The evaluation calls it each run.
     */
    boolean indexStoredActions(String tenantId);
}
