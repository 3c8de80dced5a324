package com.saasspend.integration.domain.reclaim.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a job: {@code expand} one chunk of the plan into its {@code users} steps, a {@code resync} step after them
 * and the next chunk's {@code expand}; reclaim (undo) a batch of users ({@link #batches}: the worker runs a batch's users
 * side by side under the org's pacing); or request the targeted re-sync of one chunk's users (one request for up to
 * {@link JobStore#CHUNK} users instead of one per user). {@code user}, one user per step, is how steps were sent before
 * batches: still run (a batch of one) for steps already on a queue. {@code deduplicationId} is derived from the step,
 * so the same step sent twice is the same message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobMessage(String type, String tenantId, String jobId, Integer chunk, String accountId, String name,
                         List<String> groupIds, List<JobPlan.PlannedUser> users) {
    public static final String EXPAND = "expand";
    public static final String USERS = "users";
    /** One user per step (steps sent before batches). */
    public static final String USER = "user";
    public static final String RESYNC = "resync";
    /**
     * Users a batch step holds at most: a batch ends with its slowest user's AWS work, so the larger it is, the less of
     * the job's time is such tails; its results are one transaction (≤ 100 items) and one batch read.
     */
    public static final int BATCH_USERS = 50;
    /**
     * Membership removals a batch holds at most (a user with more is a batch of its own): 100 calls are 10 s at 600
     * calls a minute, so a batch fits well in one worker invocation.
     */
    public static final int BATCH_REMOVALS = 100;

    public static JobMessage expand(String tenantId, String jobId, int chunk) {
        return new JobMessage(EXPAND, tenantId, jobId, chunk, null, null, null, null);
    }

    public static JobMessage resync(String tenantId, String jobId, int chunk) {
        return new JobMessage(RESYNC, tenantId, jobId, chunk, null, null, null, null);
    }

    /** A step of one user, as sent before batches (tests of the old steps' handling). */
    public static JobMessage user(String tenantId, String jobId, JobPlan.PlannedUser user) {
        return new JobMessage(USER, tenantId, jobId, null, user.accountId(), user.name(), user.groupIds(), null);
    }

    public static JobMessage users(String tenantId, String jobId, List<JobPlan.PlannedUser> users) {
        return new JobMessage(USERS, tenantId, jobId, null, null, null, null, List.copyOf(users));
    }

    /** The chunk's users in plan order, cut into batches of at most {@link #BATCH_USERS} users and {@link #BATCH_REMOVALS} removals. */
    public static List<JobMessage> batches(String tenantId, String jobId, List<JobPlan.PlannedUser> chunk) {
        List<JobMessage> steps = new ArrayList<>();
        List<JobPlan.PlannedUser> batch = new ArrayList<>();
        int removals = 0;
        for (JobPlan.PlannedUser u : chunk) {
            int groups = Math.max(1, u.groupIds().size());
            if (!batch.isEmpty() && (batch.size() >= BATCH_USERS || removals + groups > BATCH_REMOVALS)) {
                steps.add(users(tenantId, jobId, batch));
                batch = new ArrayList<>();
                removals = 0;
            }
            batch.add(u);
            removals += groups;
        }
        if (!batch.isEmpty()) {
            steps.add(users(tenantId, jobId, batch));
        }
        return steps;
    }

    /** The users a {@code users} or {@code user} step reclaims (or undoes), in plan order; empty for the other steps. */
    public List<JobPlan.PlannedUser> targets() {
        if (USERS.equals(type)) {
            return users == null ? List.of() : users;
        }
        if (USER.equals(type)) {
            return List.of(new JobPlan.PlannedUser(accountId, name, groupIds == null ? List.of() : groupIds, null, List.of(), null));
        }
        return List.of();
    }

    public String deduplicationSource() {
        // A user is in one batch of its job: the batch's first user names it.
        String of = chunk != null ? chunk.toString() : USERS.equals(type) && users != null && !users.isEmpty() ? users.get(0).accountId() : accountId;
        return jobId + "|" + type + "|" + of;
    }
}
