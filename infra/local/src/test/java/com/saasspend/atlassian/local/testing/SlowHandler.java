package com.saasspend.atlassian.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A function for timeout tests. "spin" (or the HttpApi path /slow) works without ever blocking or checking interrupts (only a real stop ends
 * it) for at most 20 s, counting its steps; "quick" answers at once. Static state, so a test sees what happened.
 */
public final class SlowHandler implements RequestHandler<Map<String, Object>, String> {
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    public static final AtomicInteger STEPS = new AtomicInteger();
    public static final AtomicBoolean FINISHED = new AtomicBoolean();
    public static final AtomicReference<Thread> THREAD = new AtomicReference<>();

    public SlowHandler() {
        CONSTRUCTED.incrementAndGet();
    }

    @Override
    public String handleRequest(Map<String, Object> input, Context context) {
        if (!"spin".equals(input.get("mode")) && !"/slow".equals(input.get("rawPath"))) {
            return "quick";
        }
        THREAD.set(Thread.currentThread());
        long until = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < until) {
            STEPS.incrementAndGet();
            Thread.onSpinWait();
        }
        FINISHED.set(true);
        return "finished";
    }
}
