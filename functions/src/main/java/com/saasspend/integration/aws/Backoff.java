package com.saasspend.integration.aws;

import com.saasspend.integration.atlassian.InvocationDeadline;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The wait before asking DynamoDB again for what it left undone (unprocessed keys or items of a batch, a transaction
 * cancelled by a conflict): exponentially growing caps, as the batch operations' reference advises, each wait drawn at
 * random under its cap ("full jitter", so clients throttled together do not come back together), and never past the
 * invocation's end ({@link InvocationDeadline}, less a margin to answer or save a checkpoint): then it gives up with an
 * exception, which callers handle as any DynamoDB failure. The number of attempts is the caller's.
 */
final class Backoff {
    static final long BASE_DELAY_MILLIS = 50;
    static final long MAX_DELAY_MILLIS = 2_000;
    /** Kept free at the end of the invocation after the last wait: for the caller to answer or checkpoint. */
    static final long DEADLINE_MARGIN_MILLIS = 5_000;

    /** Sleeps; unit tests record instead. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Sleeper sleeper;
    /** A wait in [0, cap] for a cap. */
    private final LongUnaryOperator jitter;
    /** Milliseconds left in the invocation, or -1 without a deadline. */
    private final LongSupplier remainingMillis;

    Backoff(Sleeper sleeper, LongUnaryOperator jitter, LongSupplier remainingMillis) {
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.remainingMillis = remainingMillis;
    }

    /** Real sleeps, full jitter, the current invocation's deadline. */
    static Backoff forInvocation() {
        return new Backoff(Thread::sleep, Backoff::fullJitter, Backoff::invocationRemaining);
    }

    /** A wait drawn evenly from [0, cap]. */
    static long fullJitter(long cap) {
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private static long invocationRemaining() {
        OptionalLong remaining = InvocationDeadline.remainingMillis();
        return remaining.isPresent() ? remaining.getAsLong() : -1;
    }

    /**
     * Waits before attempt number {@code attempt} (2 for the first retry); {@code undone} says what is still to do,
     * for the message when there is no time left for it.
     */
    void beforeAttempt(int attempt, String undone) {
        long cap = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(attempt - 2, 20));
        long wait = jitter.applyAsLong(cap);
        long remaining = remainingMillis.getAsLong();
        if (remaining >= 0 && remaining - wait < DEADLINE_MARGIN_MILLIS) {
            throw new IllegalStateException(undone + " and the invocation has " + remaining + " ms left: not waiting to try again");
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to try DynamoDB again (" + undone + ")", e);
        }
    }
}
