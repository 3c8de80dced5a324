package com.saasspend.integration.domain.savings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reclaimed-seat counters over an in-memory store: once per reclaim, reversed by its undo, on the reclaim's day. */
class SavingsCounterTest {
    private static final String T = "tenant-a";
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final String CONF = "ari:cloud:confluence::site/1";
    private static final LocalDate NOV_30 = LocalDate.parse("2026-11-30");

    private final InMemorySavingsStore store = new InMemorySavingsStore();
    private final SavingsCounter counter = new SavingsCounter(store);

    private static ReclaimedSeats.Seat jira() {
        return new ReclaimedSeats.Seat(JIRA, "jira-software", new BigDecimal("8.60"));
    }

    private static ReclaimedSeats.Seat confluence() {
        return new ReclaimedSeats.Seat(CONF, "confluence", null);
    }

    @Test
    void aReclaimSettledAgainByARetryOrAFinisherIsCountedOnce() {
        ReclaimedSeats reclaim = new ReclaimedSeats("r1", NOV_30, List.of(jira(), confluence()));
        counter.count(T, reclaim);
        counter.count(T, reclaim);
        counter.count(T, reclaim);

        for (String name : List.of("TOTAL", "MONTH#2026-11", "DAY#2026-11-30")) {
            Map<String, Tally> tallies = store.counter(T, name);
            assertEquals(1, tallies.get(JIRA).seats(), name);
            assertEquals(0, new BigDecimal("8.60").compareTo(tallies.get(JIRA).monthlyCostOrNull()), name);
            assertEquals(1, tallies.get(CONF).seats(), name);
            assertNull(tallies.get(CONF).monthlyCostOrNull(), "a seat without a price has no cost, not a cost of 0: " + name);
        }
        assertEquals(1, store.recounts, "the repeats wrote nothing");
        assertEquals(1, store.markers.get(T + "/r1").version());
    }

    @Test
    void aFirstCountWritesWithoutReadingAndOneAlreadyCountedIsCountedOnceAfterItsWriteFails() {
        int[] reads = {0};
        InMemorySavingsStore watched = new InMemorySavingsStore() {
            @Override public java.util.Optional<Counted> counted(String tenantId, String reclaimId) {
                reads[0]++;
                return super.counted(tenantId, reclaimId);
            }
        };
        SavingsCounter first = new SavingsCounter(watched);
        ReclaimedSeats reclaim = new ReclaimedSeats("r1", NOV_30, List.of(jira(), confluence()));
        first.countFirst(T, reclaim);
        assertEquals(0, reads[0], "a reclaim settling for the first time: one write, no read");
        assertEquals(1, watched.recounts);

        // Settled again by a finisher (the first settle died before the record settled): counted once.
        first.countFirst(T, reclaim);
        assertEquals(2, watched.counter(T, "TOTAL").size());
        assertEquals(1, watched.counter(T, "TOTAL").get(JIRA).seats());
        assertEquals(1, watched.counter(T, "DAY#2026-11-30").get(CONF).seats());
        assertEquals(1, watched.markers.get(T + "/r1").version());
        assertEquals(1, reads[0], "its failed write, then one read of the marker: nothing left to add");
    }

    @Test
    void twoReclaimsAddUp() {
        counter.count(T, new ReclaimedSeats("r1", NOV_30, List.of(jira())));
        counter.count(T, new ReclaimedSeats("r2", NOV_30, List.of(jira(), confluence())));
        assertEquals(2, store.counter(T, "TOTAL").get(JIRA).seats());
        assertEquals(0, new BigDecimal("17.20").compareTo(store.counter(T, "TOTAL").get(JIRA).monthlyCostOrNull()));
        assertEquals(1, store.counter(T, "TOTAL").get(CONF).seats());
    }

    @Test
    void anUndoTakesBackWhatItPutBackFromTheReclaimsOwnDayAndMonthEvenInTheNextMonth() {
        counter.count(T, new ReclaimedSeats("r1", NOV_30, List.of(jira(), confluence())));
        // Undone on December 1st, Confluence only back (the group granting Jira could not be restored).
        counter.count(T, new ReclaimedSeats("r1", LocalDate.parse("2026-12-01"), List.of(jira())));

        assertEquals(1, store.counter(T, "MONTH#2026-11").get(JIRA).seats());
        assertEquals(0, store.counter(T, "MONTH#2026-11").get(CONF).seats(), "November no longer counts the seat put back");
        assertEquals(0, store.counter(T, "DAY#2026-11-30").get(CONF).seats());
        assertEquals(0, store.counter(T, "TOTAL").get(CONF).seats());
        assertTrue(store.counter(T, "MONTH#2026-12").isEmpty(), "December is not touched by a November reclaim's undo");

        // The rest of the undo, then a repeat of it.
        counter.count(T, new ReclaimedSeats("r1", LocalDate.parse("2026-12-02"), List.of()));
        counter.count(T, new ReclaimedSeats("r1", LocalDate.parse("2026-12-02"), List.of()));
        assertEquals(0, store.counter(T, "TOTAL").get(JIRA).seats());
        assertEquals(0, store.counter(T, "TOTAL").get(JIRA).monthlyCost().signum());
        assertNull(store.counter(T, "TOTAL").get(JIRA).monthlyCostOrNull());
        assertEquals(3, store.recounts);
    }

    @Test
    void aReclaimThatFreedNothingWritesNothing() {
        counter.count(T, new ReclaimedSeats("r1", NOV_30, List.of()));
        assertEquals(0, store.recounts);
        assertTrue(store.markers.isEmpty());
    }

    @Test
    void aWriterThatLosesTheRaceOnTheMarkerReadsItAgainAndAddsOnlyTheDifference() {
        ReclaimedSeats reclaim = new ReclaimedSeats("r1", NOV_30, List.of(jira()));
        // Another finisher of the same reclaim counts it between this writer's read and its write.
        store.beforeNextRecount = () -> new SavingsCounter(store).count(T, reclaim);
        counter.count(T, reclaim);
        assertEquals(1, store.counter(T, "TOTAL").get(JIRA).seats(), "counted once by the two writers together");
        assertEquals(2, store.recounts, "the other writer's recount, then this writer's lost one; its reread wrote nothing");
    }

    @Test
    void aMarkerThatNeverSettlesIsAnErrorNotALoop() {
        SavingsStore alwaysRaced = new InMemorySavingsStore() {
            @Override
            public boolean recount(String tenantId, String reclaimId, long expectedVersion, Counted next, Map<String, Tally> delta) {
                return false;
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new SavingsCounter(alwaysRaced).count(T, new ReclaimedSeats("r1", NOV_30, List.of(jira()))));
    }
}
