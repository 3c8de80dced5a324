package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.testing.ProcessKilled;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobPlanner;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk reclaim job against in-memory ports: the plan's inclusions and stable skip reasons, a job driven step by
 * step through a duplicated delivery, a process killed between a removal and its result, a crash after the result,
 * cancel, the undo job, and the idempotency of starting.
 */
class ReclaimJobServiceTest {
    static final int USERS = 5;
    static final String ADMIN = "712020:admin";
    static final String IDP_ONLY = "712020:idp";
    static final String CONFLUENCE_ONLY = "712020:conf";
    static final String NEW_GROUP_ONLY = "712020:newgroup";
    static final String UNKNOWN = "712020:unknown";

    final ReclaimFakes.MovableClock clock = new ReclaimFakes.MovableClock();
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    final JobFakes.Store store = new JobFakes.Store();
    final JobFakes.Queue queue = new JobFakes.Queue();
    final JobFakes.Events events = new JobFakes.Events();
    ReclaimJobService jobs;
    LicenseService licenseService;
    final Map<String, OrgUser> originals = new LinkedHashMap<>();
    ReclaimService reclaims;
    final ReclaimFakes.Keys keys = new ReclaimFakes.Keys();
    /** Every targeted re-sync requested, with how many users of the running job had a result when it was. */
    final List<com.saasspend.integration.domain.SyncRequest> resyncs = new ArrayList<>();
    final List<Integer> resultsWhenRequested = new ArrayList<>();
    final com.saasspend.integration.domain.SyncRequester requester = requests -> {
        resyncs.addAll(requests);
        requests.forEach(r -> resultsWhenRequested.add(store.results.values().stream().mapToInt(Map::size).max().orElse(0)));
    };

    static String user(int i) {
        return "712020:u" + i;
    }

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        licenses.groups.put("gidp", new OrgGroup("gidp", "gidp-name", null, "scim", true, 3,
                List.of(new OrgGroup.Grant(JIRA, "jira-software", List.of("atlassian/user"), false)), "dir-1"));
        licenses.groups.put("gadmin", new OrgGroup("gadmin", "gadmin-name", null, "admins", false, 3,
                List.of(new OrgGroup.Grant(JIRA, "jira-software", List.of("atlassian/admin"), false)), "dir-1"));
        for (int i = 0; i < USERS; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        put(ADMIN, true, List.of("gadmin", "g1"), JIRA);
        put(IDP_ONLY, false, List.of("gidp"), JIRA);
        put(CONFLUENCE_ONLY, false, List.of("g3"), CONFLUENCE);
        // A group the user's record names that the last sync did not store.
        put(NEW_GROUP_ONLY, false, List.of("gnew"), JIRA);
        reclaims = new ReclaimService(integrations, new ReclaimFakes.Vault(), atlassian, licenses, audit,
                keys, new ReclaimFakes.Settings(), requester,
                new com.saasspend.integration.domain.savings.InMemorySavingsStore(), events, clock, Duration.ofSeconds(30));
        licenseService = new LicenseService(new JobFakes.Reader(licenses), new ReclaimFakes.Settings(), integrations, clock);
        jobs = new ReclaimJobService(reclaims, licenseService, licenses, store, queue, events, requester, clock);
    }

    private void put(String accountId, boolean orgAdmin, List<String> groups, String... resources) {
        List<OrgUser.ProductAccess> access = new ArrayList<>();
        for (String r : resources) {
            access.add(new OrgUser.ProductAccess(r.equals(JIRA) ? "jira-software" : "confluence", r, "2026-01-01T00:00:00Z"));
        }
        OrgUser u = new OrgUser(accountId, "Name " + accountId, accountId + "@example.com", "atlassian", "active", "active", null,
                orgAdmin, null, access, groups.stream().map(g -> new OrgUser.GroupRef(g, g + "-name")).toList());
        licenses.users.put(accountId, u);
        originals.put(accountId, u);
        atlassian.memberships.put(accountId, new HashSet<>(groups));
    }

    private static List<String> generated() {
        return IntStream.range(0, USERS).mapToObj(ReclaimJobServiceTest::user).toList();
    }

    private JobPlan planJira(List<String> ids) {
        return jobs.plan(TENANT, new JobSelection(ids, null, "jira-software", null));
    }

    /** Delivers queued steps until none is left; a step that throws goes back to the head (after its visibility timeout). */
    private void drain(Consumer<JobMessage> beforeEach) {
        for (int guard = 0; guard < 1_000 && !queue.messages.isEmpty(); guard++) {
            JobMessage m = queue.messages.poll();
            beforeEach.accept(m);
            try {
                jobs.handle(m);
            } catch (ProcessKilled | ReclaimJobService.StepNotReady redelivered) {
                queue.messages.addFirst(m);
                clock.now = clock.now.plus(Duration.ofMinutes(6));
            }
        }
        assertTrue(queue.messages.isEmpty(), "the job's steps end");
    }

    private void drain() {
        drain(m -> { });
    }

    /** Splits the queued batches into batches of one user (a test that acts between two users). */
    private void oneUserPerBatch() {
        List<JobMessage> split = new ArrayList<>();
        for (JobMessage m : queue.messages) {
            if (JobMessage.USERS.equals(m.type())) {
                m.targets().forEach(u -> split.add(JobMessage.users(m.tenantId(), m.jobId(), List.of(u))));
            } else {
                split.add(m);
            }
        }
        queue.messages.clear();
        queue.messages.addAll(split);
    }

    @Test
    void aPlanIncludesWhatFreesTheProductAndSkipsEveryOtherUserWithAStableReason() {
        List<String> ids = new ArrayList<>(generated());
        ids.addAll(List.of(ADMIN, IDP_ONLY, CONFLUENCE_ONLY, NEW_GROUP_ONLY, UNKNOWN));
        JobPlan plan = planJira(ids);

        assertEquals(generated(), plan.included().stream().map(JobPlan.PlannedUser::accountId).toList());
        plan.included().forEach(u -> assertEquals(List.of("g1"), u.groupIds(), "only the groups granting the product"));
        Map<String, String> skipped = plan.skipped().stream().collect(Collectors.toMap(JobPlan.SkippedUser::accountId, JobPlan.SkippedUser::code));
        assertEquals(Map.of(ADMIN, "org_admin_access_protected", IDP_ONLY, JobPlanner.IDP_MANAGED_GROUP,
                CONFLUENCE_ONLY, JobPlanner.NO_MATCHING_GROUPS, NEW_GROUP_ONLY, JobPlanner.GROUP_NEWER_THAN_SYNC,
                UNKNOWN, JobPlanner.USER_NOT_FOUND), skipped);
        assertEquals(1, plan.products().size());
        JobPlan.ProductTotal jira = plan.products().get(0);
        assertEquals("jira-software", jira.productKey());
        assertEquals(USERS, jira.seatsFreed());
        assertEquals(0, new BigDecimal("50").compareTo(jira.monthlyCostFreed()), "5 seats at the tenant's price of 10");
        assertEquals(0, new BigDecimal("50").compareTo(plan.monthlyCostFreed()));
        assertTrue(store.plans.get(plan.id()).expiresAt().isAfter(clock.now), "stored with an expiry");
        assertEquals(0, atlassian.count("remove"), "a plan changes nothing");
    }

    @Test
    void aPlanOfManyExplicitIdsReadsTheUsersInBatchesOfAHundredNotOneByOne() {
        for (int i = USERS; i < 250; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        List<String> ids = new ArrayList<>(IntStream.range(0, 250).mapToObj(ReclaimJobServiceTest::user).toList());
        ids.add(UNKNOWN);
        licenses.singleUserReads = 0;
        JobPlan plan = planJira(ids);

        assertEquals(List.of(100, 100, 51), licenses.userBatches, "one batch read per hundred ids");
        assertEquals(0, licenses.singleUserReads, "no user read one by one");
        assertEquals(250, plan.includedCount());
        assertEquals(List.of(UNKNOWN), plan.skipped().stream().map(JobPlan.SkippedUser::accountId).toList());
        assertEquals(ids.subList(0, 250), plan.included().stream().map(JobPlan.PlannedUser::accountId).toList(), "in the selection's order");
    }

    @Test
    void aFilterPlanReadsTheLicensePageAndHonoursExclusions() {
        JobPlan plan = jobs.plan(TENANT, new JobSelection(null, new JobSelection.Filter("confluence", "inactive", 90, null,
                List.of(), List.of(user(1))), "confluence", null));
        assertEquals(Set.of(user(0), user(2), user(3), user(4), CONFLUENCE_ONLY),
                plan.included().stream().map(JobPlan.PlannedUser::accountId).collect(Collectors.toSet()));
        assertEquals(List.of(JobPlanner.EXCLUDED_ACCOUNT), plan.skipped().stream().map(JobPlan.SkippedUser::code).toList());

        JobPlan byGroup = jobs.plan(TENANT, new JobSelection(null, new JobSelection.Filter("confluence", null, null, null,
                List.of("g1"), List.of()), "confluence", null));
        assertEquals(List.of(CONFLUENCE_ONLY), byGroup.included().stream().map(JobPlan.PlannedUser::accountId).toList());
        assertEquals(USERS, byGroup.skipped().stream().filter(s -> s.code().equals(JobPlanner.EXCLUDED_GROUP)).count());
    }

    @Test
    void aJobRemovesEveryMembershipExactlyOnceThroughADuplicateDeliveryAndAWorkerKilledBetweenRemovalAndResult() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        assertEquals(ReclaimJob.RUNNING, job.status());
        atlassian.killAfterChanges = 3;
        Set<String> duplicated = new HashSet<>();
        drain(m -> {
            // The first batch of users is delivered twice (a redelivery after the step succeeded).
            if (JobMessage.USERS.equals(m.type()) && duplicated.add("once")) {
                queue.messages.addFirst(m);
            }
        });

        assertEquals(-1, atlassian.killAfterChanges, "the worker was killed after the third removal");
        assertEquals(USERS, atlassian.count("remove"), "one DELETE per user x group, none resent");
        generated().forEach(id -> assertEquals(Set.of("g3"), atlassian.memberships.get(id)));
        ReclaimJob done = store.jobs.get(job.id());
        assertEquals(ReclaimJob.COMPLETED, done.status());
        assertEquals(USERS, done.counts().done());
        assertEquals(USERS, done.counts().freed());
        assertEquals(USERS, done.counts().seats());
        assertEquals(0, new BigDecimal("50").compareTo(done.counts().monthlyCost()));
        assertEquals(0, done.counts().remaining());
        assertEquals(USERS, store.results.get(job.id()).size());
        store.results.get(job.id()).values().forEach(r -> assertEquals(JobUserResult.COMPLETED, r.outcome(), r.toString()));
        assertEquals(USERS, audit.records.size(), "one audit item per user: a retry finished the killed one, never another");
        assertEquals(1, events.jobs.size());
        assertEquals(USERS, Set.copyOf(events.reclaims).size());
        assertEquals(USERS, events.reclaims.size(), "one ReclaimCompleted per user, whoever settled its reclaim");
        events.reclaimsWithJob.forEach(e -> assertTrue(e.endsWith("/" + job.id()), "each carries the job's id: " + e));
        // The stored users follow at once (License page) as a single reclaim leaves them.
        generated().forEach(id -> assertEquals(List.of("g3"), licenses.users.get(id).groups().stream().map(OrgUser.GroupRef::id).toList()));
    }

    @Test
    void aJobWhoseEndingStepDiedAndWasNotDeliveredAgainIsEndedByTheNextReadOfIt() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        events.failNextJobCompleted = true;
        // Steps delivered until the one ending the job dies; it is not delivered again (in the dead-letter queue, say).
        for (int guard = 0; guard < 100 && !queue.messages.isEmpty() && events.failNextJobCompleted; guard++) {
            JobMessage m = queue.messages.poll();
            try {
                jobs.handle(m);
            } catch (ProcessKilled died) {
                // the process died
            }
        }
        assertFalse(events.failNextJobCompleted, "the step ending the job died");
        queue.messages.clear();
        assertEquals(ReclaimJob.RUNNING, store.jobs.get(job.id()).status());
        assertEquals(0, store.jobs.get(job.id()).counts().remaining(), "every user has a result");

        assertEquals(ReclaimJob.COMPLETED, jobs.find(TENANT, job.id(), null, 10).job().status(), "GET /reclaim-jobs/{id} ends it");
        assertEquals(1, events.jobs.size(), "its end published once");
        jobs.find(TENANT, job.id(), null, 10);
        assertEquals(1, events.jobs.size(), "a later read publishes nothing");
    }

    @Test
    void aJobsUsersReadTheTenantsIntegrationsAndGroupsOnceAWhileAndAUserRefusedReadsThemAgain() {
        JobPlan plan = planJira(generated());
        jobs.start(TENANT, "admin", "key-1", plan.id());
        integrations.lists = 0;
        licenses.groupReads = 0;
        drain();
        assertEquals(1, integrations.lists, USERS + " users within 30 s: one read of the tenant's integrations, not one each");
        assertEquals(1, licenses.groupReads, USERS + " users in the same groups within 30 s: one read of the groups, not one each");
        assertEquals(USERS, atlassian.count("remove"));

        // 31 s later the next job's first user reads them again; a user refused (gone from the stored org) drops them.
        clock.now = clock.now.plus(Duration.ofSeconds(31));
        for (int i = USERS; i < USERS + 3; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        JobPlan next = planJira(IntStream.range(USERS, USERS + 3).mapToObj(ReclaimJobServiceTest::user).toList());
        licenses.users.remove(user(USERS));
        integrations.lists = 0;
        jobs.start(TENANT, "admin", "key-2", next.id());
        drain();
        assertEquals(2, integrations.lists, "read after the 30 s, and again after the refused user");
        assertEquals(USERS + 2, atlassian.count("remove"));
    }

    @Test
    void aJobUsersReclaimFinishedByTheSweepBeforeItsStepIsDeliveredAgainPublishesOnceWithTheJobsId() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        atlassian.killAfterChanges = 1;
        JobMessage expand = queue.messages.poll();
        jobs.handle(expand);
        JobMessage first = queue.messages.poll();
        assertThrows(ProcessKilled.class, () -> jobs.handle(first), "killed right after the first user's removal took effect");
        assertEquals(List.of(), events.reclaims, "nothing published while its reclaim is unsettled");

        // The 15-minute sweep comes before SQS delivers the step again.
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, reclaims.sweep(TENANT, 10, com.saasspend.integration.domain.sync.Budget.unlimited()));
        assertEquals(1, events.reclaimsWithJob.size());
        assertTrue(events.reclaimsWithJob.get(0).endsWith("/" + job.id()), "the sweep publishes it as the job's: " + events.reclaimsWithJob);

        queue.messages.addFirst(first);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        drain();
        assertEquals(ReclaimJob.COMPLETED, store.jobs.get(job.id()).status());
        assertEquals(USERS, atlassian.count("remove"), "one removal per user");
        assertEquals(USERS, events.reclaims.size(), "the redelivered step found the settled reclaim and published nothing again");
        assertEquals(USERS, Set.copyOf(events.reclaims).size());
    }

    @Test
    void aJobRequestsOneTargetedResyncPerChunkOfUsersOnceTheyAreDoneNotOnePerUserAndItsUndoToo() {
        // 150 users: two chunks of the plan (100 + 50).
        for (int i = USERS; i < 150; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        List<String> all = IntStream.range(0, 150).mapToObj(ReclaimJobServiceTest::user).toList();
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(all).id()).job();
        int[] deepest = {0};
        drain(m -> deepest[0] = Math.max(deepest[0], queue.messages.size() + 1));

        assertEquals(100 / JobMessage.BATCH_USERS + 2, deepest[0], "at most one chunk's steps wait: its batches of users, its resync, the next expand");
        assertEquals(150, atlassian.count("remove"));
        assertEquals(List.of(all.subList(0, 100), all.subList(100, 150)),
                resyncs.stream().map(com.saasspend.integration.domain.SyncRequest::accountIds).toList(),
                "one request per chunk, naming the chunk's users");
        assertEquals(List.of(100, 150), resultsWhenRequested, "each sent once its chunk's users were all done");
        resyncs.forEach(r -> assertEquals("reclaim", r.reason()));
        resyncs.forEach(r -> assertEquals(com.saasspend.integration.domain.IntegrationType.ATLASSIAN, r.type()));

        resyncs.clear();
        jobs.undo(TENANT, "admin", job.id());
        drain();
        assertEquals(150, atlassian.count("add"));
        assertEquals(List.of(all.subList(0, 100), all.subList(100, 150)),
                resyncs.stream().map(com.saasspend.integration.domain.SyncRequest::accountIds).toList());
        resyncs.forEach(r -> assertEquals("reclaim-undo", r.reason()));

        // A single reclaim still re-syncs its own user at once.
        resyncs.clear();
        put("712020:single", false, List.of("g1"), JIRA);
        reclaims.reclaim(TENANT, "admin", "single-key", new ReclaimRequest("712020:single", List.of("g1")));
        assertEquals(List.of(List.of("712020:single")), resyncs.stream().map(com.saasspend.integration.domain.SyncRequest::accountIds).toList());
    }

    @Test
    void aCrashAfterAResultIsWrittenNeitherCountsTheUserTwiceNorLosesTheJobsEnd() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        store.afterNextResult = () -> {
            throw new ProcessKilled();
        };
        events.failNextJobCompleted = true;
        drain();

        assertNull(store.afterNextResult, "the crash after a result happened");
        assertFalse(events.failNextJobCompleted, "the crash before the job's end happened");
        ReclaimJob done = store.jobs.get(job.id());
        assertEquals(ReclaimJob.COMPLETED, done.status());
        assertEquals(USERS, done.counts().done(), "counted once each");
        assertEquals(USERS, done.counts().seats());
        assertEquals(USERS, atlassian.count("remove"));
        assertEquals(1, events.jobs.size(), "the end published once the redelivery found every result");
    }

    @Test
    void cancelStopsEveryUserNotStartedAndTheJobEndsCancelled() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        jobs.handle(queue.messages.poll()); // expand
        oneUserPerBatch();
        jobs.handle(queue.messages.poll());
        jobs.handle(queue.messages.poll());
        assertTrue(jobs.cancel(TENANT, job.id()).cancelRequested());
        drain();

        ReclaimJob ended = store.jobs.get(job.id());
        assertEquals(ReclaimJob.CANCELLED, ended.status());
        assertEquals(2, ended.counts().done());
        assertEquals(USERS - 2, ended.counts().cancelled());
        assertEquals(2, atlassian.count("remove"), "nothing was removed after the cancel");
        Refusal again = assertThrows(Refusal.class, () -> jobs.cancel(TENANT, job.id()));
        assertEquals("job_not_running", again.code());
    }

    @Test
    void theUndoOfAJobIsAJobThatRestoresEveryRemovedMembershipAndAskingAgainAnswersTheSameUndo() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        Refusal early = assertThrows(Refusal.class, () -> jobs.undo(TENANT, "admin", job.id()));
        assertEquals("job_in_progress", early.code());
        drain();

        ReclaimJobService.Started undo = jobs.undo(TENANT, "admin", job.id());
        assertFalse(undo.replayed());
        assertEquals(ReclaimJob.UNDO, undo.job().kind());
        atlassian.killAfterChanges = 2;
        drain();

        assertEquals(-1, atlassian.killAfterChanges, "the undo worker was killed after the second add");
        generated().forEach(id -> assertEquals(Set.of("g1", "g3"), atlassian.memberships.get(id)));
        assertEquals(USERS, atlassian.count("add"), "one POST per removed membership");
        ReclaimJob undone = store.jobs.get(undo.job().id());
        assertEquals(ReclaimJob.COMPLETED, undone.status());
        assertEquals(USERS, undone.counts().done());
        assertEquals(USERS, undone.counts().seats(), "seats restored");
        ReclaimJobService.Started again = jobs.undo(TENANT, "admin", job.id());
        assertTrue(again.replayed());
        assertEquals(undo.job().id(), again.job().id());
        assertEquals("job_is_an_undo", assertThrows(Refusal.class, () -> jobs.undo(TENANT, "admin", undo.job().id())).code());
    }

    @Test
    void startingIsIdempotentPerKeyAndAPlanRunsOnce() {
        JobPlan plan = planJira(generated());
        ReclaimJobService.Started first = jobs.start(TENANT, "admin", "key-1", plan.id());
        ReclaimJobService.Started replay = jobs.start(TENANT, "admin", "key-1", plan.id());
        assertTrue(replay.replayed());
        assertEquals(first.job().id(), replay.job().id());
        assertEquals(1, queue.messages.size(), "one expand step, sent once");

        JobPlan other = planJira(List.of(user(0)));
        assertEquals("idempotency_key_reused", assertThrows(Refusal.class, () -> jobs.start(TENANT, "admin", "key-1", other.id())).code());
        assertEquals("plan_already_run", assertThrows(Refusal.class, () -> jobs.start(TENANT, "admin", "key-2", plan.id())).code());
        assertEquals("plan_not_found", assertThrows(Refusal.class, () -> jobs.start(TENANT, "admin", "key-3", "plan-nope")).code());
        clock.now = clock.now.plus(ReclaimJobService.PLAN_LIFETIME).plusSeconds(1);
        assertEquals("plan_not_found", assertThrows(Refusal.class, () -> jobs.start(TENANT, "admin", "key-4", other.id())).code());
    }

    @Test
    void theStatusEstimatesTheTimeLeftFromThePaceAndPagesTheResults() {
        JobPlan plan = planJira(generated());
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", plan.id()).job();
        assertNull(jobs.find(TENANT, job.id(), null, 10).secondsLeft(), "no pace before the first user");
        jobs.handle(queue.messages.poll());
        oneUserPerBatch();
        clock.now = clock.now.plusSeconds(10);
        jobs.handle(queue.messages.poll());
        jobs.handle(queue.messages.poll());
        ReclaimJobService.View view = jobs.find(TENANT, job.id(), null, 1);
        assertEquals(15L, view.secondsLeft(), "10 s for 2 users, 3 left");
        assertEquals(3, view.job().counts().remaining());
        assertEquals(1, view.results().items().size());
        assertEquals(user(1), jobs.find(TENANT, job.id(), view.results().nextCursor(), 1).results().items().get(0).accountId());
        assertEquals("job_not_found", assertThrows(Refusal.class, () -> jobs.find(TENANT, "job-nope", null, 1)).code());
    }

    // ---------------------------------------------------------------- a batch's users side by side

    static final int LANES = 3;

    /**
     * A job service whose batches run their users on {@link #LANES} threads. The in-memory fakes are not thread-safe, so
     * each lane holds one lock while it runs, except while its Atlassian call is "in flight": there the lane waits
     * (releasing the lock) until {@link #LANES} calls are in flight at once, or gives up waiting once when they never
     * are (the serial code). What is measured is how many calls were in flight together.
     */
    final class SideBySide {
        final java.util.concurrent.locks.ReentrantLock world = new java.util.concurrent.locks.ReentrantLock();
        final java.util.concurrent.locks.Condition changed = world.newCondition();
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(LANES);
        int inFlight;
        int maxInFlight;
        boolean gaveUp;
        final ReclaimJobService service;

        SideBySide() {
            com.saasspend.integration.domain.AtlassianOrgApi watched = new com.saasspend.integration.domain.sync.ForwardingOrgApi(atlassian) {
                @Override public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
                    inFlight();
                    super.removeMembership(orgId, apiKey, directoryId, groupId, accountId);
                }

                @Override public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
                    inFlight();
                    super.addMembership(orgId, apiKey, directoryId, groupId, accountId);
                }
            };
            ReclaimService side = new ReclaimService(integrations, new ReclaimFakes.Vault(), watched, licenses, audit,
                    new ReclaimFakes.Keys(), new ReclaimFakes.Settings(), requester,
                    new com.saasspend.integration.domain.savings.InMemorySavingsStore(), events, clock, Duration.ofSeconds(30));
            java.util.concurrent.Executor underTheLock = task -> pool.execute(() -> {
                world.lock();
                try {
                    task.run();
                } finally {
                    world.unlock();
                }
            });
            service = new ReclaimJobService(side, licenseService, licenses, store, queue, events, requester, clock, underTheLock, LANES);
        }

        /** Called holding the lock (a lane's thread). */
        private void inFlight() {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            changed.signalAll();
            try {
                while (!gaveUp && maxInFlight < LANES) {
                    if (!changed.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
                        gaveUp = true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight--;
            }
        }
    }

    @Test
    void aBatchsUsersRunSideBySideTheirCallsInFlightTogetherEachRemovedOnceAndTheirResultsWrittenInOneStep() {
        SideBySide side = new SideBySide();
        jobs = side.service;
        try {
            ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
            drain();

            assertEquals(LANES, side.maxInFlight, "a lane per user at once (the serial code has one call in flight)");
            assertFalse(side.gaveUp, "never waited in vain for calls side by side");
            assertEquals(USERS, atlassian.count("remove"), "one DELETE per user x group");
            generated().forEach(id -> assertEquals(Set.of("g3"), atlassian.memberships.get(id)));
            ReclaimJob done = store.jobs.get(job.id());
            assertEquals(ReclaimJob.COMPLETED, done.status());
            assertEquals(USERS, done.counts().done());
            assertEquals(USERS, done.counts().seats());
            assertEquals(List.of(USERS), store.resultWrites, "the batch's results and the counters in one write");
            assertEquals(USERS, audit.records.size(), "each user a normal reclaim with its audit item");
            assertEquals(USERS, Set.copyOf(events.reclaims).size());
        } finally {
            side.pool.shutdownNow();
        }
    }

    @Test
    void aWorkerKilledWhileABatchsUsersRunSideBySideRemovesNothingTwiceAndTheJobEndsWithEveryUserOnce() {
        SideBySide side = new SideBySide();
        jobs = side.service;
        try {
            ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
            atlassian.killAfterChanges = 2;
            drain();

            assertEquals(-1, atlassian.killAfterChanges, "killed after the second removal");
            assertEquals(USERS, atlassian.count("remove"), "no DELETE resent");
            ReclaimJob done = store.jobs.get(job.id());
            assertEquals(ReclaimJob.COMPLETED, done.status());
            assertEquals(USERS, done.counts().done(), "each user counted once");
            assertEquals(USERS, audit.records.size(), "the killed user's reclaim was finished, not started again");
            store.results.get(job.id()).values().forEach(r -> assertEquals(JobUserResult.COMPLETED, r.outcome(), r.toString()));
        } finally {
            side.pool.shutdownNow();
        }
    }

    @Test
    void aBatchCutByTheInvocationsDeadlineLeavesItsUnstartedUsersToItsRedeliveryWithTheOthersResultsKept() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll()); // expand
        JobMessage batch = queue.messages.poll();
        assertEquals(USERS, batch.targets().size(), "one batch of the job's users");

        // Time runs nearly out once two users have been removed.
        assertThrows(ReclaimJobService.StepNotReady.class, () -> jobs.handle(batch, () -> atlassian.count("remove") >= 2));
        assertEquals(2, atlassian.count("remove"), "no user started after the time ran nearly out");
        assertEquals(2, store.results.get(job.id()).size(), "the finished users' results are written");
        assertEquals(2, store.jobs.get(job.id()).counts().done());

        jobs.handle(batch); // the redelivery
        drain();
        assertEquals(USERS, atlassian.count("remove"), "the others, each once");
        ReclaimJob done = store.jobs.get(job.id());
        assertEquals(ReclaimJob.COMPLETED, done.status());
        assertEquals(USERS, done.counts().done(), "counted once each");
        assertEquals(USERS, audit.records.size());
    }

    @Test
    void aChunkIsCutIntoBatchesOfAtMostTheUsersAndRemovalsOneInvocationFits() {
        List<JobPlan.PlannedUser> chunk = new ArrayList<>();
        int users = 3 + 2 * JobMessage.BATCH_USERS + 7;
        for (int i = 0; i < users; i++) {
            chunk.add(new JobPlan.PlannedUser(user(i), "n", List.of("g" + i), null, List.of(), null));
        }
        // A user with 100 groups does not share a batch: its removals would take any batch past the bound.
        chunk.add(3, new JobPlan.PlannedUser("712020:many", "n", IntStream.range(0, JobMessage.BATCH_REMOVALS).mapToObj(g -> "m" + g).toList(), null, List.of(), null));
        List<JobMessage> batches = JobMessage.batches(TENANT, "job-1", chunk);

        assertEquals(List.of(3, 1, JobMessage.BATCH_USERS, JobMessage.BATCH_USERS, 7),
                batches.stream().map(b -> b.targets().size()).toList());
        assertEquals(chunk.stream().map(JobPlan.PlannedUser::accountId).toList(),
                batches.stream().flatMap(b -> b.targets().stream()).map(JobPlan.PlannedUser::accountId).toList(), "every user once, in order");
        batches.forEach(b -> assertTrue(b.targets().stream().mapToInt(u -> u.groupIds().size()).sum() <= JobMessage.BATCH_REMOVALS));
        assertEquals(batches.size(), batches.stream().map(JobMessage::deduplicationSource).distinct().count());
    }

    @Test
    void aOneUserStepSentBeforeBatchesIsStillRunAsABatchOfOne() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll()); // expand
        queue.messages.clear();
        JobPlan.PlannedUser first = store.planChunk(TENANT, job.planId(), 0).get(0);
        jobs.handle(JobMessage.user(TENANT, job.id(), first));
        jobs.handle(JobMessage.user(TENANT, job.id(), first));
        assertEquals(1, atlassian.count("remove"));
        assertEquals(1, store.jobs.get(job.id()).counts().done());
    }

    // ---------------------------------------------------------------- bounds and edges

    @Test
    void aPlanOfExactlyTwoHundredIdsReadsTwoBatchesAndNoEmptyThird() {
        for (int i = USERS; i < 200; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        planJira(IntStream.range(0, 200).mapToObj(ReclaimJobServiceTest::user).toList());
        assertEquals(List.of(100, 100), licenses.userBatches);
    }

    @Test
    void aFilterSelectingExactlyTheBoundIsPlannedAndOneUserMoreIsRefused() {
        for (int i = USERS; i < JobSelection.MAX_USERS; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        // USERS generated + CONFLUENCE_ONLY hold Confluence: exactly MAX_USERS - USERS + USERS = MAX_USERS + 1 with it.
        licenses.users.remove(CONFLUENCE_ONLY);
        JobSelection.Filter everyoneOnConfluence = new JobSelection.Filter("confluence", null, null, null, List.of(), List.of());
        JobPlan plan = jobs.plan(TENANT, new JobSelection(null, everyoneOnConfluence, "confluence", null));
        assertEquals(JobSelection.MAX_USERS, plan.includedCount() + plan.skippedCount());

        put(user(JobSelection.MAX_USERS), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        Refusal tooMany = assertThrows(Refusal.class, () -> jobs.plan(TENANT, new JobSelection(null, everyoneOnConfluence, "confluence", null)));
        assertEquals("selection_too_large", tooMany.code());
        assertEquals(Refusal.Kind.INVALID, tooMany.kind());
    }

    @Test
    void aJobHasOneChunkPerHundredIncludedUsersAndCountsItsSkippedUsersAsDone() {
        for (int i = USERS; i < 101; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        List<String> hundred = IntStream.range(0, 100).mapToObj(ReclaimJobServiceTest::user).toList();
        assertEquals(1, jobs.start(TENANT, "admin", "key-100", planJira(hundred).id()).job().chunks());

        List<String> hundredAndOne = new ArrayList<>(IntStream.range(0, 101).mapToObj(ReclaimJobServiceTest::user).toList());
        hundredAndOne.addAll(List.of(ADMIN, UNKNOWN));
        store.planTakenBy.clear();
        ReclaimJob job = jobs.start(TENANT, "admin", "key-101", planJira(hundredAndOne).id()).job();
        assertEquals(2, job.chunks());
        assertEquals(103, job.counts().total(), "101 included + 2 skipped at planning");
        assertEquals(2, job.counts().skipped());
        assertEquals(101, job.counts().remaining());
    }

    @Test
    void aPlanWhoseEveryUserWasSkippedStartsAJobThatEndsAtOnceAndSendsNothing() {
        ReclaimJobService.Started started = jobs.start(TENANT, "admin", "key-1", planJira(List.of(ADMIN, UNKNOWN)).id());
        assertEquals(ReclaimJob.COMPLETED, started.job().status());
        assertEquals(0, started.job().chunks());
        assertTrue(queue.messages.isEmpty(), "no step for a job without users");
        assertEquals(1, events.jobs.size(), "its end published");
        assertEquals(ReclaimJob.COMPLETED, jobs.find(TENANT, started.job().id(), null, 10).job().status());
        assertEquals(1, events.jobs.size(), "and only once");
    }

    @Test
    void aStartedJobIsSentOnceAndReadingItDoesNotSendItsFirstStepAgain() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        assertTrue(store.jobs.get(job.id()).enqueued());
        jobs.find(TENANT, job.id(), null, 10);
        jobs.find(TENANT, job.id(), null, 10);
        assertEquals(1, queue.sent, "the expand step sent once, not once per read");
    }

    @Test
    void aJobOfTwoChunksExpandsEachChunkOnceAndNoChunkPastTheLast() {
        for (int i = USERS; i < 150; i++) {
            put(user(i), false, List.of("g1", "g3"), JIRA, CONFLUENCE);
        }
        jobs.start(TENANT, "admin", "key-1", planJira(IntStream.range(0, 150).mapToObj(ReclaimJobServiceTest::user).toList()).id());
        List<Integer> expanded = new ArrayList<>();
        drain(m -> {
            if (JobMessage.EXPAND.equals(m.type())) {
                expanded.add(m.chunk());
            }
        });
        assertEquals(List.of(0, 1), expanded);
    }

    @Test
    void theStepHoldingTheJobsLastUsersEndsTheJobBeforeTheChunksResyncIsDelivered() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll()); // expand: one batch of the 5 users, then the chunk's resync
        JobMessage batch = queue.messages.poll();
        assertEquals(JobMessage.USERS, batch.type());
        assertEquals(USERS, batch.targets().size());
        jobs.handle(batch);
        assertEquals(ReclaimJob.COMPLETED, store.jobs.get(job.id()).status(), "ended by the batch of its last users");
        assertEquals(JobMessage.RESYNC, queue.messages.peek().type());
    }

    @Test
    void theChunksResyncEndsAJobWhoseLastBatchDidNotAndAFailedResyncRequestDoesNotStopIt() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll());
        events.failNextJobCompleted = true;
        assertThrows(ProcessKilled.class, () -> jobs.handle(queue.messages.poll()), "the batch's end of the job died");
        assertEquals(ReclaimJob.RUNNING, store.jobs.get(job.id()).status());
        ReclaimJobService failing = new ReclaimJobService(reclaims, licenseService, licenses, store, queue, events, requests -> {
            throw new IllegalStateException("EventBridge refused");
        }, clock);
        failing.handle(queue.messages.poll()); // the resync step: its request fails, the job ends anyway
        assertEquals(ReclaimJob.COMPLETED, store.jobs.get(job.id()).status());
        assertEquals(1, events.jobs.size());
    }

    @Test
    void aUserWhoseReclaimAnotherWorkerIsStillRunningIsLeftToTheStepsRedeliveryNotSkipped() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll());
        oneUserPerBatch();
        JobMessage first = queue.messages.poll();
        JobPlan.PlannedUser target = first.targets().get(0);
        // Another delivery of this step runs the user's reclaim right now: its key is held, fresh, with no answer yet.
        String fingerprint = com.saasspend.integration.domain.sync.ContentHash.of(new ReclaimRequest(target.accountId(), target.groupIds()).fingerprintSource());
        keys.held.put("job:" + job.id() + ":" + target.accountId(), new IdempotencyKeys.Held(fingerprint, clock.now, null, null));
        ReclaimJobService.StepNotReady notReady = assertThrows(ReclaimJobService.StepNotReady.class, () -> jobs.handle(first));
        assertTrue(notReady.getMessage().startsWith("idempotency_key_in_progress"), notReady.getMessage());
        assertTrue(store.results.getOrDefault(job.id(), new java.util.TreeMap<>()).isEmpty(), "no result: the user is not skipped");

        keys.held.remove("job:" + job.id() + ":" + target.accountId());
        queue.messages.addFirst(first);
        drain();
        ReclaimJob done = store.jobs.get(job.id());
        assertEquals(USERS, done.counts().done());
        assertEquals(0, done.counts().skipped());
    }

    @Test
    void aBatchCutShortSaysHowManyOfItsUsersAreLeft() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll());
        JobMessage batch = queue.messages.poll();
        // Time for exactly two users: the budget is asked before each user starts.
        int[] asked = {0};
        com.saasspend.integration.domain.sync.Budget twoUsers = new com.saasspend.integration.domain.sync.Budget() {
            @Override public boolean nearlyOut() { return ++asked[0] > 2; }
        };
        ReclaimJobService.StepNotReady left = assertThrows(ReclaimJobService.StepNotReady.class, () -> jobs.handle(batch, twoUsers));
        assertTrue(left.getMessage().startsWith("3 user(s) of the batch left"), left.getMessage());
        assertEquals(2, store.jobs.get(job.id()).counts().done());
    }

    @Test
    void theUndoOfAJobCountsOnlyTheUsersItPlannedAndSkipsThoseItRemovedNothingFor() {
        List<String> ids = new ArrayList<>(generated());
        ids.add(UNKNOWN);
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(ids).id()).job();
        jobs.handle(queue.messages.poll());
        oneUserPerBatch();
        jobs.handle(queue.messages.poll());
        jobs.cancel(TENANT, job.id());
        drain();
        assertEquals(1, store.jobs.get(job.id()).counts().done());

        ReclaimJob undo = jobs.undo(TENANT, "admin", job.id()).job();
        assertEquals(USERS, undo.counts().total(), "the plan's skipped user is not the undo's");
        drain();
        ReclaimJob undone = store.jobs.get(undo.id());
        assertEquals(ReclaimJob.COMPLETED, undone.status());
        assertEquals(1, undone.counts().done());
        assertEquals(USERS - 1, undone.counts().skipped());
        store.results.get(undo.id()).values().stream().filter(r -> JobUserResult.SKIPPED.equals(r.outcome()))
                .forEach(r -> assertEquals("nothing_to_undo", r.code()));
        assertEquals(1, atlassian.count("add"));
    }

    @Test
    void aUserWhoseReclaimWasUndoneByHandIsCountedAsRestoredByTheJobsUndoWithoutAddingAgain() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        drain();
        JobUserResult first = store.results.get(job.id()).firstEntry().getValue();
        reclaims.undo(TENANT, "admin", first.reclaimId(), true);
        assertEquals(1, atlassian.count("add"));

        ReclaimJob undo = jobs.undo(TENANT, "admin", job.id()).job();
        drain();
        assertEquals(USERS, atlassian.count("add"), "the user undone by hand is not added again");
        ReclaimJob undone = store.jobs.get(undo.id());
        assertEquals(USERS, undone.counts().done(), "its earlier undo is the answer, not a skip");
        assertEquals(0, undone.counts().skipped());
    }

    @Test
    void theTimeLeftLeavesOutTheUsersSkippedAtPlanning() {
        List<String> ids = new ArrayList<>(generated());
        ids.addAll(List.of(ADMIN, UNKNOWN));
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(ids).id()).job();
        jobs.handle(queue.messages.poll());
        oneUserPerBatch();
        clock.now = clock.now.plusSeconds(10);
        jobs.handle(queue.messages.poll());
        assertEquals(40L, jobs.find(TENANT, job.id(), null, 1).secondsLeft(), "10 s for 1 user, 4 left (the 2 skipped cost no time)");
    }

    @Test
    void theJobsListIsTheStoresPage() {
        ReclaimJob a = jobs.start(TENANT, "admin", "key-1", planJira(List.of(user(0))).id()).job();
        ReclaimJob b = jobs.start(TENANT, "admin", "key-2", planJira(List.of(user(1))).id()).job();
        assertEquals(java.util.Set.of(a.id(), b.id()), jobs.list(TENANT, null, 10).items().stream().map(ReclaimJob::id).collect(Collectors.toSet()));
        assertEquals(1, jobs.list(TENANT, null, 1).items().size());
    }

    @Test
    void aCancelStopsTheUsersNotStartedOfTheBatchUnderWayWithOneJobReadEveryFewSecondsNotOnePerUser() {
        ReclaimJob job = jobs.start(TENANT, "admin", "key-1", planJira(generated()).id()).job();
        jobs.handle(queue.messages.poll()); // expand: one batch of the 5 users
        JobMessage batch = queue.messages.poll();
        int[] removals = {0};
        atlassian.afterEachChange = () -> {
            removals[0]++;
            clock.now = clock.now.plusSeconds(1); // each user takes a second
            if (removals[0] == 1) {
                jobs.cancel(TENANT, job.id()); // the admin cancels while the batch runs
            }
        };
        jobs.handle(batch);

        ReclaimJob ended = store.jobs.get(job.id());
        assertEquals(ReclaimJob.CANCELLED, ended.status());
        // User 1 ran before the cancel; user 2 started 1 s after the step read the job (no read yet: one every 2 s, not
        // one per user); user 3, 2 s after, found the cancel; users 3 to 5 did not start (the step's snapshot alone ran all 5).
        assertEquals(2, atlassian.count("remove"));
        assertEquals(2, ended.counts().done());
        assertEquals(USERS - 2, ended.counts().cancelled());
    }

    @Test
    void aPlanByChosenGroupsRemovesThoseGroupsOnlyAndSaysWhyTheOthersAreSkipped() {
        JobPlan plan = jobs.plan(TENANT, new JobSelection(List.of(user(0), CONFLUENCE_ONLY, NEW_GROUP_ONLY, IDP_ONLY), null, null,
                List.of("g3", "gnew")));
        assertEquals(List.of(user(0), CONFLUENCE_ONLY), plan.included().stream().map(JobPlan.PlannedUser::accountId).toList());
        plan.included().forEach(u -> assertEquals(List.of("g3"), u.groupIds(), "the chosen group only, not g1 (Jira)"));
        Map<String, JobPlan.SkippedUser> skipped = plan.skipped().stream().collect(Collectors.toMap(JobPlan.SkippedUser::accountId, x -> x));
        assertEquals(JobPlanner.GROUP_NEWER_THAN_SYNC, skipped.get(NEW_GROUP_ONLY).code());
        assertTrue(skipped.get(NEW_GROUP_ONLY).reason().contains("gnew-name"), skipped.get(NEW_GROUP_ONLY).reason());
        assertEquals(JobPlanner.NO_MATCHING_GROUPS, skipped.get(IDP_ONLY).code());
        assertEquals("The user is in none of the chosen groups.", skipped.get(IDP_ONLY).reason());
    }

    @Test
    void aUserWhoseProductAnIdpManagedGroupAlsoGrantsIsSkippedNotPlannedForASeatThatStays() {
        put("712020:both", false, List.of("g1", "gidp"), JIRA);
        JobPlan plan = planJira(List.of("712020:both", user(0)));
        assertEquals(List.of(user(0)), plan.included().stream().map(JobPlan.PlannedUser::accountId).toList());
        assertEquals(List.of(JobPlanner.IDP_MANAGED_GROUP), plan.skipped().stream().map(JobPlan.SkippedUser::code).toList());
        assertEquals(1, plan.seatsFreed());
    }

    @Test
    void aUserExcludedByGroupIsToldWhichGroupByItsName() {
        JobPlan plan = jobs.plan(TENANT, new JobSelection(null, new JobSelection.Filter("confluence", null, null, null,
                List.of("g1"), List.of()), "confluence", null));
        plan.skipped().forEach(x -> assertEquals("Excluded by the selection: member of the group 'g1-name'.", x.reason()));
        assertEquals(USERS, plan.skipped().size());
    }

    /** A Confluence user (groups g3 and, with {@code extra}, others) with this name, email and last use. */
    private void putNamed(String accountId, String name, String email, String lastActive, String... extra) {
        List<OrgUser.GroupRef> refs = new ArrayList<>(List.of(new OrgUser.GroupRef("g3", "g3-name")));
        List.of(extra).forEach(g -> refs.add(new OrgUser.GroupRef(g, g + "-name")));
        OrgUser u = new OrgUser(accountId, name, email, "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("confluence", CONFLUENCE, lastActive)), refs);
        licenses.users.put(accountId, u);
        atlassian.memberships.put(accountId, new HashSet<>(refs.stream().map(OrgUser.GroupRef::id).toList()));
    }

    @Test
    void aFilterWithASearchPlansExactlyTheUsersTheLicensePageListsForThatFilterAndSearch() {
        String longAgo = "2026-01-01T00:00:00Z";
        String lastWeek = clock.now.minus(Duration.ofDays(7)).toString();
        putNamed("712020:ada", "Ada Lovelace", "ada@example.com", longAgo);
        putNamed("712020:adam", "Adam Smith", "smith@example.com", longAgo);
        putNamed("712020:bob", "Bob Ada", "bob@example.com", longAgo);
        putNamed("712020:grace", "Grace Hopper", "ada.hopper@example.com", longAgo);
        putNamed("712020:active", "Ada Byron", "byron@example.com", lastWeek);
        putNamed("712020:carol", "Carol Adams", "carol@example.com", null);

        JobPlan plan = jobs.plan(TENANT, new JobSelection(null, new JobSelection.Filter("confluence", "inactive", null, "Ada",
                List.of(), List.of()), "confluence", null));

        List<String> listed = licenseService.users(TENANT, new LicenseService.UserQuery("confluence", "inactive", null, "Ada",
                null, null, LicenseService.MAX_LIMIT)).users().stream().map(LicenseService.UserRow::accountId).toList();
        // Name, last word of the name (Bob Ada, Carol Adams never used it) and email prefix; not Ada Byron (active).
        assertEquals(Set.of("712020:ada", "712020:adam", "712020:bob", "712020:grace"), Set.copyOf(listed));
        assertEquals(listed, plan.included().stream().map(JobPlan.PlannedUser::accountId).toList(), "the listing's users, in its order");
        assertEquals(List.of(), plan.skipped());
        plan.included().forEach(u -> assertEquals(List.of("g3"), u.groupIds()));
    }

    @Test
    void aSearchOverTheBoundIsRefusedAsAFilterOverItIs() {
        for (int i = 0; i <= JobSelection.MAX_USERS; i++) {
            putNamed("712020:ada" + i, "Ada " + i, "a" + i + "@example.com", "2026-01-01T00:00:00Z");
        }
        JobSelection.Filter everyAda = new JobSelection.Filter("confluence", null, null, "ada", List.of(), List.of());
        Refusal tooMany = assertThrows(Refusal.class, () -> jobs.plan(TENANT, new JobSelection(null, everyAda, "confluence", null)));
        assertEquals("selection_too_large", tooMany.code());

        licenses.users.remove("712020:ada0");
        JobPlan plan = jobs.plan(TENANT, new JobSelection(null, everyAda, "confluence", null));
        assertEquals(JobSelection.MAX_USERS, plan.includedCount(), "the users named Ada, not the Confluence users of the world");
    }

    @Test
    void aPlanNamesEachGroupItRemovesNextToItsIdAndAGroupWithoutANameByItsIdAlone() {
        JobPlan plan = planJira(generated());
        plan.included().forEach(u -> assertEquals(List.of(new OrgUser.GroupRef("g1", "g1-name")), u.groups(), u.accountId()));

        // The group items of g5 and g6 carry no name: g5's is known from the user's record, g6's from nothing.
        for (String g : List.of("g5", "g6")) {
            licenses.groups.put(g, new OrgGroup(g, null, null, "admins", false, 3,
                    List.of(new OrgGroup.Grant(CONFLUENCE, "confluence", List.of("atlassian/user"), false)), "dir-1"));
        }
        OrgUser u = new OrgUser("712020:unnamed", "Unnamed Groups", "un@example.com", "atlassian", "active", "active", null, false,
                null, List.of(new OrgUser.ProductAccess("confluence", CONFLUENCE, "2026-01-01T00:00:00Z")),
                List.of(new OrgUser.GroupRef("g3", "g3-name"), new OrgUser.GroupRef("g5", "g5 from the user"), new OrgUser.GroupRef("g6", null)));
        licenses.users.put(u.accountId(), u);
        atlassian.memberships.put(u.accountId(), new HashSet<>(List.of("g3", "g5", "g6")));
        JobPlan named = jobs.plan(TENANT, new JobSelection(List.of(u.accountId()), null, "confluence", null));
        JobPlan.PlannedUser planned = named.included().get(0);
        assertEquals(List.of("g3", "g5", "g6"), planned.groupIds());
        assertEquals(List.of(new OrgUser.GroupRef("g3", "g3-name"), new OrgUser.GroupRef("g5", "g5 from the user"),
                new OrgUser.GroupRef("g6", null)), planned.groups());
    }

    @Test
    void aPlannedUserStoredBeforeGroupsWereNamedReadsBackWithItsGroupsNamedByIdAlone() throws Exception {
        JobPlan.PlannedUser old = com.saasspend.integration.common.Json.MAPPER.readValue(
                "{\"accountId\":\"712020:u0\",\"name\":\"n\",\"groupIds\":[\"g1\",\"g3\"],\"productsFreed\":[\"jira-software\"]}",
                JobPlan.PlannedUser.class);
        assertEquals(List.of("g1", "g3"), old.groupIds(), "what the job removes is unchanged");
        assertEquals(List.of(new OrgUser.GroupRef("g1", null), new OrgUser.GroupRef("g3", null)), old.groups());
        assertThrows(IllegalArgumentException.class, () -> new JobPlan.PlannedUser("712020:u0", "n", List.of("g1"),
                List.of(new OrgUser.GroupRef("g3", "g3-name")), List.of(), null), "groups name exactly the groups removed");
    }

    @Test
    void aUserExcludedByAGroupTheirRecordNamesWithoutANameIsToldTheGroupsId() {
        OrgUser u = new OrgUser("712020:nameless", "Nameless Group", "ng@example.com", "atlassian", "active", "active", null, false,
                null, List.of(new OrgUser.ProductAccess("confluence", CONFLUENCE, "2026-01-01T00:00:00Z")),
                List.of(new OrgUser.GroupRef("g3", null)));
        licenses.users.put(u.accountId(), u);
        JobPlan plan = jobs.plan(TENANT, new JobSelection(List.of(u.accountId()), new JobSelection.Filter(null, null, null, null,
                List.of("g3"), List.of()), "confluence", null));
        assertEquals(List.of("Excluded by the selection: member of the group 'g3'."),
                plan.skipped().stream().map(JobPlan.SkippedUser::reason).toList());
    }
}
