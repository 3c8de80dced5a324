package com.saasspend.atlassian.bench;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.atlassian.sim.Faults;
import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figure 2 for one org size: wall time of a full sync (fresh tenant each run) with the simulator adding 100 ms to
 * every call and limiting each key to 600 calls a minute, against the critical path measured in the same run:
 * max(user pages x 100 ms, calls / 10 per second), from the calls the run actually needed (429s excluded).
 * DynamoDB time is taken from the meter (timing only: no sizing reads, so it adds no calls). The sync is built before
 * the clock starts, as the worker builds it at init; one uncounted run on each emulator comes first (reported apart):
 * the harness JVM's JIT and moto warm up there, and a cold worker's first use is figure 5's.
 */
public final class SyncWallTimeBenchmark {
    static final long LATENCY_MS = 100;
    static final int RATE_CALLS = 600;
    static final int RATE_WINDOW_SECONDS = 60;

    /**
     * One run; {@code itemsWritten}, {@code dynamoCallsByOperation} and {@code dynamoNanosByOperation} say where the
     * DynamoDB time went (what a user page's store costs on this emulator).
     */
    public record Run(long wallMillis, long userPages, long calls, long rateLimited, long dynamoMillis, long dynamoCalls,
                      long itemsWritten, Map<String, Long> dynamoCallsByOperation, Map<String, Long> dynamoNanosByOperation) {
        long criticalPathMillis() {
            return Math.max(userPages * LATENCY_MS, calls * 1000L * RATE_WINDOW_SECONDS / RATE_CALLS);
        }

        double ratio() {
            return (double) wallMillis / criticalPathMillis();
        }
    }

    /**
     * The runs on each emulator ({@code awsEndpoints}; null: AWS_ENDPOINT_URL's), taken in turn (run 1 on each, then
     * run 2, ...) so that the machine's load, which others share, weighs on each alike. One list of runs per emulator.
     */
    public static Measured measure(int users, int runs, List<String> awsEndpoints) {
        List<OrgUnderTest> orgs = new ArrayList<>();
        List<List<Run>> results = new ArrayList<>();
        List<Run> warmUps = new ArrayList<>();
        try {
            for (String endpoint : awsEndpoints) {
                orgs.add(new OrgUnderTest(WorldGenerator.generate(users, users / 50, 42), false, endpoint));
                results.add(new ArrayList<>());
            }
            for (int e = 0; e < orgs.size(); e++) {
                warmUps.add(run(orgs.get(e), users, 0, onEmulator(awsEndpoints.get(e)) + " (warm-up, not counted)"));
            }
            for (int run = 1; run <= runs; run++) {
                for (int e = 0; e < orgs.size(); e++) {
                    results.get(e).add(run(orgs.get(e), users, run, onEmulator(awsEndpoints.get(e))));
                }
            }
        } finally {
            orgs.forEach(OrgUnderTest::close);
        }
        return new Measured(results, warmUps);
    }

    /** The counted runs on each emulator, and each emulator's uncounted first run. */
    public record Measured(List<List<Run>> runs, List<Run> warmUps) {}

    private static String onEmulator(String awsEndpoint) {
        return awsEndpoint == null ? "" : " on " + awsEndpoint;
    }

    /**
     * A new tenant connected (no faults), then the simulator set as figure 2 runs it: 100 ms a call, the rate limit
     * with a fresh window, the request log empty.
     */
    static void connectUnderFigure2Faults(OrgUnderTest org, String tenant) {
        org.sim.faults().clear();
        org.connect(tenant);
        // A fresh window per run: clear() also forgets the calls counted so far.
        org.sim.faults().clear().latencyMillis(LATENCY_MS).rateLimit(Faults.ANY_KEY, RATE_CALLS, RATE_WINDOW_SECONDS);
        org.sim.clearRequests();
    }

    private static Run run(OrgUnderTest org, int users, int run, String label) {
        String tenant = "bench-wall-" + users + "-" + (run == 0 ? "warm-up" : run);
        connectUnderFigure2Faults(org, tenant);
        AtlassianOrgSync sync = org.meteredSync();
        CapacityMeter.Snapshot before = org.meter.snapshot();
        long t0 = System.nanoTime();
        SyncResult result = sync.run(tenant, Budget.unlimited());
        long wall = (System.nanoTime() - t0) / 1_000_000;
        org.sim.faults().clear();
        if (result.outcome() != SyncOutcome.COMPLETED) {
            throw new IllegalStateException("sync ended " + result.outcome());
        }
        CapacityMeter.Snapshot dynamo = org.meter.snapshot().minus(before);
        List<RecordedRequest> requests = org.sim.requests();
        Map<String, Long> calls = OrgUnderTest.callsByPurpose(requests);
        long limited = calls.getOrDefault("rate-limited (429)", 0L);
        Run r = new Run(wall, calls.getOrDefault("user pages", 0L), requests.size() - limited, limited,
                dynamo.dynamoNanos() / 1_000_000, dynamo.calls(), dynamo.total().itemsWritten(),
                Map.copyOf(dynamo.callsByOperation()), Map.copyOf(dynamo.nanosByOperation()));
        System.out.printf("[wall-time] N=%,d run %d%s: %,d ms against a critical path of %,d ms (x%.2f); %,d calls, %d rate-limited; "
                        + "DynamoDB %,d ms in %,d calls %s, %,d items written%n", users, run, label, wall, r.criticalPathMillis(), r.ratio(),
                r.calls(), limited, r.dynamoMillis(), r.dynamoCalls(), r.dynamoCallsByOperation(), r.itemsWritten());
        return r;
    }
}
