package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each tenant's daily full listing falls at its own, stable time inside the configured window. */
class FullListingScheduleTest {
    private final LocalDate day = LocalDate.parse("2026-11-30");

    @Test
    void slotsFallInsideTheWindowAndSpreadOverIt() {
        FullListingSchedule schedule = new FullListingSchedule(22, 4);
        Instant start = Instant.parse("2026-11-30T22:00:00Z");
        Set<Long> hours = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Instant slot = schedule.slot("tenant-" + i, day);
            assertFalse(slot.isBefore(start));
            assertTrue(slot.isBefore(start.plus(Duration.ofHours(4))), slot.toString());
            hours.add(Duration.between(start, slot).toHours());
        }
        assertEquals(4, hours.size(), "tenants spread over every hour of the window");
    }

    @Test
    void aTenantsSlotIsTheSameTimeEveryDay() {
        FullListingSchedule schedule = FullListingSchedule.defaults();
        assertEquals(schedule.slot("acme", day).plus(Duration.ofDays(1)), schedule.slot("acme", day.plusDays(1)));
    }

    @Test
    void dueOnlyWhenNoListingStartedSinceTheLatestSlot() {
        FullListingSchedule schedule = FullListingSchedule.defaults();
        Instant slot = schedule.slot("acme", day);
        assertTrue(schedule.due("acme", null, slot));
        assertTrue(schedule.due("acme", slot.minusSeconds(1), slot.plusSeconds(60)));
        assertFalse(schedule.due("acme", slot.plusSeconds(1), slot.plusSeconds(60)));
        assertFalse(schedule.due("acme", slot.minusSeconds(1), slot.minusSeconds(1)), "before today's slot yesterday's counts");
    }

    @Test
    void aWindowOutsideTheDayIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new FullListingSchedule(24, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new FullListingSchedule(0, 0));
    }
}
