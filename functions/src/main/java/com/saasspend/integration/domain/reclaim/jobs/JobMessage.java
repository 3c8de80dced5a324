package com.saasspend.integration.domain.reclaim.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One step of a job: {@code expand} one chunk of the plan into one {@code user} step per user, a {@code resync} step
 * after them and the next chunk's {@code expand}, reclaim (undo) one user, or request the targeted re-sync of one chunk's users (one request for up to
 * {@link JobStore#CHUNK} users instead of one per user). {@code deduplicationId} is derived from the step, so the same step sent twice is the same message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobMessage(String type, String tenantId, String jobId, Integer chunk, String accountId, String name,
                         List<String> groupIds) {
    public static final String EXPAND = "expand";
    public static final String USER = "user";
    public static final String RESYNC = "resync";

    public static JobMessage expand(String tenantId, String jobId, int chunk) {
        return new JobMessage(EXPAND, tenantId, jobId, chunk, null, null, null);
    }

    public static JobMessage resync(String tenantId, String jobId, int chunk) {
        return new JobMessage(RESYNC, tenantId, jobId, chunk, null, null, null);
    }

    public static JobMessage user(String tenantId, String jobId, JobPlan.PlannedUser user) {
        return new JobMessage(USER, tenantId, jobId, null, user.accountId(), user.name(), user.groupIds());
    }

    public String deduplicationSource() {
        return jobId + "|" + type + "|" + (chunk != null ? chunk.toString() : accountId);
    }
}
