package com.saasspend.integration.domain.policies;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.reclaim.jobs.JobResults;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.sync.Budget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ends the actions an admin approved into a bulk reclaim job ({@link PolicyBulkApprovals}) once that job has finished,
 * from its per-user results: done (with the reclaim, seats and cost), failed, or cancelled (the job skipped the user
 * with a code, or was cancelled before them). Run after each evaluation; an action whose job still runs waits for the
 * next one. Each action moves only from approved, so running it twice ends nothing twice.
 */
public final class PolicyJobSettlement {
    private static final Log LOG = Log.of(PolicyJobSettlement.class);
    /** Pages of approved actions one run looks at. */
    static final int MAX_PAGES = 20;
    public static final String NOT_IN_JOB = "not_in_job";

    private final PolicyStore store;
    private final JobResults jobs;
    private final TenantSettingsStore settings;
    private final Clock clock;

    public PolicyJobSettlement(PolicyStore store, JobResults jobs, TenantSettingsStore settings, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    /** Answers how many actions were ended. The tenant's kill switch stops this too. */
    public int settle(String tenantId, Budget budget) {
        if (settings.get(tenantId).policiesPaused()) {
            return 0;
        }
        Map<String, Optional<ReclaimJob>> jobsRead = new HashMap<>();
        int ended = 0;
        String after = null;
        for (int pages = 0; pages < MAX_PAGES && !budget.nearlyOut(); pages++) {
            Page<PolicyAction> page = store.actions(tenantId, PolicyAction.APPROVED, null, after, PolicyStore.ACTIONS_PER_READ);
            // The page's actions of finished jobs, by job: one read of their users' results per job, not one per action.
            Map<String, List<PolicyAction>> ofFinishedJobs = new LinkedHashMap<>();
            for (PolicyAction action : page.items()) {
                if (action.jobId() == null) {
                    continue; // the policy's own run finishes it
                }
                Optional<ReclaimJob> job = jobsRead.computeIfAbsent(action.jobId(), id -> jobs.job(tenantId, id));
                if (job.isPresent() && !job.get().running()) {
                    ofFinishedJobs.computeIfAbsent(action.jobId(), id -> new ArrayList<>()).add(action);
                }
            }
            for (Map.Entry<String, List<PolicyAction>> finished : ofFinishedJobs.entrySet()) {
                Map<String, JobUserResult> results = jobs.results(tenantId, finished.getKey(),
                        finished.getValue().stream().map(PolicyAction::accountId).toList());
                for (PolicyAction action : finished.getValue()) {
                    PolicyAction outcome = outcome(action, Optional.ofNullable(results.get(action.accountId())), clock.instant());
                    if (store.updateAction(tenantId, outcome, PolicyAction.APPROVED)) {
                        ended++;
                    }
                }
            }
            if (page.nextCursor() == null) {
                break;
            }
            after = page.nextCursor();
        }
        if (ended > 0) {
            LOG.info("policy actions settled from their bulk jobs", "ended", ended);
        }
        return ended;
    }

    static PolicyAction outcome(PolicyAction action, Optional<JobUserResult> result, Instant now) {
        if (result.isEmpty()) {
            // The job's plan left the user out (its reason is in the plan's skipped users), or never ran them.
            return action.ended(PolicyAction.CANCELLED, null, null, null, NOT_IN_JOB, "Job " + action.jobId()
                    + " did not reclaim this user: its plan left them out.", now);
        }
        JobUserResult r = result.get();
        return switch (r.outcome()) {
            case JobUserResult.COMPLETED, JobUserResult.PARTIAL -> action.ended(PolicyAction.DONE, r.reclaimId(), r.seats(),
                    r.monthlyCost(), null, null, now);
            case JobUserResult.FAILED -> action.ended(PolicyAction.FAILED, r.reclaimId(), 0, null, "reclaim_failed",
                    "The job's reclaim of this user failed; see the reclaim for each group's result.", now);
            default -> action.ended(PolicyAction.CANCELLED, r.reclaimId(), null, null, r.code() == null ? r.outcome() : r.code(),
                    r.reason() == null ? "Job " + action.jobId() + " did not reclaim this user (" + r.outcome() + ")." : r.reason(), now);
        };
    }
}
