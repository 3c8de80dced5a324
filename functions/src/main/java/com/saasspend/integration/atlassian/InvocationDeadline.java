package com.saasspend.integration.atlassian;

import com.amazonaws.services.lambda.runtime.Context;
import com.saasspend.integration.common.Log;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * How much time the current Lambda invocation has left, for {@link AtlassianHttp}: every handler that reaches
 * Atlassian calls {@link #enter(Context)} first thing, and no Atlassian call or retry wait then outlives the
 * invocation. Without a Context (unit tests, tools) there is no deadline.
 *
 * <p>Why a ThreadLocal and not a field of AtlassianHttp: one AtlassianHttp (with its clients) is built once per Lambda
 * instance and shared by every invocation, while a deadline belongs to one invocation. Lambda runs one invocation per
 * instance at a time, but tests run invocations of one handler instance concurrently on different threads, and every
 * Atlassian call of an invocation runs on the invocation's own thread (no executor), so the thread is exactly the
 * invocation's scope. Handlers {@link #clear()} it when the invocation ends (a test calling clients directly on the
 * same thread must not inherit an expired deadline), and {@link #enter} replaces whatever is left anyway (a null
 * Context clears it).
 */
public final class InvocationDeadline {
    private static final ThreadLocal<LongSupplier> REMAINING_MILLIS = new ThreadLocal<>();

    private InvocationDeadline() {}

    /** The invocation running on this thread ends when {@code context} says; null: no deadline. */
    public static void enter(Context context) {
        if (context == null) {
            REMAINING_MILLIS.remove();
        } else {
            REMAINING_MILLIS.set(context::getRemainingTimeInMillis);
        }
    }

    /** The same with any source of remaining milliseconds (tests: a fake clock). */
    public static void enter(LongSupplier remainingMillis) {
        REMAINING_MILLIS.set(remainingMillis);
    }

    /**
     * An executor over {@code pool} whose tasks run with the deadline (and the log context) of the thread that hands
     * them over, and leave the pool thread as they found it.
     */
    public static Executor carriedBy(Executor pool) {
        return task -> {
            LongSupplier deadline = REMAINING_MILLIS.get();
            Map<String, String> logContext = Log.contextFields();
            pool.execute(() -> {
                LongSupplier before = REMAINING_MILLIS.get();
                Map<String, String> logBefore = Log.contextFields();
                set(deadline);
                Log.adopt(logContext);
                try {
                    task.run();
                } finally {
                    set(before);
                    Log.adopt(logBefore);
                }
            });
        };
    }

    private static void set(LongSupplier source) {
        if (source == null) {
            REMAINING_MILLIS.remove();
        } else {
            REMAINING_MILLIS.set(source);
        }
    }

    public static void clear() {
        REMAINING_MILLIS.remove();
    }

    /** Milliseconds left in this thread's invocation, or empty when it has no deadline (also for handlers bounding their own loops). */
    public static OptionalLong remainingMillis() {
        LongSupplier source = REMAINING_MILLIS.get();
        return source == null ? OptionalLong.empty() : OptionalLong.of(source.getAsLong());
    }
}
