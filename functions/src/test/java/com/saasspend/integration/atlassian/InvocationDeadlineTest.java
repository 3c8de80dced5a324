package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.common.Log;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The invocation's deadline (and log context) reach a pool thread for a task's time, and leave with it. */
class InvocationDeadlineTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void clear() {
        InvocationDeadline.clear();
        Log.clearContext();
        pool.shutdownNow();
    }

    @Test
    void aTaskHandedToAPoolRunsWithTheHandingThreadsDeadlineAndLogContextAndThePoolThreadIsLeftAsItWas() throws Exception {
        InvocationDeadline.enter(() -> 12_345L);
        Log.begin("worker", "req-1", "tenant-1");
        Log.put("jobId", "job-1");
        CompletableFuture<OptionalLong> seen = new CompletableFuture<>();
        CompletableFuture<Map<String, String>> context = new CompletableFuture<>();

        InvocationDeadline.carriedBy(pool).execute(() -> {
            seen.complete(InvocationDeadline.remainingMillis());
            context.complete(Log.contextFields());
        });
        assertEquals(OptionalLong.of(12_345L), seen.get(10, TimeUnit.SECONDS));
        assertEquals("job-1", context.get(10, TimeUnit.SECONDS).get("jobId"));
        assertEquals("tenant-1", context.get(10, TimeUnit.SECONDS).get("tenant"));

        // The same pool thread, handed nothing: no deadline and no context left behind.
        CompletableFuture<OptionalLong> after = new CompletableFuture<>();
        CompletableFuture<Map<String, String>> contextAfter = new CompletableFuture<>();
        pool.execute(() -> {
            after.complete(InvocationDeadline.remainingMillis());
            contextAfter.complete(Log.contextFields());
        });
        assertEquals(OptionalLong.empty(), after.get(10, TimeUnit.SECONDS));
        assertTrue(contextAfter.get(10, TimeUnit.SECONDS).isEmpty());
    }
}
