package com.saasspend.integration.domain.reclaim.jobs;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** What a finished bulk job says about its users: the read side of {@link JobStore} that others (policies) need. */
public interface JobResults {
    Optional<ReclaimJob> job(String tenantId, String jobId);

    /** The results these users have in the job (strongly consistent; users without one are left out). */
    Map<String, JobUserResult> results(String tenantId, String jobId, Collection<String> accountIds);
}
