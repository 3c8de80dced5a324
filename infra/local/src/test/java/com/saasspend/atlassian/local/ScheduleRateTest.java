package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.local.testing.TestTemplates;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleRateTest {

    @Test
    void ratesBecomePeriods() {
        assertEquals(Optional.of(Duration.ofMinutes(15)), ScheduleRate.parse("rate(15 minutes)"));
        assertEquals(Optional.of(Duration.ofMinutes(1)), ScheduleRate.parse("rate(1 minute)"));
        assertEquals(Optional.of(Duration.ofHours(2)), ScheduleRate.parse("rate(2 hours)"));
        assertEquals(Optional.of(Duration.ofDays(1)), ScheduleRate.parse(" rate(1 day) "));
    }

    @Test
    void cronAndOneTimeSchedulesHaveNoPeriod() {
        assertTrue(ScheduleRate.parse("cron(0 12 * * ? *)").isEmpty());
        assertTrue(ScheduleRate.parse("at(2026-12-01T10:00:00)").isEmpty());
    }

    @Test
    void malformedAndZeroRatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScheduleRate.parse("rate(15 fortnights)"));
        assertThrows(IllegalArgumentException.class, () -> ScheduleRate.parse("rate(0 minutes)"));
        assertThrows(IllegalArgumentException.class, () -> ScheduleRate.parse("every 15 minutes"));
    }

    @Test
    void theDevelopersPeriodReadsLikeTheCommandLine() {
        assertEquals(Duration.ofSeconds(60), ScheduleRate.parseDuration("60s"));
        assertEquals(Duration.ofSeconds(45), ScheduleRate.parseDuration("45"));
        assertEquals(Duration.ofMinutes(5), ScheduleRate.parseDuration("5m"));
        assertEquals(Duration.ofMillis(500), ScheduleRate.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(1), ScheduleRate.parseDuration("PT1M"));
        assertThrows(IllegalArgumentException.class, () -> ScheduleRate.parseDuration("0s"));
        assertThrows(IllegalArgumentException.class, () -> ScheduleRate.parseDuration("soon"));
    }

    @Test
    void theTemplatesScheduleIsFound() {
        SamFunction dispatcher = TestTemplates.real().functions().stream()
                .filter(f -> !f.eventsOfType("Schedule", "ScheduleV2").isEmpty()).findFirst().orElseThrow();
        String expression = dispatcher.eventsOfType("Schedule", "ScheduleV2").get(0).properties().path("ScheduleExpression").asText();
        assertEquals(Optional.of(Duration.ofMinutes(15)), ScheduleRate.parse(expression));
    }
}
