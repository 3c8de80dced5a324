package com.saasspend.atlassian.bench;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Calls and time per AWS operation ("SQS.ReceiveMessage", "EventBridge.PutEvents"...) of the clients it is installed
 * on: where a run's time goes besides DynamoDB (which {@link CapacityMeter} times).
 */
public final class AwsCallTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench.timer.started");

    /** Calls and nanoseconds of one operation. */
    public record Tally(long calls, long nanos) {
        Tally plus(Tally o) {
            return new Tally(calls + o.calls, nanos + o.nanos);
        }

        public long millis() {
            return nanos / 1_000_000;
        }
    }

    private final Map<String, Tally> byOperation = new TreeMap<>();

    public synchronized Map<String, Tally> snapshot() {
        return new TreeMap<>(byOperation);
    }

    /** What happened between two snapshots. */
    public static Map<String, Tally> minus(Map<String, Tally> later, Map<String, Tally> earlier) {
        Map<String, Tally> d = new TreeMap<>();
        later.forEach((op, t) -> {
            Tally e = earlier.getOrDefault(op, new Tally(0, 0));
            if (t.calls() != e.calls()) {
                d.put(op, new Tally(t.calls() - e.calls(), t.nanos() - e.nanos()));
            }
        });
        return d;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private void record(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        long elapsed = started == null ? 0 : System.nanoTime() - started;
        String op = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "." + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        synchronized (this) {
            byOperation.merge(op, new Tally(1, elapsed), Tally::plus);
        }
    }
}
