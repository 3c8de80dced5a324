package com.saasspend.integration.domain.savings;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a tenant's savings are kept: per-reclaim markers of what each reclaim is counted with, counters of reclaimed
 * seats per product instance (per day, per month and to date), and one history item per day (the day's counters and
 * the last completed sync's seat counts of that day). Everything stays in the tenant's partition, so a disconnect
 * keeps it, like the audit trail.
 */
public interface SavingsStore {
    /** What reclaim {@code reclaimId} is counted with now; empty when it never was. */
    Optional<Counted> counted(String tenantId, String reclaimId);

    /**
     * In one transaction: replaces the reclaim's marker with {@code next}, on condition that its version is still
     * {@code expectedVersion} (0: no marker yet), and adds {@code delta} (per resource id) to the counters of
     * {@code next.day()}, of its month and to date. False, and nothing written, when the condition failed.
     */
    boolean recount(String tenantId, String reclaimId, long expectedVersion, Counted next, Map<String, Tally> delta);

    /** Reclaimed seats to date, per resource id. */
    Map<String, Tally> reclaimedToDate(String tenantId);

    /** Reclaimed seats of reclaims made in {@code month} (UTC), per resource id. */
    Map<String, Tally> reclaimedIn(String tenantId, YearMonth month);

    /** Overwrites the day's seat counts (its reclaim counters stay); the day's item expires after {@code HISTORY_DAYS}. */
    void putSnapshot(String tenantId, LocalDate day, DaySnapshot snapshot);

    /** The day items from {@code from} to {@code to} (inclusive, at most {@code HISTORY_DAYS} days), oldest first. */
    List<Day> days(String tenantId, LocalDate from, LocalDate to);

    /** The history is kept this long (and a range may span at most this many days). */
    int HISTORY_DAYS = 400;

    /** A reclaim's marker: {@code version} counts its updates; {@code day} never changes once counted. */
    record Counted(long version, LocalDate day, Map<String, Tally> tallies) {
        public Counted {
            tallies = Map.copyOf(tallies);
        }
    }

    /** Seat counts of one product instance as the day's last completed sync found them. */
    record ProductDay(String resourceId, String product, String name, Integer seatsBought, long assigned, long active,
                      long inactive, long neverUsed, BigDecimal unusedMonthlyCost) {}

    record DaySnapshot(Instant takenAt, int inactivityDays, List<ProductDay> products) {
        public DaySnapshot {
            products = List.copyOf(products);
        }
    }

    /** One day's item: the snapshot (null when no sync completed that day) and what reclaims of that day keep freed. */
    record Day(LocalDate date, DaySnapshot snapshot, Map<String, Tally> reclaimed) {
        public Day {
            reclaimed = Map.copyOf(reclaimed);
        }
    }
}
