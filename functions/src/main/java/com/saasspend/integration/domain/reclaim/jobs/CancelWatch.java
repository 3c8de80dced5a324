package com.saasspend.integration.domain.reclaim.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Whether a running batch's job was cancelled, read again at most once every {@link #INTERVAL} while the batch's users
 * run: a cancel stops the users not started yet (up to 50 a batch, minutes of work at a rate limit), at the cost of one
 * job read every few seconds, not one per user. Shared by a batch's lanes.
 */
final class CancelWatch {
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final BooleanSupplier cancelRequested;
    private final Clock clock;
    private boolean cancelled;
    private Instant readAt;

    /** {@code known}: the job's flag as the step read it at {@code clock.instant()}. */
    CancelWatch(boolean known, BooleanSupplier cancelRequested, Clock clock) {
        this.cancelled = known;
        this.cancelRequested = cancelRequested;
        this.clock = clock;
        this.readAt = clock.instant();
    }

    /** Asked before each user starts. Once cancelled, always cancelled (a cancel is never taken back). */
    synchronized boolean cancelled() {
        if (cancelled) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(readAt.plus(INTERVAL))) {
            return false;
        }
        readAt = now;
        cancelled = cancelRequested.getAsBoolean();
        return cancelled;
    }
}
