package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.Refusal.Kind;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Bulk reclaim: a reviewed plan over many users, run as a job on a queue a batch of users per message (the batch's
 * users side by side, {@link UserBatch}), cancellable, and undone as a job too. Each user's removal is a normal reclaim
 * ({@link ReclaimService}: same audit item, per-group results, seat update) under an idempotency key derived from (job,
 * user), so a redelivered or interrupted step finishes that user's reclaim and never removes twice; the batch's results
 * and the job's counters are written in one conditional step (one writer of the job's counters at a time: the tenant's
 * steps run in order), so each user counts exactly once. The targeted re-sync that settles the users against
 * Atlassian is requested per chunk of users ({@link JobMessage#RESYNC}), not per user: one re-read of up to
 * {@link JobStore#CHUNK} users by id, so a job's Atlassian calls stay near the floor of one removal per user and group.
 */
public final class ReclaimJobService {
    private static final Log LOG = Log.of(ReclaimJobService.class);
    public static final Duration PLAN_LIFETIME = Duration.ofHours(24);
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    /** License page rows asked for per step while collecting a filter's users. */
    private static final int FILTER_PAGE = LicenseService.MAX_LIMIT;

    /** A step that cannot be done yet (another run holds the user's reclaim): the queue delivers it again later. */
    public static final class StepNotReady extends RuntimeException {
        public StepNotReady(String message) {
            super(message);
        }
    }

    private final ReclaimService reclaims;
    private final LicenseService licenseService;
    private final LicenseStore licenses;
    private final JobStore store;
    private final JobQueue queue;
    private final JobEvents events;
    private final SyncRequester syncRequester;
    private final Clock clock;
    private final UserBatch batches;

    /** A batch's users run one after another (the API function, which runs no steps; unit tests). */
    public ReclaimJobService(ReclaimService reclaims, LicenseService licenseService, LicenseStore licenses, JobStore store,
                             JobQueue queue, JobEvents events, SyncRequester syncRequester, Clock clock) {
        this(reclaims, licenseService, licenses, store, queue, events, syncRequester, clock, Runnable::run, 1);
    }

    /**
     * {@code userLanes} of a batch's users run at once on {@code executor} (the worker's pool, which carries the
     * invocation's deadline to its threads); the org's pacing keeps their Atlassian calls under its rate limit.
     */
    public ReclaimJobService(ReclaimService reclaims, LicenseService licenseService, LicenseStore licenses, JobStore store,
                             JobQueue queue, JobEvents events, SyncRequester syncRequester, Clock clock,
                             Executor executor, int userLanes) {
        this.batches = new UserBatch(executor, userLanes);
        this.reclaims = reclaims;
        this.licenseService = licenseService;
        this.licenses = licenses;
        this.store = store;
        this.queue = queue;
        this.events = events;
        this.syncRequester = syncRequester;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- plan

    public JobPlan plan(String tenantId, JobSelection selection) {
        ReclaimPlanner.Context context = reclaims.planningContext(tenantId);
        List<JobPlanner.Candidate> candidates = new ArrayList<>();
        List<String> ids = selectedIds(tenantId, selection);
        // One batch read per USERS_PER_READ users (5,000 users: 50 reads, not 5,000).
        for (int from = 0; from < ids.size(); from += LicenseStore.USERS_PER_READ) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + LicenseStore.USERS_PER_READ));
            Map<String, Hashed<OrgUser>> stored = licenses.users(tenantId, batch);
            batch.forEach(id -> candidates.add(new JobPlanner.Candidate(id, Optional.ofNullable(stored.get(id)).map(Hashed::item).orElse(null))));
        }
        Set<String> groupIds = new LinkedHashSet<>();
        candidates.stream().filter(c -> c.user() != null).forEach(c -> c.user().groups().forEach(g -> groupIds.add(g.id())));
        Map<String, OrgGroup> groups = licenses.groups(tenantId, groupIds);
        Instant now = clock.instant();
        JobPlan plan = JobPlanner.plan(ReclaimJob.newId("plan", now), now, now.plus(PLAN_LIFETIME), candidates, groups, selection, context);
        store.putPlan(tenantId, plan);
        LOG.info("bulk reclaim planned", "planId", plan.id(), "included", plan.includedCount(), "skipped", plan.skippedCount());
        return plan;
    }

    /** The account ids the selection names, in order, bounded by {@link JobSelection#MAX_USERS}. */
    private List<String> selectedIds(String tenantId, JobSelection selection) {
        if (selection.accountIds() != null) {
            return List.copyOf(new LinkedHashSet<>(selection.accountIds()));
        }
        JobSelection.Filter filter = selection.filter();
        List<String> ids = new ArrayList<>();
        // The License page's own listing (an index query, or its search, page by page); it stops one row past the bound.
        licenseService.forEachUser(tenantId, new LicenseService.UserQuery(filter.product(), filter.status(),
                filter.inactiveForDays(), filter.search(), null, null, FILTER_PAGE), row -> {
                    ids.add(row.accountId());
                    return ids.size() <= JobSelection.MAX_USERS;
                });
        if (ids.size() > JobSelection.MAX_USERS) {
            throw new Refusal(Kind.INVALID, "selection_too_large", "The filter selects more than " + JobSelection.MAX_USERS
                    + " users; narrow it (a product, a status, more inactive days, a search) and run several jobs.",
                    List.of(new Refusal.Field("filter", "selects more than " + JobSelection.MAX_USERS + " users")), null);
        }
        return ids;
    }

    // ---------------------------------------------------------------- start, undo, cancel

    public record Started(ReclaimJob job, boolean replayed) {}

    public Started start(String tenantId, String actor, String idempotencyKey, String planId) {
        Optional<Started> replay = replay(tenantId, idempotencyKey, planId);
        if (replay.isPresent()) {
            return replay.get();
        }
        Instant now = clock.instant();
        JobPlan plan = store.plan(tenantId, planId, now).orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "plan_not_found",
                "There is no plan with this id, or it expired (plans are kept " + PLAN_LIFETIME.toHours() + " hours). Plan again."));
        int chunks = (plan.includedCount() + JobStore.CHUNK - 1) / JobStore.CHUNK;
        ReclaimJob job = new ReclaimJob(ReclaimJob.newId("job", now), ReclaimJob.RECLAIM, planId, null, null, actor, now,
                ReclaimJob.RUNNING, false, false, chunks, new ReclaimJob.Counts(plan.includedCount() + plan.skippedCount(), 0, 0, 0,
                plan.skippedCount(), 0, plan.skippedCount(), 0, null), null);
        Optional<ReclaimJob> holder = store.create(tenantId, idempotencyKey, job, now.plus(KEY_LIFETIME));
        if (holder.isPresent()) {
            return replay(tenantId, idempotencyKey, planId).orElseThrow(() -> new Refusal(Kind.CONFLICT, "plan_already_run",
                    "This plan already runs as job " + holder.get().id() + "; a plan runs once. Plan again for a new job."));
        }
        LOG.info("bulk reclaim started", "jobId", job.id(), "planId", planId, "users", plan.includedCount());
        return new Started(enqueue(tenantId, job), false);
    }

    private Optional<Started> replay(String tenantId, String idempotencyKey, String planId) {
        Optional<ReclaimJob> held = store.jobOfKey(tenantId, idempotencyKey).flatMap(id -> store.job(tenantId, id));
        if (held.isEmpty()) {
            return Optional.empty();
        }
        if (!held.get().planId().equals(planId) || !ReclaimJob.RECLAIM.equals(held.get().kind())) {
            throw new Refusal(Kind.REJECTED, "idempotency_key_reused", "This Idempotency-Key was already used for another "
                    + "plan's job. Use a new key for a new job.");
        }
        return Optional.of(new Started(enqueue(tenantId, held.get()), true));
    }

    /**
     * Sends the job's first expand step unless that is known done (each expand sends the next one after its chunk's
     * steps, so a job has at most one chunk's steps waiting on the queue, whatever its size). A creator that died
     * between creating the job and sending it is finished by the key's retry or by the next read of the job; a step
     * sent twice is the same step.
     */
    private ReclaimJob enqueue(String tenantId, ReclaimJob job) {
        if (job.enqueued() || !job.running()) {
            return job;
        }
        if (job.chunks() == 0) {
            finishIfDone(tenantId, job.id());
        } else {
            queue.send(List.of(JobMessage.expand(tenantId, job.id(), 0)));
        }
        store.markEnqueued(tenantId, job.id());
        return store.job(tenantId, job.id()).orElse(job);
    }

    /** Undoes every membership the job removed, as a job of its own; asking again answers the same undo job. */
    public Started undo(String tenantId, String actor, String jobId) {
        ReclaimJob parent = job(tenantId, jobId);
        if (ReclaimJob.UNDO.equals(parent.kind())) {
            throw new Refusal(Kind.CONFLICT, "job_is_an_undo", "This job is an undo; it cannot be undone itself. Plan a new reclaim.");
        }
        if (parent.undoJobId() != null) {
            return new Started(enqueue(tenantId, job(tenantId, parent.undoJobId())), true);
        }
        if (parent.running()) {
            throw new Refusal(Kind.CONFLICT, "job_in_progress", "This job is still running; cancel it or wait for it to end, then undo it.");
        }
        Instant now = clock.instant();
        if (now.isAfter(parent.createdAt().plus(ReclaimRecord.UNDO_WINDOW))) {
            throw new Refusal(Kind.CONFLICT, "undo_window_passed", "A job can be undone for " + ReclaimRecord.UNDO_WINDOW.toDays()
                    + " days after it started; this one started at " + parent.createdAt() + ".");
        }
        if (parent.counts().done() == 0) {
            throw new Refusal(Kind.CONFLICT, "nothing_to_undo", "This job removed no membership, so there is nothing to undo.");
        }
        ReclaimJob undo = new ReclaimJob(ReclaimJob.newId("job", now), ReclaimJob.UNDO, parent.planId(), parent.id(), null, actor,
                now, ReclaimJob.RUNNING, false, false, parent.chunks(), new ReclaimJob.Counts(
                parent.counts().total() - parent.counts().plannedSkipped(), 0, 0, 0, 0, 0, 0, 0, null), null);
        Optional<ReclaimJob> existing = store.create(tenantId, "undo:" + parent.id(), undo, now.plus(ReclaimRecord.UNDO_WINDOW));
        if (existing.isPresent()) {
            return new Started(enqueue(tenantId, existing.get()), true);
        }
        LOG.info("bulk undo started", "jobId", undo.id(), "undoOf", parent.id());
        return new Started(enqueue(tenantId, undo), false);
    }

    /**
     * Users not started yet are not started: each becomes {@code cancelled}; those running finish. A batch under way
     * notices within {@link CancelWatch#INTERVAL}.
     */
    public ReclaimJob cancel(String tenantId, String jobId) {
        ReclaimJob job = job(tenantId, jobId);
        if (!store.requestCancel(tenantId, jobId)) {
            throw new Refusal(Kind.CONFLICT, "job_not_running", "This job has ended (" + job.status() + "); there is nothing to cancel.");
        }
        return job(tenantId, jobId);
    }

    // ---------------------------------------------------------------- reading

    /** A job with its estimate of the time left (from its own pace so far) and one page of its users' results. */
    public record View(ReclaimJob job, Long secondsLeft, Page<JobUserResult> results) {}

    public View find(String tenantId, String jobId, String afterAccountId, int limit) {
        ReclaimJob job = enqueue(tenantId, job(tenantId, jobId));
        if (job.running() && job.counts().remaining() == 0) {
            // Every user has a result but the step that should have ended the job did not (it died): end it now.
            finishIfDone(tenantId, jobId);
            job = job(tenantId, jobId);
        }
        return new View(job, secondsLeft(job), store.results(tenantId, jobId, afterAccountId, limit));
    }

    Long secondsLeft(ReclaimJob job) {
        int processed = job.counts().processed() - job.counts().plannedSkipped();
        if (!job.running()) {
            return 0L;
        }
        if (processed <= 0) {
            return null;
        }
        long elapsed = Math.max(0, Duration.between(job.createdAt(), clock.instant()).toSeconds());
        return elapsed * job.counts().remaining() / processed;
    }

    public Page<ReclaimJob> list(String tenantId, String afterJobId, int limit) {
        return store.list(tenantId, afterJobId, limit);
    }

    private ReclaimJob job(String tenantId, String jobId) {
        return (ReclaimJob.wellFormed(jobId) ? store.job(tenantId, jobId) : Optional.<ReclaimJob>empty())
                .orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "job_not_found", "There is no reclaim job with this id."));
    }

    // ---------------------------------------------------------------- the worker's steps

    /**
     * Runs one step. Safe to run again after a crash anywhere in it, and for a step delivered twice. Throws
     * {@link StepNotReady} (or an upstream failure) when the queue should deliver it again later.
     */
    public void handle(JobMessage message) {
        handle(message, Budget.unlimited());
    }

    /**
     * The same within an invocation's time: a batch's user is started only while {@code budget} is not nearly out; the
     * users it leaves (results written for the others) go to the step's redelivery, which finds the others' results.
     */
    public void handle(JobMessage message, Budget budget) {
        String tenantId = message.tenantId();
        Optional<ReclaimJob> found = store.job(tenantId, message.jobId());
        if (found.isEmpty()) {
            LOG.warn("a step of an unknown job was dropped", "jobId", message.jobId());
            return;
        }
        ReclaimJob job = found.get();
        if (JobMessage.EXPAND.equals(message.type())) {
            List<JobPlan.PlannedUser> users = store.planChunk(tenantId, job.planId(), message.chunk());
            List<JobMessage> steps = new ArrayList<>(JobMessage.batches(tenantId, job.id(), users));
            // After the chunk's users in the tenant's FIFO order: delivered once they are all done; then the next chunk.
            steps.add(JobMessage.resync(tenantId, job.id(), message.chunk()));
            if (message.chunk() + 1 < job.chunks()) {
                steps.add(JobMessage.expand(tenantId, job.id(), message.chunk() + 1));
            }
            queue.send(steps);
            return;
        }
        if (JobMessage.RESYNC.equals(message.type())) {
            resync(tenantId, job, message.chunk());
            // FIFO delivers a chunk's resync after its users: the last one also ends a job whose last user step did not.
            finishIfDone(tenantId, job.id());
            return;
        }
        List<JobPlan.PlannedUser> targets = message.targets();
        List<String> ids = targets.stream().map(JobPlan.PlannedUser::accountId).toList();
        // One read for the batch: users with a result (a redelivery, or a batch cut short) are not run again.
        Map<String, JobUserResult> recorded = store.results(tenantId, job.id(), ids);
        List<JobPlan.PlannedUser> todo = targets.stream().filter(u -> !recorded.containsKey(u.accountId())).toList();
        Map<String, JobUserResult> reclaimed = ReclaimJob.UNDO.equals(job.kind()) && !todo.isEmpty()
                ? store.results(tenantId, job.undoOf(), todo.stream().map(JobPlan.PlannedUser::accountId).toList()) : Map.of();
        CancelWatch cancel = new CancelWatch(job.cancelRequested(),
                () -> store.job(tenantId, job.id()).map(ReclaimJob::cancelRequested).orElse(true), clock);
        UserBatch.Outcome outcome = batches.run(todo, user -> cancel.cancelled()
                ? new JobUserResult(user.accountId(), user.name(), JobUserResult.CANCELLED, null, 0, null, "job_cancelled",
                        "The job was cancelled before this user started; nothing was changed.")
                : ReclaimJob.RECLAIM.equals(job.kind()) ? reclaimOne(tenantId, job, user) : undoOne(tenantId, job, user, reclaimed.get(user.accountId())),
                budget);
        // Written together, and before any failure is raised: what was done is never done again by the redelivery.
        store.recordResults(tenantId, job.id(), outcome.results());
        outcome.raiseFailure();
        if (outcome.results().size() < todo.size()) {
            throw new StepNotReady((todo.size() - outcome.results().size()) + " user(s) of the batch left for the step's next delivery: the invocation is nearly out of time");
        }
        // Counters only fall: unless this batch could hold the job's last users, it cannot end the job (one read per
        // job, not one per batch).
        if (job.counts().remaining() <= targets.size()) {
            finishIfDone(tenantId, job.id());
        }
    }

    /** The idempotency key of one user's reclaim in a job: a redelivery finds that reclaim, never starts another. */
    static String keyOf(String jobId, String accountId) {
        return "job:" + jobId + ":" + accountId;
    }

    private JobUserResult reclaimOne(String tenantId, ReclaimJob job, JobPlan.PlannedUser user) {
        ReclaimRecord record;
        try {
            record = reclaims.reclaim(tenantId, job.requestedBy(), keyOf(job.id(), user.accountId()),
                    new ReclaimRequest(user.accountId(), user.groupIds()), job.id()).record();
        } catch (Refusal refused) {
            return skippedOrRetry(user, refused);
        }
        // Its ReclaimCompleted (with the job's id) was published by whichever run settled it.
        BigDecimal cost = record.monthlyCostFreed();
        return new JobUserResult(record.accountId(), record.userName(), record.status(), record.id(), record.seatsFreed().size(),
                cost, null, null);
    }

    /** {@code reclaimed}: the user's result in the job undone (null: none). */
    private JobUserResult undoOne(String tenantId, ReclaimJob job, JobPlan.PlannedUser user, JobUserResult reclaimed) {
        if (reclaimed == null || reclaimed.reclaimId() == null) {
            return new JobUserResult(user.accountId(), user.name(), JobUserResult.SKIPPED, null, 0, null, "nothing_to_undo",
                    "The job removed nothing for this user.");
        }
        String reclaimId = reclaimed.reclaimId();
        ReclaimRecord record;
        try {
            record = reclaims.undo(tenantId, job.requestedBy(), reclaimId, true);
        } catch (Refusal refused) {
            if ("reclaim_already_undone".equals(refused.code())) {
                // Undone by an earlier delivery of this step (or by hand): its outcome is the answer.
                record = reclaims.find(tenantId, reclaimId);
            } else {
                return skippedOrRetry(user, refused);
            }
        }
        ReclaimRecord.Undo undo = record.undo();
        return new JobUserResult(record.accountId(), record.userName(), undo == null ? JobUserResult.FAILED : undo.status(),
                record.id(), undo == null ? 0 : undo.seatsRestored(), null, null, null);
    }

    /**
     * One targeted re-sync for the chunk's users (the plan's chunk holds at most {@link JobStore#CHUNK}, one request's
     * worth). Users the job skipped or cancelled are re-read too: unchanged, they cost no write, and reading the results
     * first would cost a DynamoDB read per user. A failure to publish leaves the settling to the scheduled sync.
     */
    private void resync(String tenantId, ReclaimJob job, int chunk) {
        List<String> accountIds = store.planChunk(tenantId, job.planId(), chunk).stream().map(JobPlan.PlannedUser::accountId).toList();
        if (accountIds.isEmpty()) {
            return;
        }
        String reason = ReclaimJob.RECLAIM.equals(job.kind()) ? "reclaim" : "reclaim-undo";
        try {
            syncRequester.request(List.of(new SyncRequest(tenantId, IntegrationType.ATLASSIAN, reason, accountIds)));
        } catch (RuntimeException e) {
            LOG.warn("targeted re-sync of a job's users could not be requested", "jobId", job.id(), "chunk", chunk,
                    "error", e.getClass().getSimpleName());
        }
    }

    private static JobUserResult skippedOrRetry(JobPlan.PlannedUser user, Refusal refused) {
        switch (refused.kind()) {
            case UPSTREAM_UNAVAILABLE, UPSTREAM_RATE_LIMITED, UPSTREAM_OUT_OF_TIME ->
                    throw new StepNotReady(refused.code() + ": " + refused.getMessage());
            case CONFLICT -> {
                if (refused.code().endsWith("_in_progress")) {
                    throw new StepNotReady(refused.code() + ": " + refused.getMessage());
                }
            }
            default -> { }
        }
        return new JobUserResult(user.accountId(), user.name(), JobUserResult.SKIPPED, null, 0, null, refused.code(),
                refused.getMessage());
    }

    /**
     * Ends the job once every user has a result: the completion event first, then the status (a crash between them
     * sends the event again on the next delivery: at least once).
     */
    private void finishIfDone(String tenantId, String jobId) {
        Optional<ReclaimJob> job = store.job(tenantId, jobId);
        if (job.isEmpty() || !job.get().running() || job.get().counts().remaining() > 0) {
            return;
        }
        ReclaimJob finished = job.get().finished(clock.instant());
        events.jobCompleted(tenantId, finished);
        if (store.finish(tenantId, finished)) {
            LOG.info("bulk reclaim job finished", "jobId", jobId, "status", finished.status(), "done", finished.counts().done(),
                    "failed", finished.counts().failed(), "seats", finished.counts().seats());
        }
    }
}
