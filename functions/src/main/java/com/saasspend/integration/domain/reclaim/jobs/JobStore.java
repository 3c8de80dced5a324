package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.domain.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Plans, jobs and per-user results of bulk reclaims, in the tenant's own partition. */
public interface JobStore extends JobResults {
    /** Users a plan stores per chunk; a job's expand step handles one chunk. */
    int CHUNK = 100;

    /** Stores the plan (its summary and its users in chunks of {@link #CHUNK}), expiring at its {@code expiresAt}. */
    void putPlan(String tenantId, JobPlan plan);

    /** The plan's summary (no user lists); empty for an unknown, another tenant's or an expired plan. */
    Optional<JobPlan> plan(String tenantId, String planId, Instant now);

    /** The included users of one chunk of the plan. */
    List<JobPlan.PlannedUser> planChunk(String tenantId, String planId, int chunk);

    /**
     * Creates the job for an Idempotency-Key in one step: the key (kept {@code keyExpiresAt}), the job, and the plan
     * (or, for an undo, the parent job) marked as taken by it. Answers the job that holds the key or took the plan/parent
     * if one exists already (nothing is written then).
     */
    Optional<ReclaimJob> create(String tenantId, String idempotencyKey, ReclaimJob job, Instant keyExpiresAt);

    /** The job that holds this key, if any. */
    Optional<String> jobOfKey(String tenantId, String idempotencyKey);

    void markEnqueued(String tenantId, String jobId);

    /** Sets the cancel flag of a running job; false if the job is not running. */
    boolean requestCancel(String tenantId, String jobId);

    /**
     * Writes the results of the users that have none yet and moves the job's counters by exactly those, in one
     * transaction (a batch's results, at most {@link JobMessage#BATCH_USERS}; a result that exists already, a
     * redelivery's, is neither written again nor counted again): answers how many it wrote.
     */
    int recordResults(String tenantId, String jobId, List<JobUserResult> results);

    /** Results in account id order after {@code afterAccountId}. */
    Page<JobUserResult> results(String tenantId, String jobId, String afterAccountId, int limit);

    /** Marks a running job finished with its final status; false if it was not running (someone finished it). */
    boolean finish(String tenantId, ReclaimJob finished);

    /** Newest first; {@code afterJobId} is the last id of the previous page. */
    Page<ReclaimJob> list(String tenantId, String afterJobId, int limit);
}
