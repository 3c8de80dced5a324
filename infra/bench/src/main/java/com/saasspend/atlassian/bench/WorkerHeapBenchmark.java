package com.saasspend.atlassian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Figure 4 (and figure 1 at 100,000 users): the production sync worker in a child JVM limited to a 256 MB heap,
 * the simulator and this harness in this JVM. The child connects the tenant itself, then syncs; Atlassian calls are
 * counted from the simulator's log from then on. The floor uses what the listings returned (users from the worker's
 * answer, groups and product instances from the simulator).
 */
public final class WorkerHeapBenchmark {
    static final List<String> WORKER_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

    public record Run(int orgUsers, JsonNode worker, Map<String, Long> calls, long groups, long grantingGroups, long workspaces,
                      long wallMillis) {
        long measuredCalls() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        SyncCostBenchmark.Floor floor() {
            return SyncCostBenchmark.Floor.of(worker.path("users").asLong(), groups, grantingGroups, workspaces);
        }

        long mb(String field) {
            return worker.path(field).asLong() / (1024 * 1024);
        }
    }

    /**
     * {@code awsEndpoint}: the emulator for this run (null: AWS_ENDPOINT_URL's). {@code afterSync}: called with the
     * simulator still up (the paging benchmark reuses the generated org).
     */
    public static Run measure(int users, String probeClasspath, long liveSampleMillis, String awsEndpoint,
                              Consumer<AtlassianSimulator> afterSync) {
        World world = WorldGenerator.generate(users, users / 50, 42);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-heap-progress");
            t.setDaemon(true);
            return t;
        });
        try (AtlassianSimulator sim = AtlassianSimulator.start(0, world)) {
            EmulatedAws aws = new EmulatedAws(awsEndpoint);
            String tenant = "bench-heap-" + users;
            long t0 = System.nanoTime();
            progress.scheduleAtFixedRate(() -> System.out.printf("[worker-heap] N=%,d: %,d user pages so far, %,d s%n", users,
                    sim.requests().stream().filter(r -> r.path().endsWith("/users/search")).count(),
                    (System.nanoTime() - t0) / 1_000_000_000L), 60, 60, TimeUnit.SECONDS);
            ChildJvm.Outcome outcome = ChildJvm.run(WORKER_JVM, probeClasspath, WorkerHeapProbe.class.getName(),
                    List.of(tenant, Long.toString(liveSampleMillis)), aws.env(sim.baseUrl()), 3 * 3600, line -> {
                        if (line.equals("CONNECTED")) {
                            sim.clearRequests();
                        }
                    });
            long wall = (System.nanoTime() - t0) / 1_000_000;
            progress.shutdownNow();
            JsonNode worker = new ObjectMapper().readTree(outcome.result());
            if (!"completed".equals(worker.path("outcome").asText())) {
                throw new IllegalStateException("the worker answered " + worker);
            }
            Map<String, Long> calls = OrgUnderTest.callsByPurpose(sim.requests());
            long groups = world.groupIds(DemoCredentials.ORG_ID).size();
            Run run = new Run(users, worker, calls, groups, world.grantingGroupIds(DemoCredentials.ORG_ID).size(), workspaces(sim), wall);
            System.out.printf("[worker-heap] N=%,d: %s in %,d ms; peak used %,d MB, live peak %,d MB (%d samples), live after %,d MB; "
                            + "%,d Atlassian calls (floor %,d; calls any correct sync needs %,d)%n", users, worker.path("outcome").asText(), worker.path("millis").asLong(),
                    run.mb("peakUsedSampled"), run.mb("peakLive"), worker.path("liveSamples").asInt(), run.mb("liveAfterRun"),
                    run.measuredCalls(), run.floor().total(), run.floor().needed());
            if (afterSync != null) {
                afterSync.accept(sim);
            }
            return run;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } finally {
            progress.shutdownNow();
        }
    }

    /** Product instances the org lists (the workspaces listing's rows), read from the simulator over HTTP. */
    private static long workspaces(AtlassianSimulator sim) {
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl()
                            + "/admin/v2/orgs/" + DemoCredentials.ORG_ID + "/workspaces"))
                    .header("Authorization", "Bearer " + DemoCredentials.ORG_API_KEY)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"limit\":1000}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body()).path("data").size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
