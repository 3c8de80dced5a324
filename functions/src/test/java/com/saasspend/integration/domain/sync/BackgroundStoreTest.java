package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.common.Log;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The org sync's store thread: what it carries from the caller, and how a page's failure or an interrupt reaches the caller. */
class BackgroundStoreTest {
    private final BackgroundStore store = new BackgroundStore("test-store");

    @AfterEach
    void end() {
        Thread.interrupted();
        store.close();
        Log.clearContext();
    }

    @Test
    void aPageIsStoredOnADaemonThreadUnderTheCallersLogContextWhichItDoesNotKeep() {
        AtomicReference<Boolean> daemon = new AtomicReference<>();
        AtomicReference<Map<String, String>> context = new AtomicReference<>();
        Log.put("runId", "run-1");
        store.submit(() -> {
            daemon.set(Thread.currentThread().isDaemon());
            context.set(Log.contextFields());
        });
        store.await();
        assertEquals(Boolean.TRUE, daemon.get(), "the thread never keeps the runtime alive");
        assertEquals("run-1", context.get().get("runId"));

        Log.clearContext();
        store.submit(() -> context.set(Log.contextFields()));
        store.await();
        assertEquals(Map.of(), context.get(), "the next page does not carry the previous one's context");
    }

    @Test
    void aStoresErrorReachesTheCallerAsItself() {
        AssertionError broken = new AssertionError("store broke");
        store.submit(() -> { throw broken; });
        assertSame(broken, assertThrows(AssertionError.class, store::await));
    }

    @Test
    void aStoresFailureAfterTheCallerStoppedWinsAndCarriesWhyTheCallerStopped() {
        IllegalStateException lostLease = new IllegalStateException("lease lost");
        RuntimeException outOfTime = new RuntimeException("out of time");
        store.submit(() -> { throw lostLease; });
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> store.awaitAfter(outOfTime));
        assertSame(lostLease, thrown);
        assertArrayEquals(new Throwable[] {outOfTime}, thrown.getSuppressed());

        // The caller stopped on the very failure the store raised (seen at a hand-over): thrown once, not suppressed by itself.
        store.submit(() -> { throw lostLease; });
        assertSame(lostLease, assertThrows(IllegalStateException.class, () -> store.awaitAfter(lostLease)));
        assertEquals(1, lostLease.getSuppressed().length);
    }

    @Test
    void aCallerInterruptedWhileAPageIsStoredStopsAndStaysInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.submit(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        Thread.currentThread().interrupt();
        assertThrows(IllegalStateException.class, store::await);
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller's caller");
        release.countDown();
    }

    @Test
    void closingWhileInterruptedKeepsTheInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        store.submit(() -> {
            started.countDown();
            while (!stop.get()) {
                Thread.onSpinWait(); // a store that does not answer interrupts
            }
        });
        started.await();
        Thread.currentThread().interrupt();
        try {
            store.close();
            assertTrue(Thread.interrupted(), "close stops waiting and keeps the interrupt");
        } finally {
            stop.set(true);
        }
    }
}
