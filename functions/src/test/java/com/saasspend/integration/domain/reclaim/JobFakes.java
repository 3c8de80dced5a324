package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.testing.ProcessKilled;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.reclaim.jobs.JobEvents;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobQueue;
import com.saasspend.integration.domain.reclaim.jobs.JobStore;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** In-memory stand-ins for the job ports: the store (with the same one-step semantics), a FIFO queue, the bus. */
final class JobFakes {
    private JobFakes() {}

    static final class Store implements JobStore {
        final Map<String, JobPlan> plans = new HashMap<>();
        final Map<String, String> planTakenBy = new HashMap<>();
        final Map<String, String> keys = new HashMap<>();
        final TreeMap<String, ReclaimJob> jobs = new TreeMap<>();
        final Map<String, TreeMap<String, JobUserResult>> results = new HashMap<>();
        /** Runs once right after the next result is written: the process dying before the step ends. */
        Runnable afterNextResult;

        @Override public void putPlan(String tenantId, JobPlan plan) { plans.put(plan.id(), plan); }

        @Override public Optional<JobPlan> plan(String tenantId, String planId, Instant now) {
            return Optional.ofNullable(plans.get(planId)).filter(p -> p.expiresAt().isAfter(now)).map(JobPlan::summary);
        }

        @Override public List<JobPlan.PlannedUser> planChunk(String tenantId, String planId, int chunk) {
            List<JobPlan.PlannedUser> all = plans.get(planId).included();
            return all.subList(Math.min(all.size(), chunk * CHUNK), Math.min(all.size(), (chunk + 1) * CHUNK));
        }

        @Override public Optional<ReclaimJob> create(String tenantId, String idempotencyKey, ReclaimJob job, Instant keyExpiresAt) {
            if (keys.containsKey(idempotencyKey)) {
                return Optional.of(jobs.get(keys.get(idempotencyKey)));
            }
            if (ReclaimJob.RECLAIM.equals(job.kind()) && planTakenBy.containsKey(job.planId())) {
                return Optional.of(jobs.get(planTakenBy.get(job.planId())));
            }
            if (ReclaimJob.UNDO.equals(job.kind()) && jobs.get(job.undoOf()).undoJobId() != null) {
                return Optional.of(jobs.get(jobs.get(job.undoOf()).undoJobId()));
            }
            keys.put(idempotencyKey, job.id());
            jobs.put(job.id(), job);
            if (ReclaimJob.RECLAIM.equals(job.kind())) {
                planTakenBy.put(job.planId(), job.id());
            } else {
                ReclaimJob p = jobs.get(job.undoOf());
                jobs.put(p.id(), new ReclaimJob(p.id(), p.kind(), p.planId(), p.undoOf(), job.id(), p.requestedBy(), p.createdAt(),
                        p.status(), p.cancelRequested(), p.enqueued(), p.chunks(), p.counts(), p.finishedAt()));
            }
            return Optional.empty();
        }

        @Override public Optional<ReclaimJob> job(String tenantId, String jobId) { return Optional.ofNullable(jobs.get(jobId)); }
        @Override public Optional<String> jobOfKey(String tenantId, String idempotencyKey) { return Optional.ofNullable(keys.get(idempotencyKey)); }

        @Override public void markEnqueued(String tenantId, String jobId) {
            ReclaimJob j = jobs.get(jobId);
            jobs.put(jobId, new ReclaimJob(j.id(), j.kind(), j.planId(), j.undoOf(), j.undoJobId(), j.requestedBy(), j.createdAt(),
                    j.status(), j.cancelRequested(), true, j.chunks(), j.counts(), j.finishedAt()));
        }

        @Override public boolean requestCancel(String tenantId, String jobId) {
            ReclaimJob j = jobs.get(jobId);
            if (j == null || !j.running()) {
                return false;
            }
            jobs.put(jobId, new ReclaimJob(j.id(), j.kind(), j.planId(), j.undoOf(), j.undoJobId(), j.requestedBy(), j.createdAt(),
                    j.status(), true, j.enqueued(), j.chunks(), j.counts(), j.finishedAt()));
            return true;
        }

        /** Each batch write of results: how many results it was given. */
        final List<Integer> resultWrites = new ArrayList<>();

        @Override public int recordResults(String tenantId, String jobId, List<JobUserResult> batch) {
            resultWrites.add(batch.size());
            TreeMap<String, JobUserResult> of = results.computeIfAbsent(jobId, k -> new TreeMap<>());
            int written = 0;
            for (JobUserResult result : batch) {
                if (of.putIfAbsent(result.accountId(), result) == null) {
                    jobs.put(jobId, jobs.get(jobId).withCounts(result.addTo(jobs.get(jobId).counts())));
                    written++;
                }
            }
            if (written > 0 && afterNextResult != null) {
                Runnable r = afterNextResult;
                afterNextResult = null;
                r.run();
            }
            return written;
        }

        @Override public Map<String, JobUserResult> results(String tenantId, String jobId, Collection<String> accountIds) {
            Map<String, JobUserResult> found = new HashMap<>();
            accountIds.forEach(id -> Optional.ofNullable(results.getOrDefault(jobId, new TreeMap<>()).get(id)).ifPresent(r -> found.put(id, r)));
            return found;
        }

        @Override public Page<JobUserResult> results(String tenantId, String jobId, String afterAccountId, int limit) {
            TreeMap<String, JobUserResult> of = results.getOrDefault(jobId, new TreeMap<>());
            List<JobUserResult> page = new ArrayList<>((afterAccountId == null ? of : of.tailMap(afterAccountId, false)).values());
            return page.size() > limit ? new Page<>(page.subList(0, limit), page.get(limit - 1).accountId()) : new Page<>(page, null);
        }

        @Override public boolean finish(String tenantId, ReclaimJob finished) {
            if (!jobs.get(finished.id()).running()) {
                return false;
            }
            jobs.put(finished.id(), finished);
            return true;
        }

        @Override public Page<ReclaimJob> list(String tenantId, String afterJobId, int limit) {
            return new Page<>(jobs.descendingMap().values().stream().limit(limit).toList(), null);
        }
    }

    /** A FIFO queue with the deduplication of SQS FIFO (by the step's id). Messages are taken and put back by the test. */
    static final class Queue implements JobQueue {
        final Deque<JobMessage> messages = new ArrayDeque<>();
        final Set<String> seen = new HashSet<>();
        int sent;

        @Override public void send(List<JobMessage> batch) {
            for (JobMessage m : batch) {
                sent++;
                if (seen.add(m.deduplicationSource())) {
                    messages.add(m);
                }
            }
        }
    }

    static final class Events implements JobEvents {
        final List<String> reclaims = new ArrayList<>();
        final List<ReclaimJob> jobs = new ArrayList<>();
        /** Fails the next job-completed publication (the process dying between the last result and the job's end). */
        boolean failNextJobCompleted;

        /** "reclaimId/jobId" of each ReclaimCompleted. */
        final List<String> reclaimsWithJob = new ArrayList<>();

        @Override public void reclaimCompleted(String tenantId, String jobId, ReclaimRecord record) {
            reclaims.add(record.id());
            reclaimsWithJob.add(record.id() + "/" + jobId);
        }

        @Override public void jobCompleted(String tenantId, ReclaimJob job) {
            if (failNextJobCompleted) {
                failNextJobCompleted = false;
                throw new ProcessKilled();
            }
            jobs.add(job);
        }
    }

    /** The License page's reads over the reclaim fakes' stored users, listed as the indexes list them. */
    static final class Reader extends InMemoryLicenseReader {
        final ReclaimFakes.Licenses licenses;

        Reader(ReclaimFakes.Licenses licenses) {
            super(licenses.users);
            this.licenses = licenses;
        }

        @Override public List<ProductInstance> products(String tenantId) { return licenses.products(tenantId); }
        @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) { return licenses.groups(tenantId, groupIds); }
    }
}
