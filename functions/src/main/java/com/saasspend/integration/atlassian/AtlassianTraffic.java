package com.saasspend.integration.atlassian;

/**
 * What this thread's invocation asked of Atlassian: calls sent (retries included), 429 answers, retries, and the time
 * its calls waited for their rate limit's pacing ({@link RatePacing}). Per
 * thread because one thread serves one invocation at a time (Lambda; the local stack runs invocations on their own
 * threads); a handler reads it at its exit for its metrics after {@link #reset()} at its entry.
 */
public final class AtlassianTraffic {
    public record Counts(long calls, long throttled, long retries, long pacedMillis) {}

    private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[4]);

    private AtlassianTraffic() {}

    public static void reset() {
        COUNTS.remove();
    }

    public static Counts current() {
        long[] c = COUNTS.get();
        return new Counts(c[0], c[1], c[2], c[3]);
    }

    static void call() {
        COUNTS.get()[0]++;
    }

    static void throttled() {
        COUNTS.get()[1]++;
    }

    static void retry() {
        COUNTS.get()[2]++;
    }

    static void paced(java.time.Duration wait) {
        COUNTS.get()[3] += wait.toMillis();
    }
}
