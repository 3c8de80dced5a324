package com.saasspend.atlassian.bench;

import com.saasspend.atlassian.local.LambdaFunction;
import com.saasspend.atlassian.local.SamFunction;
import com.saasspend.atlassian.local.SamTemplate;
import com.saasspend.atlassian.local.SqsEventSources;
import com.saasspend.atlassian.sim.Faults;
import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.sync.ReclaimJobWorkerHandler;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Figure J: one bulk reclaim job of N users on a generated org synced first, planned with explicit account ids (the
 * groups granting Confluence), started through the job service and run to completion by the real worker handler fed
 * from a FIFO queue made like template.yaml's {@code ReclaimJobsQueue} by the local stack's SQS event source (batch
 * size, partial failures, timeout and serialization as the template and Lambda have them), while the simulator adds
 * 100 ms to every call and allows 600 calls a minute. Side by side from the one run: Atlassian calls against the
 * floor (one removal per user and group), wall time against what the rate limit allows, DynamoDB time (moto) and the
 * job's own DynamoDB capacity per user by item kind, and the other AWS calls per user.
 */
public final class ReclaimJobBenchmark {
    static final String PRODUCT = "confluence";
    static final String WORKER = "ReclaimJobWorkerFunction";
    static final String QUEUE = "ReclaimJobsQueue";

    /** Users of the second job, run to measure the DynamoDB capacity per user with the meter's exact sizes. */
    static final int CAPACITY_USERS = 100;

    /**
     * {@code timed}: the timed job's DynamoDB calls (the meter sizing nothing: its reads would lengthen the lanes' calls);
     * {@code capacity}: the second job's, of {@code capacityUsers} users, sized exactly.
     */
    public record Run(int users, int orgUsers, long floorCalls, Map<String, Long> callsByPurpose, long calls, long rateLimited,
                      long wallMillis, CapacityMeter.Snapshot timed, int capacityUsers, CapacityMeter.Snapshot capacity,
                      Map<String, AwsCallTimer.Tally> otherAws, ReclaimJob job, int stillMembers, long syncMillis) {
        /** What 600 calls a minute allows for the floor's calls. */
        long rateLimitMillis() {
            return floorCalls * 1000L * SyncWallTimeBenchmark.RATE_WINDOW_SECONDS / SyncWallTimeBenchmark.RATE_CALLS;
        }

        double callRatio() {
            return (double) calls / floorCalls;
        }

        double wallRatio() {
            return (double) wallMillis / rateLimitMillis();
        }

        /** The DynamoDB calls' time, summed over the batch's lanes (more than the wall time they overlap in). */
        long dynamoMillis() {
            return timed.dynamoNanos() / 1_000_000;
        }

        long otherAwsMillis() {
            return otherAws.values().stream().mapToLong(AwsCallTimer.Tally::millis).sum();
        }
    }

    public static Run measure(int users) {
        int capacityUsers = Math.min(users, CAPACITY_USERS);
        // Twice both jobs' users, so enough of them hold Confluence through groups the jobs may remove.
        int orgUsers = Math.max(200, (users + capacityUsers) * 2);
        World world = WorldGenerator.generate(orgUsers, orgUsers / 50, 42);
        String tenant = "bench-job-" + users;
        try (OrgUnderTest org = new OrgUnderTest(world, true)) {
            SqsClient plainSqs = org.aws.sqs(new AwsCallTimer());
            String[] queue = org.aws.queueLike(plainSqs, QUEUE);
            Map<String, String> vars = new HashMap<>(org.aws.env(org.sim.baseUrl()));
            vars.put("RECLAIM_JOBS_QUEUE_URL", queue[0]);
            Env env = new Env(vars);
            Services plain = Services.of(env, Clock.systemUTC());

            org.connect(tenant);
            org.connectSite(tenant, "jira");
            org.connectSite(tenant, "confluence");
            long s0 = System.nanoTime();
            if (plain.orgSync().run(tenant, Budget.unlimited()).outcome() != SyncOutcome.COMPLETED) {
                throw new IllegalStateException("the org's first sync did not complete");
            }
            long syncMillis = (System.nanoTime() - s0) / 1_000_000;
            ReclaimJobService plainJobs = plain.reclaimJobService(plain.reclaimService());
            JobPlan plan = plan(plainJobs, tenant, world, users);
            long floor = plan.included().stream().mapToLong(u -> u.groupIds().size()).sum();

            // The worker as Lambda runs it: metered DynamoDB, timed SQS, EventBridge and Secrets Manager.
            AwsCallTimer timer = new AwsCallTimer();
            Services metered = new Services(env, Clock.systemUTC(), AwsClients.fromEnvironment().withDynamoDb(org.meteredDynamo)
                    .withSqs(org.aws.sqs(timer)).withEventBridge(org.aws.eventBridge(timer)).withSecretsManager(org.aws.secretsManager(timer)));
            ReclaimJobService jobs = metered.reclaimJobService(metered.reclaimServiceForJobs());
            SamFunction definition = SamTemplate.load(SamTemplate.locate()).function(WORKER).orElseThrow();
            LambdaFunction worker = new LambdaFunction(definition, "bench-" + WORKER, "arn:aws:lambda:us-east-1:000000000000:function:bench",
                    () -> new ReclaimJobWorkerHandler(metered));
            worker.prewarm();

            org.sim.faults().clear().latencyMillis(SyncWallTimeBenchmark.LATENCY_MS)
                    .rateLimit(Faults.ANY_KEY, SyncWallTimeBenchmark.RATE_CALLS, SyncWallTimeBenchmark.RATE_WINDOW_SECONDS);
            org.sim.clearRequests();
            ReclaimJob finished;
            ReclaimJob sized;
            Instant t0;
            CapacityMeter.Snapshot timed;
            CapacityMeter.Snapshot capacity;
            Map<String, AwsCallTimer.Tally> other;
            List<RecordedRequest> requests;
            try (SqsEventSources source = new SqsEventSources(null, org.aws.sqs(timer))) {
                source.add(worker, queue[0], queue[1]);
                source.start();
                org.meter.sizing(false);
                CapacityMeter.Snapshot before = org.meter.snapshot();
                Map<String, AwsCallTimer.Tally> timedBefore = timer.snapshot();
                t0 = Instant.now();
                ReclaimJob job = jobs.start(tenant, "bench", "bench-" + UUID.randomUUID(), plan.id()).job();
                finished = awaitEnd(plainJobs, tenant, job.id(), Duration.ofSeconds(120 + users * 5L));
                timed = org.meter.snapshot().minus(before);
                other = AwsCallTimer.minus(timer.snapshot(), timedBefore);
                requests = org.sim.requests();

                // The capacity per user, from a second, smaller job with the meter's exact sizes (its time is not reported).
                JobPlan capacityPlan = plan(plainJobs, tenant, world, capacityUsers);
                org.meter.sizing(true);
                CapacityMeter.Snapshot sizedBefore = org.meter.snapshot();
                ReclaimJob second = jobs.start(tenant, "bench", "bench-" + UUID.randomUUID(), capacityPlan.id()).job();
                sized = awaitEnd(plainJobs, tenant, second.id(), Duration.ofSeconds(120 + capacityUsers * 5L));
                capacity = org.meter.snapshot().minus(sizedBefore);
            } finally {
                org.sim.faults().clear();
            }
            Map<String, Long> calls = new java.util.TreeMap<>();
            requests.forEach(q -> calls.merge(purpose(q), 1L, Long::sum));
            long limited = calls.getOrDefault("rate-limited (429)", 0L);
            int stillMembers = 0;
            for (JobPlan.PlannedUser u : plan.included()) {
                for (String g : u.groupIds()) {
                    stillMembers += world.groupsOf(u.accountId()).contains(g) ? 1 : 0;
                }
            }
            long wall = Duration.between(t0, finished.finishedAt()).toMillis();
            if (finished.counts().done() != users || stillMembers != 0 || sized.counts().done() != capacityUsers) {
                throw new IllegalStateException("the job ended " + finished.status() + " with " + finished.counts() + "; " + stillMembers
                        + " planned memberships still in place; the capacity job ended with " + sized.counts());
            }
            Run run = new Run(users, orgUsers, floor, calls, requests.size() - limited, limited, wall, timed, capacityUsers, capacity,
                    other, finished, stillMembers, syncMillis);
            System.out.printf("[job] N=%,d: %s in %,d ms against %,d ms the rate limit allows (x%.2f);"
                            + " %,d Atlassian calls for a floor of %,d (x%.3f), %d rate-limited; DynamoDB %,d ms (summed over lanes) in %,d calls; other AWS %s%n",
                    users, finished.status(), wall, run.rateLimitMillis(), run.wallRatio(), run.calls(), floor,
                    run.callRatio(), limited, run.dynamoMillis(), timed.calls(), other);
            return run;
        }
    }

    /** A plan of exactly {@code users} included users: the first ones of the org a plan over all of it includes. */
    private static JobPlan plan(ReclaimJobService jobs, String tenant, World world, int users) {
        List<String> ids = new ArrayList<>(world.accountIds(com.saasspend.atlassian.sim.DemoCredentials.ORG_ID));
        ids = ids.subList(0, Math.min(ids.size(), JobSelection.MAX_USERS));
        JobPlan all = jobs.plan(tenant, new JobSelection(ids, null, PRODUCT, null));
        if (all.includedCount() < users) {
            throw new IllegalStateException("a plan over " + ids.size() + " users of the org includes only " + all.includedCount()
                    + "; figure J needs " + users);
        }
        List<String> chosen = all.included().subList(0, users).stream().map(JobPlan.PlannedUser::accountId).toList();
        JobPlan plan = jobs.plan(tenant, new JobSelection(chosen, null, PRODUCT, null));
        if (plan.includedCount() != users) {
            throw new IllegalStateException("the plan of " + users + " users includes " + plan.includedCount());
        }
        return plan;
    }

    private static ReclaimJob awaitEnd(ReclaimJobService jobs, String tenant, String jobId, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        int lastDone = -1;
        long lastPrint = 0;
        while (System.nanoTime() < deadline) {
            ReclaimJob job = jobs.find(tenant, jobId, null, 1).job();
            if (!job.running()) {
                return job;
            }
            if (System.nanoTime() - lastPrint > 30_000_000_000L && job.counts().done() != lastDone) {
                lastDone = job.counts().done();
                lastPrint = System.nanoTime();
                System.out.printf("[job] %s: %,d of %,d users done%n", jobId, job.counts().processed(), job.counts().total());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("job " + jobId + " still running after " + bound.toSeconds() + " s");
    }

    /** The summary line and the section of BENCHMARKS.md. */
    static Figure figure(Run r) {
        boolean callsMet = r.callRatio() <= 1.05;
        boolean wallMet = r.wallRatio() <= 1.25;
        StringBuilder d = new StringBuilder();
        d.append("A generated org of ").append(Benchmarks.n(r.orgUsers())).append(" users synced first (").append(Benchmarks.seconds(r.syncMillis()))
                .append("); a plan with explicit account ids (the groups granting ").append(PRODUCT).append(") of the first ")
                .append(Benchmarks.n(r.users())).append(" users it includes; the job started through `ReclaimJobService.start` (as `POST /reclaim-jobs`"
                        + " does) and run to completion by `ReclaimJobWorkerHandler`, invoked as Lambda invokes it (the local stack's"
                        + " `SqsEventSources` and `LambdaFunction`: template.yaml's batch size, `ReportBatchItemFailures`, timeout, the runtime's"
                        + " serializers) from a FIFO queue made like `").append(QUEUE).append("` on moto, the tenant as message group; each step"
                        + " a batch of up to ").append(JobMessage.BATCH_USERS).append(" users, ").append(Services.JOB_USER_LANES)
                .append(" at once. The simulator adds ")
                .append(SyncWallTimeBenchmark.LATENCY_MS).append(" ms to every call and allows ").append(SyncWallTimeBenchmark.RATE_CALLS)
                .append(" calls per ").append(SyncWallTimeBenchmark.RATE_WINDOW_SECONDS).append(" s. Wall time: from the start call to the job's own"
                        + " `finishedAt`, with the capacity meter sizing nothing (its reads of the items a write replaces would lengthen the"
                        + " lanes' calls). Floor: one membership removal per planned user and group; what the rate limit allows: floor calls /"
                        + " 10 per s. DynamoDB: the job's calls through the metered client, their time summed over the lanes (so more than the"
                        + " wall time they overlap in). The capacity per user comes from a second job of ").append(Benchmarks.n(r.capacityUsers()))
                .append(" other users of the same org, run after it with the meter's exact sizes.\n\n");
        d.append("| users | Atlassian calls (floor) | × floor | by purpose | wall time | rate limit allows | × | DynamoDB time, summed over lanes (calls) |"
                + " other AWS time | 429s | job |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        ReclaimJob.Counts c = r.job().counts();
        d.append("| ").append(Benchmarks.n(r.users())).append(" | ").append(Benchmarks.n(r.calls())).append(" (").append(Benchmarks.n(r.floorCalls()))
                .append(") | ×").append(Stats.fixed(r.callRatio(), 3)).append(" | ").append(purposes(r.callsByPurpose())).append(" | ")
                .append(Benchmarks.seconds(r.wallMillis())).append(" | ").append(Benchmarks.seconds(r.rateLimitMillis())).append(" | ×")
                .append(Stats.fixed(r.wallRatio(), 2)).append(" | ").append(Benchmarks.seconds(r.dynamoMillis())).append(" (")
                .append(Benchmarks.n(r.timed().calls())).append(") | ").append(Benchmarks.seconds(r.otherAwsMillis()))
                .append(" | ").append(Benchmarks.n(r.rateLimited())).append(" | ").append(r.job().status()).append(": ").append(c.done())
                .append(" done, ").append(c.failed()).append(" failed, ").append(c.skipped()).append(" skipped; ").append(r.stillMembers())
                .append(" planned memberships still in place |\n");
        d.append("\nPer user, from the same run (times summed over the lanes):\n\n| | calls per user | time per user |\n|---|---|---|\n");
        double users = r.users();
        r.timed().callsByOperation().forEach((op, n) -> d.append("| DynamoDB ").append(op).append(" | ").append(Stats.fixed(n / users, 2))
                .append(" | ").append(Stats.fixed(r.timed().nanosByOperation().getOrDefault(op, 0L) / 1e6 / users, 1)).append(" ms |\n"));
        d.append("| DynamoDB, all | ").append(Stats.fixed(r.timed().calls() / users, 2)).append(" | ")
                .append(Stats.fixed(r.dynamoMillis() / users, 1)).append(" ms |\n");
        r.otherAws().forEach((op, t) -> d.append("| ").append(op).append(" | ").append(Stats.fixed(t.calls() / users, 2)).append(" | ")
                .append(Stats.fixed(t.millis() / users, 1)).append(" ms |\n"));
        double sized = r.capacityUsers();
        d.append("\nThe job's DynamoDB capacity, computed by DynamoDB's rules (`CapacityMeter`), per user (the second job's ")
                .append(Benchmarks.n(r.capacityUsers())).append(" users; the start call, every step and the job's reads included):\n\n"
                        + "| item kind | items written | write units | items read | read units |\n|---|---|---|---|---|\n");
        r.capacity().byKind().forEach((kind, t) -> d.append("| ").append(kind).append(" | ").append(Stats.fixed(t.itemsWritten() / sized, 2))
                .append(" | ").append(Stats.fixed(t.writeUnits() / sized, 2)).append(" | ").append(Stats.fixed(t.itemsRead() / sized, 2))
                .append(" | ").append(Stats.fixed(t.readUnits() / sized, 2)).append(" |\n"));
        CapacityMeter.Tally total = r.capacity().total();
        d.append("| **all** | ").append(Stats.fixed(total.itemsWritten() / sized, 2)).append(" | **").append(Stats.fixed(total.writeUnits() / sized, 2))
                .append("** | ").append(Stats.fixed(total.itemsRead() / sized, 2)).append(" | **").append(Stats.fixed(total.readUnits() / sized, 2))
                .append("** |\n");
        if (r.capacity().estimatedUnits() > 0) {
            d.append("\n").append(Benchmarks.n(r.capacity().estimatedUnits())).append(" item sizes were estimated (1 unit).\n");
        }
        double perUser = (double) r.wallMillis() / users;
        double dynamoPerUser = r.dynamoMillis() / users;
        double otherPerUser = r.otherAwsMillis() / users;
        double atlassianPerUser = SyncWallTimeBenchmark.LATENCY_MS * (double) r.calls() / users;
        double lanePerUser = atlassianPerUser + dynamoPerUser + otherPerUser;
        d.append("\n**What limits it.** A tenant's steps still run one at a time (the FIFO message group), but a step's users run ")
                .append(Services.JOB_USER_LANES).append(" at once, so one user's AWS work overlaps the next users' removals, which the org's"
                        + " pacing (`RatePacing`, one budget per key) keeps under its rate limit. A user's own work here: ")
                .append(Stats.fixed(lanePerUser, 0)).append(" ms = ").append(Stats.fixed(atlassianPerUser, 0)).append(" ms at Atlassian + ")
                .append(Stats.fixed(dynamoPerUser, 0)).append(" ms DynamoDB (").append(Stats.fixed(r.timed().calls() / users, 1))
                .append(" calls, moto) + ").append(Stats.fixed(otherPerUser, 0)).append(" ms other AWS (moto); the job took ")
                .append(Stats.fixed(perUser, 0)).append(" ms of wall time per user, against 100 ms the rate limit allows. With ")
                .append(Services.JOB_USER_LANES).append(" lanes a user's work would need to exceed ")
                .append(Services.JOB_USER_LANES * 100).append(" ms before the lanes, not the rate limit, set the pace; what is left above"
                        + " the rate limit is each step's tail (its last users' AWS work, then the next step's reads) and moto itself: one"
                        + " Python process serving every lane's calls (and, on this shared machine, other engineers' work), whose time per call"
                        + " grows with the calls it serves at once. Real DynamoDB answers concurrent calls in single-digit ms.\n");
        String measured = Benchmarks.n(r.calls()) + " calls = ×" + Stats.fixed(r.callRatio(), 3) + " of the floor; wall ×"
                + Stats.fixed(r.wallRatio(), 2) + " of the rate limit; " + Stats.fixed(r.timed().calls() / users, 1) + " DynamoDB calls, "
                + Stats.fixed(total.readUnits() / sized, 1) + " RCU + " + Stats.fixed(total.writeUnits() / sized, 1) + " WCU per user (1 run, "
                + Benchmarks.k(r.users()) + " users)";
        String verdict = callsMet && wallMet ? "met" : callsMet ? "calls met; wall time **missed**" : wallMet ? "calls **missed**; wall time met" : "**missed**";
        if (r.users() < 1_000) {
            verdict += " at this size; 1,000 users in the full run";
        }
        return new Figure("J", "A " + Benchmarks.n(r.users()) + "-user bulk reclaim job, 100 ms/call, 600 calls/min",
                "calls ≤ 1.05 × floor; wall ≤ 1.25 × the rate limit", measured, verdict, d.toString());
    }

    /** Membership changes by kind (one per user and group), other calls as the sync figures name them. */
    static String purpose(RecordedRequest r) {
        if (r.status() != 429 && r.path().contains("/memberships")) {
            return r.method().equals("DELETE") ? "membership removals" : r.method().equals("POST") ? "membership adds" : r.method() + " membership";
        }
        return OrgUnderTest.purpose(r);
    }

    private static String purposes(Map<String, Long> calls) {
        List<String> parts = new ArrayList<>();
        calls.forEach((purpose, n) -> parts.add(Benchmarks.n(n) + " " + purpose.replace("|", "\\|")));
        return String.join(", ", parts);
    }
}
