package com.saasspend.atlassian.bench;

import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.integration.api.IntegrationsApiHandler;
import com.saasspend.integration.sync.SyncWorkerHandler;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child JVM of figure 4: the sync worker as Lambda runs it (no-arg constructor reading the environment, one
 * IntegrationSyncRequested event), with heap sampled meanwhile. Prints one line "RESULT {json}".
 *
 * <p>Three views of the heap: the highest sampled use (bounded by -Xmx and the collector's appetite, not by need);
 * the heap pools' peak use; and the live set, read right after a forced full collection every
 * {@code liveSampleMillis} (the figure that shows whether memory grows with the org).
 * Before any of that it connects the tenant through the connect handler (printing "CONNECTED"), so that the whole
 * setup runs against this JVM's AWS endpoint. Args: tenantId [liveSampleMillis=2000].
 */
public final class WorkerHeapProbe {
    public static void main(String[] args) throws Exception {
        String tenant = args[0];
        long liveEvery = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] peakUsed = {0};
        long[] peakLive = {0};
        int[] liveSamples = {0};
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            long nextLive = System.currentTimeMillis() + liveEvery;
            while (running.get()) {
                peakUsed[0] = Math.max(peakUsed[0], memory.getHeapMemoryUsage().getUsed());
                if (System.currentTimeMillis() >= nextLive) {
                    System.gc();
                    peakLive[0] = Math.max(peakLive[0], memory.getHeapMemoryUsage().getUsed());
                    liveSamples[0]++;
                    nextLive = System.currentTimeMillis() + liveEvery;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);

        connect(tenant);
        System.gc();

        long t0 = System.nanoTime();
        SyncWorkerHandler worker = new SyncWorkerHandler();
        sampler.start();
        Map<String, Object> event = Map.of("detail-type", "IntegrationSyncRequested", "source", "saasspend.atlassian-integration",
                "detail", Map.of("tenantId", tenant, "integration", "atlassian", "reason", "schedule"));
        Map<String, Object> answer = worker.handleRequest(event, null);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        running.set(false);
        sampler.join();
        System.gc();
        long liveAfter = memory.getHeapMemoryUsage().getUsed();

        long poolPeaks = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                poolPeaks += pool.getPeakUsage().getUsed();
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Object> result = new LinkedHashMap<>(answer);
        result.put("millis", millis);
        result.put("maxHeap", memory.getHeapMemoryUsage().getMax());
        result.put("peakUsedSampled", peakUsed[0]);
        result.put("poolPeaksSum", poolPeaks);
        result.put("peakLive", Math.max(peakLive[0], liveAfter));
        result.put("liveSamples", liveSamples[0]);
        result.put("liveAfterRun", liveAfter);
        result.put("gcCount", gcCount);
        result.put("gcMillis", gcMillis);
        result.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("RESULT " + com.saasspend.integration.common.Json.MAPPER.writeValueAsString(result));
    }

    private static void connect(String tenant) {
        var response = new IntegrationsApiHandler().handleRequest(
                HttpApiEvents.connectAtlassian(tenant, DemoCredentials.ORG_ID, DemoCredentials.ORG_API_KEY), null);
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("connect answered " + response.getStatusCode() + ": " + response.getBody());
        }
        System.out.println("CONNECTED");
    }
}
