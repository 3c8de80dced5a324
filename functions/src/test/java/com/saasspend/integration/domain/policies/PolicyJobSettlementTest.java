package com.saasspend.integration.domain.policies;

import static com.saasspend.integration.domain.policies.PolicyFakes.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.reclaim.jobs.JobResults;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.MutableClock;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Actions approved into a bulk job end from the job's per-user results once it has finished, once. */
class PolicyJobSettlementTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryPolicyStore store = new InMemoryPolicyStore();
    private final PolicyFakes.Settings settings = new PolicyFakes.Settings();
    private final Map<String, ReclaimJob> jobs = new HashMap<>();
    private final Map<String, JobUserResult> results = new HashMap<>();
    private int resultReads;
    private final PolicyJobSettlement settlement = new PolicyJobSettlement(store, new JobResults() {
        @Override public Optional<ReclaimJob> job(String tenantId, String jobId) { return Optional.ofNullable(jobs.get(jobId)); }
        @Override public Map<String, JobUserResult> results(String tenantId, String jobId, Collection<String> accountIds) {
            resultReads++;
            Map<String, JobUserResult> found = new HashMap<>();
            accountIds.forEach(id -> Optional.ofNullable(results.get(jobId + "/" + id)).ifPresent(r -> found.put(id, r)));
            return found;
        }
    }, settings, clock);

    private PolicyAction approved(String account, String jobId) {
        PolicyAction pending = new PolicyAction(PolicyAction.idOf("pol-00000000000000000001", account, "confluence", null),
                "pol-00000000000000000001", "Idle", Policy.APPROVE, account, account, null, "confluence", List.of("g1"), 1,
                new BigDecimal("6.05"), PolicyAction.PENDING, clock.instant(), clock.instant(), null, null, null, null, null, null, null,
                clock.instant());
        store.createAction(TENANT, pending);
        PolicyAction decided = jobId == null ? pending.decided(PolicyAction.APPROVED, "admin", clock.instant())
                : pending.approvedInJob(jobId, "admin", clock.instant());
        store.updateAction(TENANT, decided, PolicyAction.PENDING);
        return decided;
    }

    private void job(String id, String status) {
        jobs.put(id, new ReclaimJob(id, ReclaimJob.RECLAIM, "plan-" + id, null, null, "admin (policy pol-00000000000000000001)",
                clock.instant(), status, false, true, 1, new ReclaimJob.Counts(4, 0, 0, 0, 0, 0, 0, 0, null), null));
    }

    private PolicyAction stored(PolicyAction action) {
        return store.action(TENANT, action.id()).orElseThrow();
    }

    @Test
    void aFinishedJobsResultsEndItsActionsAndARunningJobsWait() {
        job("job-1", ReclaimJob.COMPLETED);
        job("job-2", ReclaimJob.RUNNING);
        PolicyAction reclaimed = approved("u1", "job-1");
        PolicyAction failed = approved("u2", "job-1");
        PolicyAction skipped = approved("u3", "job-1");
        PolicyAction leftOut = approved("u4", "job-1");
        PolicyAction waiting = approved("u5", "job-2");
        PolicyAction ownRun = approved("u6", null);
        results.put("job-1/u1", new JobUserResult("u1", "U1", JobUserResult.COMPLETED, "rcl-1", 1, new BigDecimal("6.05"), null, null));
        results.put("job-1/u2", new JobUserResult("u2", "U2", JobUserResult.FAILED, "rcl-2", 0, null, null, null));
        results.put("job-1/u3", new JobUserResult("u3", "U3", JobUserResult.SKIPPED, null, 0, null, "kept_by_other_groups", "Other groups keep it."));

        assertEquals(4, settlement.settle(TENANT, Budget.unlimited()));

        assertEquals(PolicyAction.DONE, stored(reclaimed).status());
        assertEquals("rcl-1", stored(reclaimed).reclaimId());
        assertEquals("job-1", stored(reclaimed).jobId());
        assertNull(stored(reclaimed).reasonCode());
        assertEquals(PolicyAction.FAILED, stored(failed).status());
        assertEquals("reclaim_failed", stored(failed).reasonCode());
        assertEquals(PolicyAction.CANCELLED, stored(skipped).status());
        assertEquals("kept_by_other_groups", stored(skipped).reasonCode());
        assertEquals(PolicyAction.CANCELLED, stored(leftOut).status());
        assertEquals(PolicyJobSettlement.NOT_IN_JOB, stored(leftOut).reasonCode());
        assertEquals(PolicyAction.APPROVED, stored(waiting).status(), "its job still runs");
        assertEquals(PolicyAction.APPROVED, stored(ownRun).status(), "not a job's: the policy's own run finishes it");

        int reads = resultReads;
        assertEquals(0, settlement.settle(TENANT, Budget.unlimited()), "ended once");
        assertEquals(reads, resultReads, "nothing of job-1's is read again");
        job("job-2", ReclaimJob.CANCELLED);
        results.put("job-2/u5", new JobUserResult("u5", "U5", JobUserResult.CANCELLED, null, 0, null, "job_cancelled", "Cancelled."));
        assertEquals(1, settlement.settle(TENANT, Budget.unlimited()));
        assertEquals("job_cancelled", stored(waiting).reasonCode());
    }

    @Test
    void aJobOfMoreActionsThanOneReadEndsThemAllAndABudgetOutEndsNoneAndASkipWithoutACodeKeepsItsOutcome() {
        job("job-1", ReclaimJob.COMPLETED);
        int count = PolicyStore.ACTIONS_PER_READ + 5;
        List<PolicyAction> actions = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            actions.add(approved("u" + i, "job-1"));
            results.put("job-1/u" + i, new JobUserResult("u" + i, "U" + i, JobUserResult.COMPLETED, "rcl-" + i, 1, null, null, null));
        }
        results.put("job-1/u7", new JobUserResult("u7", "U7", JobUserResult.SKIPPED, null, 0, null, null, null));

        assertEquals(0, settlement.settle(TENANT, () -> true), "no time left: nothing read, nothing ended");
        assertEquals(0, resultReads);
        assertEquals(count, settlement.settle(TENANT, Budget.unlimited()), "every page of approved actions");
        assertEquals(2, resultReads, "one read of the job's results a page of actions, not one an action");
        for (PolicyAction action : actions) {
            PolicyAction now = stored(action);
            if (action.accountId().equals("u7")) {
                assertEquals(PolicyAction.CANCELLED, now.status());
                assertEquals(JobUserResult.SKIPPED, now.reasonCode(), "no code: the result's outcome says why");
                assertEquals("Job job-1 did not reclaim this user (" + JobUserResult.SKIPPED + ").", now.reason());
            } else {
                assertEquals(PolicyAction.DONE, now.status(), action.accountId());
                assertEquals("rcl-" + action.accountId().substring(1), now.reclaimId());
            }
        }
    }

    @Test
    void theKillSwitchStopsItToo() {
        job("job-1", ReclaimJob.COMPLETED);
        PolicyAction action = approved("u1", "job-1");
        settings.settings = new TenantSettings(30, Map.of(), true);
        assertEquals(0, settlement.settle(TENANT, Budget.unlimited()));
        assertEquals(PolicyAction.APPROVED, stored(action).status());
    }

    @Test
    void aRunLooksAtMostAtItsPagesOfApprovedActionsAndTheNextRunEndsTheRest() {
        job("job-1", ReclaimJob.COMPLETED);
        int most = PolicyJobSettlement.MAX_PAGES * PolicyStore.ACTIONS_PER_READ;
        for (int i = 0; i <= most; i++) {
            approved(String.format("u%05d", i), "job-1");
            results.put(String.format("job-1/u%05d", i), new JobUserResult(String.format("u%05d", i), "U", JobUserResult.COMPLETED,
                    "rcl-" + i, 1, null, null, null));
        }

        assertEquals(most, settlement.settle(TENANT, Budget.unlimited()), "the pages one run looks at");
        assertEquals(PolicyJobSettlement.MAX_PAGES, store.pageReads.size());
        assertEquals(1, settlement.settle(TENANT, Budget.unlimited()), "the one past them, next run");
    }
}
