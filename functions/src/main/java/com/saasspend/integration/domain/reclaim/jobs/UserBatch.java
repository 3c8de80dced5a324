package com.saasspend.integration.domain.reclaim.jobs;

import com.saasspend.integration.domain.sync.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs a batch's users side by side, at most {@code lanes} at once, so that one user's AWS work (its audit, seat and
 * savings writes, the events) overlaps the next users' Atlassian calls, which the org's pacing keeps under its rate
 * limit whatever the number of lanes. Each lane takes the next user not started until the users run out, one fails, or
 * the invocation's time is nearly out; the batch ends once every lane has (no user is left running after it).
 */
final class UserBatch {
    /** The results of the users run, in the batch's order; {@code failure}: the first thrown, null if none. */
    record Outcome(List<JobUserResult> results, Throwable failure) {
        void raiseFailure() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }
    }

    private final Executor executor;
    private final int lanes;

    /** {@code executor}: where the lanes run (the worker's pool; {@code Runnable::run} runs them one after another). */
    UserBatch(Executor executor, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1");
        }
        this.executor = executor;
        this.lanes = lanes;
    }

    Outcome run(List<JobPlan.PlannedUser> users, Function<JobPlan.PlannedUser, JobUserResult> one, Budget budget) {
        if (users.isEmpty()) {
            return new Outcome(List.of(), null);
        }
        JobUserResult[] results = new JobUserResult[users.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int count = Math.min(lanes, users.size());
        CountDownLatch ended = new CountDownLatch(count);
        for (int lane = 0; lane < count; lane++) {
            executor.execute(() -> {
                try {
                    while (failure.get() == null && !budget.nearlyOut()) {
                        int i = next.getAndIncrement();
                        if (i >= users.size()) {
                            break;
                        }
                        try {
                            results[i] = one.apply(users.get(i));
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                    }
                } finally {
                    ended.countDown();
                }
            });
        }
        try {
            // Bounded: a lane ends with its user, whose Atlassian calls and waits end within the invocation's deadline.
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new IllegalStateException("interrupted while the batch's users ran", e));
        }
        List<JobUserResult> done = new ArrayList<>();
        for (JobUserResult r : results) {
            if (r != null) {
                done.add(r);
            }
        }
        return new Outcome(done, failure.get());
    }
}
