package com.saasspend.integration.domain.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When a tenant's org gets a full listing although its audit-event stream could serve an incremental run: once a day,
 * at a time of its own inside a window of hours (UTC), so that tenants' full listings spread over the window instead of
 * all hitting Atlassian at once. The time is derived from a hash of the tenant id: stable from day to day.
 */
public final class FullListingSchedule {
    private final int windowStartHour;
    private final int windowHours;

    public FullListingSchedule(int windowStartHour, int windowHours) {
        if (windowStartHour < 0 || windowStartHour > 23 || windowHours < 1 || windowHours > 24) {
            throw new IllegalArgumentException("window start hour 0-23 and length 1-24 hours expected");
        }
        this.windowStartHour = windowStartHour;
        this.windowHours = windowHours;
    }

    /** The default window: 02:00 to 06:00 UTC. */
    public static FullListingSchedule defaults() {
        return new FullListingSchedule(2, 4);
    }

    /** The tenant's daily full listing time on {@code day}. */
    public Instant slot(String tenantId, LocalDate day) {
        long minutes = (long) windowHours * 60;
        long offset = Math.floorMod(ContentHash.of("full-listing:" + tenantId).hashCode(), minutes);
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(windowStartHour)).plus(Duration.ofMinutes(offset));
    }

    /** The latest slot at or before {@code now}. */
    public Instant lastSlot(String tenantId, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant slot = slot(tenantId, today);
        return slot.isAfter(now) ? slot(tenantId, today.minusDays(1)) : slot;
    }

    /** A full listing is due when none started since the tenant's latest slot. */
    public boolean due(String tenantId, Instant lastFullAt, Instant now) {
        return lastFullAt == null || lastFullAt.isBefore(lastSlot(tenantId, now));
    }
}
