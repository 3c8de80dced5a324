package com.saasspend.integration.domain.savings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.LicenseReader;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /savings and its history over in-memory ports: unused seats and their cost, reclaimed to date and this month. */
class SavingsServiceTest {
    private static final String T = "tenant-a";
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final String CONF = "ari:cloud:confluence::site/1";
    private static final String TRELLO = "ari:cloud:trello::enterprise/9";

    private final List<ProductInstance> products = new ArrayList<>();
    private final Map<String, ProductCounts> counts = new LinkedHashMap<>();
    private TenantSettings settings = new TenantSettings(30, Map.of("jira-software", new BigDecimal("8.60")));
    private final InMemorySavingsStore store = new InMemorySavingsStore();
    private Instant now = Instant.parse("2026-11-30T23:59:00Z");

    private SavingsService service() {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        LicenseReader reader = new LicenseReader() {
            @Override public List<ProductInstance> products(String tenantId) { return products; }
            @Override public Optional<Summary> summary(String tenantId) {
                return Optional.of(new Summary(counts, 30, Instant.parse("2026-11-30T12:00:00Z")));
            }
            @Override public UserSlicePage users(String tenantId, UserSlice slice) { return new UserSlicePage(List.of(), null); }
            @Override public UserSlicePage search(String tenantId, String prefix, String after, int max) {
                return new UserSlicePage(List.of(), null);
            }
            @Override public Optional<OrgUser> user(String tenantId, String accountId) { return Optional.empty(); }
            @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> ids) { return Map.of(); }
        };
        TenantSettingsStore settingsStore = new TenantSettingsStore() {
            @Override public TenantSettings get(String tenantId) { return settings; }
            @Override public void put(String tenantId, TenantSettings s) { settings = s; }
        };
        IntegrationStore integrations = new IntegrationStore() {
            @Override public Optional<Integration> find(String tenantId, IntegrationType type) { return Optional.empty(); }
            @Override public List<Integration> list(String tenantId) { return List.of(); }
            @Override public Integration save(Integration integration, long expectedVersion) { throw new UnsupportedOperationException(); }
            @Override public void delete(String tenantId, IntegrationType type) { throw new UnsupportedOperationException(); }
        };
        return new SavingsService(new LicenseService(reader, settingsStore, integrations, clock), settingsStore, store, clock);
    }

    @BeforeEach
    void world() {
        products.add(new ProductInstance(JIRA, "jira-software", "Jira", "https://a.atlassian.net", 100, 40));
        products.add(new ProductInstance(CONF, "confluence", "Confluence", "https://a.atlassian.net", null, null));
        counts.put(JIRA, new ProductCounts(40, 30, 6, 4));
        counts.put(CONF, new ProductCounts(20, 19, 1, 0));
    }

    private static SavingsService.ProductSavings row(SavingsService.Savings savings, String resourceId) {
        return savings.products().stream().filter(p -> p.resourceId().equals(resourceId)).findFirst().orElseThrow();
    }

    private void reclaimed(String id, String day, String resourceId, String productKey, String price) {
        new SavingsCounter(store).count(T, new ReclaimedSeats(id, LocalDate.parse(day),
                List.of(new ReclaimedSeats.Seat(resourceId, productKey, price == null ? null : new BigDecimal(price)))));
    }

    @Test
    void unusedSeatsCostTheirPriceAndAProductWithoutAPriceHasNoCost() {
        SavingsService.Savings savings = service().savings(T);
        SavingsService.ProductSavings jira = row(savings, JIRA);
        assertEquals(100, jira.seatsBought());
        assertEquals(40, jira.assigned());
        assertEquals(10, jira.unused(), "inactive + never used");
        assertEquals(0, new BigDecimal("86.00").compareTo(jira.unusedMonthlyCost()));
        SavingsService.ProductSavings confluence = row(savings, CONF);
        assertNull(confluence.seatsBought(), "Atlassian did not report it: not invented");
        assertEquals(1, confluence.unused());
        assertNull(confluence.seatPrice());
        assertNull(confluence.unusedMonthlyCost(), "no price, no cost (not 0)");
        assertEquals(11, savings.totals().unused());
        assertEquals(0, new BigDecimal("86.00").compareTo(savings.totals().unusedMonthlyCost()), "the known costs summed");
        assertEquals(0, jira.reclaimedToDate().seats());
        assertNull(jira.reclaimedToDate().monthlyCost());
        assertEquals("2026-11", savings.month());
    }

    @Test
    void reclaimedThisMonthCountsOnlyReclaimsOfTheCurrentUtcMonth() {
        reclaimed("r-oct", "2026-10-31", JIRA, "jira-software", "8.60");
        reclaimed("r-nov", "2026-11-30", JIRA, "jira-software", "8.60");
        reclaimed("r-nov2", "2026-11-01", CONF, "confluence", null);
        SavingsService.Savings november = service().savings(T);
        assertEquals(2, row(november, JIRA).reclaimedToDate().seats());
        assertEquals(0, new BigDecimal("17.20").compareTo(row(november, JIRA).reclaimedToDate().monthlyCost()));
        assertEquals(1, row(november, JIRA).reclaimedThisMonth().seats());
        assertEquals(1, row(november, CONF).reclaimedThisMonth().seats());
        assertNull(row(november, CONF).reclaimedThisMonth().monthlyCost());
        assertEquals(3, november.totals().reclaimedToDate().seats());
        assertEquals(2, november.totals().reclaimedThisMonth().seats());

        now = Instant.parse("2026-12-01T00:00:00Z");
        SavingsService.Savings december = service().savings(T);
        assertEquals("2026-12", december.month());
        assertEquals(0, row(december, JIRA).reclaimedThisMonth().seats(), "a new month starts at 0");
        assertEquals(2, row(december, JIRA).reclaimedToDate().seats());
    }

    @Test
    void seatsReclaimedOnAProductTheSyncNoLongerListsStillCount() {
        reclaimed("r1", "2026-11-30", TRELLO, "trello", "5");
        SavingsService.ProductSavings trello = row(service().savings(T), TRELLO);
        assertEquals("trello", trello.product());
        assertEquals(1, trello.reclaimedToDate().seats());
        assertNull(trello.seatsBought());
    }

    @Test
    void theDayItemHoldsTheSyncsCountsAndTheDaysReclaimsAndIsOverwrittenByTheDaysLaterSync() {
        reclaimed("r1", "2026-11-30", JIRA, "jira-software", "8.60");
        service().recordDay(T);
        counts.put(JIRA, new ProductCounts(39, 30, 5, 4));
        service().recordDay(T);

        SavingsService.History history = service().history(T, LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"));
        assertEquals(1, history.days().size(), "one item per day");
        SavingsService.HistoryDay day = history.days().get(0);
        assertEquals("2026-11-30", day.date());
        SavingsService.ProductHistory jira = day.products().stream().filter(p -> p.resourceId().equals(JIRA)).findFirst().orElseThrow();
        assertEquals(39L, jira.assigned(), "the day's last completed sync");
        assertEquals(0, new BigDecimal("77.40").compareTo(jira.unusedMonthlyCost()));
        assertEquals(1, jira.reclaimedSeats());
        SavingsService.ProductHistory confluence = day.products().stream().filter(p -> p.resourceId().equals(CONF)).findFirst().orElseThrow();
        assertEquals(0, confluence.reclaimedSeats());
        assertNull(confluence.unusedMonthlyCost());
    }

    @Test
    void aDayWithReclaimsButNoSyncShowsTheReclaimsWithoutCounts() {
        reclaimed("r1", "2026-11-29", JIRA, "jira-software", "8.60");
        SavingsService.History history = service().history(T, LocalDate.parse("2026-11-29"), LocalDate.parse("2026-11-29"));
        SavingsService.ProductHistory jira = history.days().get(0).products().get(0);
        assertNull(history.days().get(0).snapshotAt());
        assertNull(jira.assigned());
        assertEquals(1, jira.reclaimedSeats());
    }

    @Test
    void aReversedOrTooLongRangeIsRefused() {
        SavingsService service = service();
        Refusal reversed = assertThrows(Refusal.class,
                () -> service.history(T, LocalDate.parse("2026-11-30"), LocalDate.parse("2026-11-01")));
        assertEquals("invalid_range", reversed.code());
        assertEquals(Refusal.Kind.INVALID, reversed.kind());
        Refusal tooLong = assertThrows(Refusal.class,
                () -> service.history(T, LocalDate.parse("2025-10-26"), LocalDate.parse("2026-11-30")));
        assertEquals("range_too_long", tooLong.code());
        // 400 days exactly is allowed.
        assertEquals(0, service.history(T, LocalDate.parse("2025-10-27"), LocalDate.parse("2026-11-30")).days().size());
    }
}
