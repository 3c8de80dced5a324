package com.saasspend.integration.domain.savings;

import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What reclaiming saves, in seats and money: per product instance the seats bought (where Atlassian reports them),
 * assigned, active, inactive and never used as the last complete sync counted them, the monthly cost of the unused
 * ones at the tenant's seat prices, and the seats reclaimed to date and this month (from the counters, not the audit).
 * Also the daily history the sync writes, for charts.
 */
public final class SavingsService {
    private final LicenseService licenses;
    private final TenantSettingsStore settings;
    private final SavingsStore store;
    private final Clock clock;

    public SavingsService(LicenseService licenses, TenantSettingsStore settings, SavingsStore store, Clock clock) {
        this.licenses = licenses;
        this.settings = settings;
        this.store = store;
        this.clock = clock;
    }

    /** Seats and their monthly cost; {@code monthlyCost} is null when no seat counted had a price. */
    public record Reclaimed(long seats, BigDecimal monthlyCost) {
        static Reclaimed of(Tally tally) {
            return new Reclaimed(tally.seats(), tally.monthlyCostOrNull());
        }
    }

    /**
     * One product instance. {@code unused} = inactive + never used; {@code seatPrice} and {@code unusedMonthlyCost} are
     * null without a price for the product; {@code seatsBought} is null where Atlassian does not report it.
     */
    public record ProductSavings(String resourceId, String product, String name, Integer seatsBought, long assigned,
                                 long active, long inactive, long neverUsed, long unused, BigDecimal seatPrice,
                                 BigDecimal unusedMonthlyCost, Reclaimed reclaimedToDate, Reclaimed reclaimedThisMonth) {}

    /** Sums over the products; a cost sums the products that have one, and is null when none has. */
    public record Totals(long unused, BigDecimal unusedMonthlyCost, Reclaimed reclaimedToDate, Reclaimed reclaimedThisMonth) {}

    public record Savings(String month, int inactivityDays, Instant countedAt, Instant lastSyncAt,
                          List<ProductSavings> products, Totals totals) {}

    public Savings savings(String tenantId) {
        LicenseService.Overview overview = licenses.overview(tenantId);
        Map<String, BigDecimal> prices = settings.get(tenantId).seatPrices();
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        Map<String, Tally> toDate = store.reclaimedToDate(tenantId);
        Map<String, Tally> thisMonth = store.reclaimedIn(tenantId, month);
        List<ProductSavings> rows = new ArrayList<>();
        for (LicenseService.ProductSeats p : overview.products()) {
            rows.add(row(p.resourceId(), p.product(), p.name(), p.seats(), p.assigned(), p.active(), p.inactive(), p.neverUsed(),
                    prices, toDate, thisMonth));
        }
        // Seats reclaimed on an instance the last sync no longer lists (product removed since) still count.
        toDate.forEach((resourceId, tally) -> {
            if (rows.stream().noneMatch(r -> r.resourceId().equals(resourceId))) {
                rows.add(row(resourceId, tally.productKey(), null, null, 0, 0, 0, 0, prices, toDate, thisMonth));
            }
        });
        Tally allToDate = rows.stream().map(r -> toDate.getOrDefault(r.resourceId(), Tally.zero(null))).reduce(Tally.zero(null), Tally::plus);
        Tally allThisMonth = rows.stream().map(r -> thisMonth.getOrDefault(r.resourceId(), Tally.zero(null))).reduce(Tally.zero(null), Tally::plus);
        Totals totals = new Totals(rows.stream().mapToLong(ProductSavings::unused).sum(),
                sumOfKnown(rows.stream().map(ProductSavings::unusedMonthlyCost).toList()),
                Reclaimed.of(allToDate), Reclaimed.of(allThisMonth));
        return new Savings(month.toString(), overview.inactivityDays(), overview.countedAt(), overview.lastSyncAt(), rows, totals);
    }

    private static ProductSavings row(String resourceId, String product, String name, Integer seatsBought, long assigned,
                                      long active, long inactive, long neverUsed, Map<String, BigDecimal> prices,
                                      Map<String, Tally> toDate, Map<String, Tally> thisMonth) {
        BigDecimal price = product == null ? null : prices.get(product);
        long unused = inactive + neverUsed;
        return new ProductSavings(resourceId, product, name, seatsBought, assigned, active, inactive, neverUsed, unused, price,
                unusedCost(price, unused),
                Reclaimed.of(toDate.getOrDefault(resourceId, Tally.zero(product))),
                Reclaimed.of(thisMonth.getOrDefault(resourceId, Tally.zero(product))));
    }

    private static BigDecimal unusedCost(BigDecimal price, long unused) {
        return price == null ? null : price.multiply(BigDecimal.valueOf(unused));
    }

    private static BigDecimal sumOfKnown(List<BigDecimal> costs) {
        return costs.stream().filter(Objects::nonNull).reduce(BigDecimal::add).orElse(null);
    }

    // ---------------------------------------------------------------- history

    /**
     * Writes today's history item from the seat counts the sync just completed (overwriting an earlier one of today).
     * Called once a full org sync has completed.
     */
    public void recordDay(String tenantId) {
        LicenseService.Overview overview = licenses.overview(tenantId);
        Map<String, BigDecimal> prices = settings.get(tenantId).seatPrices();
        List<SavingsStore.ProductDay> products = overview.products().stream()
                .map(p -> new SavingsStore.ProductDay(p.resourceId(), p.product(), p.name(), p.seats(), p.assigned(), p.active(),
                        p.inactive(), p.neverUsed(), unusedCost(p.product() == null ? null : prices.get(p.product()),
                        p.inactive() + p.neverUsed()))).toList();
        Instant takenAt = clock.instant();
        store.putSnapshot(tenantId, LocalDate.ofInstant(takenAt, ZoneOffset.UTC),
                new SavingsStore.DaySnapshot(takenAt, overview.inactivityDays(), products));
    }

    /** One product on one day: the counts are null when no sync completed that day. */
    public record ProductHistory(String resourceId, String product, String name, Integer seatsBought, Long assigned,
                                 Long active, Long inactive, Long neverUsed, BigDecimal unusedMonthlyCost,
                                 long reclaimedSeats, BigDecimal reclaimedMonthlyCost) {}

    public record HistoryDay(String date, Instant snapshotAt, Integer inactivityDays, List<ProductHistory> products) {}

    public record History(String from, String to, List<HistoryDay> days) {}

    /** The days from {@code from} to {@code to} (inclusive) that have an item. Refuses a reversed or too long range. */
    public History history(String tenantId, LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_range", "from (" + from + ") is after to (" + to + ").");
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > SavingsStore.HISTORY_DAYS) {
            throw new Refusal(Refusal.Kind.INVALID, "range_too_long",
                    "A history range covers at most " + SavingsStore.HISTORY_DAYS + " days (the history is kept that long).");
        }
        List<HistoryDay> days = new ArrayList<>();
        for (SavingsStore.Day day : store.days(tenantId, from, to)) {
            Map<String, ProductHistory> products = new LinkedHashMap<>();
            if (day.snapshot() != null) {
                for (SavingsStore.ProductDay p : day.snapshot().products()) {
                    Tally reclaimed = day.reclaimed().getOrDefault(p.resourceId(), Tally.zero(p.product()));
                    products.put(p.resourceId(), new ProductHistory(p.resourceId(), p.product(), p.name(), p.seatsBought(),
                            p.assigned(), p.active(), p.inactive(), p.neverUsed(), p.unusedMonthlyCost(), reclaimed.seats(),
                            reclaimed.monthlyCostOrNull()));
                }
            }
            day.reclaimed().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (!products.containsKey(e.getKey()) && e.getValue().seats() != 0) {
                    products.put(e.getKey(), new ProductHistory(e.getKey(), e.getValue().productKey(), null, null, null, null,
                            null, null, null, e.getValue().seats(), e.getValue().monthlyCostOrNull()));
                }
            });
            days.add(new HistoryDay(day.date().toString(), day.snapshot() == null ? null : day.snapshot().takenAt(),
                    day.snapshot() == null ? null : day.snapshot().inactivityDays(), List.copyOf(products.values())));
        }
        return new History(from.toString(), to.toString(), days);
    }
}
