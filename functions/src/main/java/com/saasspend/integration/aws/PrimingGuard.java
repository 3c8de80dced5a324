package com.saasspend.integration.aws;

import java.util.Set;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * While a SnapStart snapshot is primed (before the checkpoint, with production credentials and tables), only reads of
 * DynamoDB may leave the function: any other operation (a write, a secret read, an event) is refused before it is
 * signed or sent. Priming exercises the first request's path; this makes "without writing anything" a property of the
 * clients rather than of the route chosen.
 */
public final class PrimingGuard implements ExecutionInterceptor {
    /** The operations priming may send. */
    static final Set<String> READS = Set.of("GetItem", "Query", "BatchGetItem");

    // Per thread: priming runs on the thread that will checkpoint; a local stack's other invocations are not limited.
    private static final ThreadLocal<Boolean> PRIMING = ThreadLocal.withInitial(() -> false);

    /** Adds the guard to a client's configuration (every production client carries it). */
    static void install(ClientOverrideConfiguration.Builder config) {
        config.addExecutionInterceptor(new PrimingGuard());
    }

    /** Runs {@code work} with every SDK call it makes (on this thread) limited to {@link #READS}. */
    public static void during(Runnable work) {
        PRIMING.set(true);
        try {
            work.run();
        } finally {
            PRIMING.remove();
        }
    }

    public static boolean priming() {
        return PRIMING.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!PRIMING.get()) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!READS.contains(operation)) {
            throw new RefusedWhilePriming(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " " + operation);
        }
    }

    /** An SDK call that would have changed something, or read a secret, during priming. */
    public static final class RefusedWhilePriming extends IllegalStateException {
        RefusedWhilePriming(String call) {
            super(call + " refused: a SnapStart priming only reads DynamoDB");
        }
    }
}
