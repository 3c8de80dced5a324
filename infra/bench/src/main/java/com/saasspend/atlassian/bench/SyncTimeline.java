package com.saasspend.atlassian.bench;

import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where figure 2's time goes, call by call: full syncs of a generated org of N users as figure 2 runs them (100 ms a
 * call, 600 calls a minute, a new tenant each run), the last one printed as a timeline: each DynamoDB call (start, ms,
 * thread, operation; failures too) and each Atlassian call (when the simulator answered it), in milliseconds from the
 * run's start. A gap between two user pages longer than a fetch shows the fetching side waiting; a long DynamoDB call,
 * the emulator. Not a figure: a diagnosis.
 * <pre>
 * infra/scripts/bench --only 2 (once, to build) ; source infra/scripts/lib.sh ; ensure_venv ; start_moto
 * java -cp infra/bench/target/bench.jar com.saasspend.atlassian.bench.SyncTimeline 10000 2
 * </pre>
 */
public final class SyncTimeline {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("timeline.started");

    private record Event(long atMillis, String line) {}

    private final List<Event> events = new ArrayList<>();
    private volatile long runStartNanos;

    private final ExecutionInterceptor dynamoCalls = new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            record(attributes, "");
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            record(attributes, " FAILED " + context.exception().getClass().getSimpleName());
        }
    };

    private void record(ExecutionAttributes attributes, String outcome) {
        long started = attributes.getAttribute(STARTED);
        long at = (started - runStartNanos) / 1_000_000;
        String line = String.format("%7d  %5d ms  %-16s DynamoDB %s%s", at, (System.nanoTime() - started) / 1_000_000,
                Thread.currentThread().getName(), attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), outcome);
        synchronized (events) {
            events.add(new Event(at, line));
        }
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SyncTimeline USERS RUNS (AWS_ENDPOINT_URL: a moto to sync into)");
            System.exit(2);
        }
        new SyncTimeline().run(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }

    private void run(int users, int runs) {
        DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(o -> o.addExecutionInterceptor(dynamoCalls)).build();
        try (OrgUnderTest org = new OrgUnderTest(WorldGenerator.generate(users, users / 50, 42), false)) {
            for (int run = 1; run <= runs; run++) {
                String tenant = "timeline-" + users + "-" + run + "-" + System.currentTimeMillis();
                SyncWallTimeBenchmark.connectUnderFigure2Faults(org, tenant);
                AtlassianOrgSync sync = new Services(org.env, Clock.systemUTC(), org.aws.clients(dynamo)).orgSync();
                synchronized (events) {
                    events.clear();
                }
                long startMillis = System.currentTimeMillis();
                runStartNanos = System.nanoTime();
                sync.run(tenant, Budget.unlimited());
                long wall = (System.nanoTime() - runStartNanos) / 1_000_000;
                System.out.printf("run %d: %,d ms%n", run, wall);
                if (run == runs) {
                    List<Event> timeline;
                    synchronized (events) {
                        timeline = new ArrayList<>(events);
                    }
                    for (RecordedRequest r : org.sim.requests()) {
                        long at = r.at().toEpochMilli() - startMillis;
                        timeline.add(new Event(at, String.format("%7d  %8s  %-16s Atlassian %s %s %d (answered)", at, "", "",
                                r.method(), OrgUnderTest.purpose(r), r.status())));
                    }
                    timeline.sort(Comparator.comparingLong(Event::atMillis));
                    timeline.forEach(e -> System.out.println(e.line()));
                }
            }
        }
    }
}
