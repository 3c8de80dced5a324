package com.saasspend.integration.domain.sync;

import com.saasspend.integration.common.Log;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stores a sync's pages on one thread of its own while the caller fetches the next page: at most one page is being
 * stored at a time, so the caller holds at most one page more than a sequential sync (the memory bound stays flat).
 * Handing over a page first waits for the one before it, so pages are stored in order, and a page's failure surfaces
 * to the caller at the next hand-over or {@link #await()}, never lost. One per invocation: {@link #close()} ends its
 * thread, so nothing outlives the invocation.
 */
final class BackgroundStore implements AutoCloseable {
    /** Bound on waiting for the thread to end once nothing is pending (it is idle then: this is only a backstop). */
    private static final long STOP_SECONDS = 10;

    private final ExecutorService executor;
    /** The executor's one thread, once started (joined on close). */
    private volatile Thread thread;
    private Future<?> pending;

    BackgroundStore(String name) {
        this.executor = Executors.newSingleThreadExecutor(work -> {
            Thread t = new Thread(work, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Waits for the page being stored (throwing its failure), then starts storing this one. */
    void submit(Runnable store) {
        await();
        // The store's log lines carry the invocation's context (tenant, runId) like the caller's.
        Map<String, String> context = Log.contextFields();
        pending = executor.submit(() -> {
            context.forEach(Log::put);
            try {
                store.run();
            } finally {
                Log.clearContext();
            }
        });
    }

    /** Waits until the page being stored (if any) is stored; throws what stopped it. */
    void await() {
        Future<?> waiting = pending;
        if (waiting == null) {
            return;
        }
        pending = null;
        try {
            waiting.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            waiting.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a page was being stored", e);
        }
    }

    /**
     * After the caller stopped on {@code stopped}: waits for the page being stored. Its failure, if any, is the one
     * that counts (a lost lease, a store that failed: the run must not go on as if that page were stored), carrying
     * {@code stopped} as suppressed; otherwise this returns and the caller goes on with {@code stopped}.
     */
    void awaitAfter(Throwable stopped) {
        try {
            await();
        } catch (RuntimeException | Error storeFailure) {
            if (storeFailure != stopped) {
                storeFailure.addSuppressed(stopped);
            }
            throw storeFailure;
        }
    }

    @Override
    public void close() {
        if (pending != null) {
            // Only on a path that did not wait (an Error on the caller's side): the page must not be written later.
            pending.cancel(true);
            pending = null;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
            Thread started = thread;
            if (started != null) {
                started.join(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
