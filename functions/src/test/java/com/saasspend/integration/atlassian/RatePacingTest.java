package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The token bucket on a fake time line: nothing sleeps, every wait is what {@link RatePacing#reserve} answers. */
class RatePacingTest {
    private static final Instant T0 = Instant.parse("2026-11-30T23:00:00Z");

    /** Atlassian's fixed window as the simulator keeps it: {@code limit} calls a window, 429 beyond. */
    private static final class FixedWindow {
        final int limit;
        final Duration window;
        Instant start = T0;
        int used;
        int refused;

        FixedWindow(int limit, Duration window) {
            this.limit = limit;
            this.window = window;
        }

        /** Answers a call at {@code now}: remaining after it (or -1 for a 429). */
        int call(Instant now) {
            while (!now.isBefore(start.plus(window))) {
                start = start.plus(window);
                used = 0;
            }
            if (used >= limit) {
                refused++;
                return -1;
            }
            used++;
            return limit - used;
        }

        Instant reset() {
            return start.plus(window);
        }
    }

    @Test
    void aCallerFasterThanTheLimitIsSpacedAcrossTheWindowAndMeetsNo429() {
        RatePacing pacing = new RatePacing();
        FixedWindow atlassian = new FixedWindow(600, Duration.ofSeconds(60));
        Instant now = T0;
        Duration latency = Duration.ofMillis(10); // ten times faster than 600 a minute allows
        for (int i = 0; i < 1_500; i++) {
            now = now.plus(pacing.reserve("k", now));
            now = now.plus(latency);
            int remaining = atlassian.call(now);
            Duration retryAfter = remaining < 0 ? Duration.between(now, atlassian.reset()) : null;
            pacing.answered("k", now, (long) Math.max(remaining, 0), atlassian.reset(), retryAfter);
        }
        assertEquals(0, atlassian.refused, "no 429");
        // 1,500 calls at 600 a minute need at least two whole windows and part of a third.
        assertTrue(now.isAfter(T0.plusSeconds(120)), "spaced, not sent in bursts: " + now);
        assertTrue(now.isBefore(T0.plusSeconds(180)), "and no slower than the limit allows: " + now);
    }

    @Test
    void aCallerAtTheLimitsOwnPaceIsNeverHeldBack() {
        RatePacing pacing = new RatePacing();
        FixedWindow atlassian = new FixedWindow(600, Duration.ofSeconds(60));
        Instant now = T0;
        Duration waited = Duration.ZERO;
        for (int i = 0; i < 300; i++) {
            Duration wait = pacing.reserve("k", now);
            waited = waited.plus(wait);
            now = now.plus(wait).plusMillis(100); // 100 ms a call: ten a second, what 600 a minute allows
            pacing.answered("k", now, (long) atlassian.call(now), atlassian.reset(), null);
        }
        assertEquals(0, atlassian.refused);
        assertTrue(waited.compareTo(Duration.ofMillis(300)) < 0, "at most rounding, not a wait per call: " + waited);
    }

    @Test
    void nothingLeftInTheWindowWaitsForItsReset() {
        RatePacing pacing = afterOneCall(0L, T0.plusSeconds(42), null);
        assertEquals(Duration.ofSeconds(42), pacing.reserve("k", T0));
    }

    @Test
    void callsUnderWayCountAgainstWhatIsLeft() {
        RatePacing pacing = afterOneCall(2L, T0.plusSeconds(10), null);
        Duration first = pacing.reserve("k", T0);
        Duration second = pacing.reserve("k", T0);
        Duration third = pacing.reserve("k", T0);
        assertEquals(Duration.ZERO, first);
        assertEquals(Duration.ofSeconds(5), second, "two left for ten seconds: one every five");
        assertEquals(Duration.ofSeconds(10), third, "both left are under way: the third waits for the reset");
        pacing.notSent("k");
        pacing.notSent("k");
        assertEquals(Duration.ZERO, pacing.reserve("k", T0.plusSeconds(10)),
                "after the reset the key's new budget is unknown: the call goes and its answer tells");
    }

    @Test
    void a429HoldsEveryCallOnItsKeyUntilRetryAfterAndNoOtherKey() {
        RatePacing pacing = afterOneCall(0L, T0.plusSeconds(3), Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(30), pacing.reserve("k", T0), "Retry-After beyond the reset wins");
        assertEquals(Duration.ofSeconds(20), pacing.reserve("k", T0.plusSeconds(10)), "still held ten seconds later");
        assertEquals(Duration.ZERO, pacing.reserve("other", T0), "another key (another org, another host) is not held");
    }

    @Test
    void aKeyWhoseAnswersCarryNoRateHeadersIsNotPaced() {
        RatePacing pacing = new RatePacing();
        for (int i = 0; i < 100; i++) {
            assertEquals(Duration.ZERO, pacing.reserve("k", T0));
            pacing.answered("k", T0, null, null, null);
        }
    }

    /** Pacing after one call on key "k" at T0 whose answer said {@code remaining} calls left until {@code reset}. */
    private static RatePacing afterOneCall(long remaining, Instant reset, Duration retryAfter) {
        RatePacing pacing = new RatePacing();
        pacing.reserve("k", T0);
        pacing.answered("k", T0, remaining, reset, retryAfter);
        return pacing;
    }
}
