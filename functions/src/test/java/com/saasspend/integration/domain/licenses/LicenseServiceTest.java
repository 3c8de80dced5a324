package com.saasspend.integration.domain.licenses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The License page's decisions over in-memory ports: seats per product, filters, paging, one user in detail. */
class LicenseServiceTest {
    private static final String T = "tenant-a";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final String CONF = "ari:cloud:confluence::site/1";

    private final InMemoryLicenseReader reader = new InMemoryLicenseReader();
    private final Map<String, TenantSettings> settings = new HashMap<>();
    private final Map<String, Integration> integrations = new HashMap<>();
    private final LicenseService service = new LicenseService(reader, new TenantSettingsStore() {
        @Override public TenantSettings get(String tenantId) { return settings.getOrDefault(tenantId, TenantSettings.DEFAULTS); }
        @Override public void put(String tenantId, TenantSettings s) { settings.put(tenantId, s); }
    }, new IntegrationStore() {
        @Override public Optional<Integration> find(String tenantId, IntegrationType type) {
            return Optional.ofNullable(integrations.get(tenantId + type));
        }
        @Override public List<Integration> list(String tenantId) { return List.copyOf(integrations.values()); }
        @Override public Integration save(Integration integration, long expectedVersion) { throw new UnsupportedOperationException(); }
        @Override public void delete(String tenantId, IntegrationType type) { throw new UnsupportedOperationException(); }
    }, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void overviewListsEveryProductWithItsSeatsAndTheProductsOnlyUsersHold() {
        reader.products.add(new ProductInstance(JIRA, "jira-software", "Jira", "https://a.atlassian.net", 100, 40));
        reader.products.add(new ProductInstance(CONF, "confluence", "Confluence", "https://a.atlassian.net", null, null));
        Map<String, ProductCounts> counts = new LinkedHashMap<>();
        counts.put(JIRA, new ProductCounts(40, 30, 6, 4));
        counts.put("ari:cloud:bitbucket::workspace/9", new ProductCounts(3, 3, 0, 0));
        reader.summary = new LicenseReader.Summary(counts, 45, NOW.minusSeconds(60));
        integrations.put(T + IntegrationType.ATLASSIAN, integration(NOW.minusSeconds(90)));

        LicenseService.Overview overview = service.overview(T);

        assertEquals(List.of("bitbucket", "confluence", "jira-software"),
                overview.products().stream().map(LicenseService.ProductSeats::product).toList(), "sorted by product");
        LicenseService.ProductSeats jira = overview.products().get(2);
        assertEquals(new LicenseService.ProductSeats(JIRA, "jira-software", "Jira", "https://a.atlassian.net", 100, 40, 30, 6, 4), jira);
        LicenseService.ProductSeats confluence = overview.products().get(1);
        assertEquals(0, confluence.assigned(), "a product nobody holds shows zero seats");
        LicenseService.ProductSeats bitbucket = overview.products().get(0);
        assertNull(bitbucket.name(), "a product the org's list did not name has no name");
        assertEquals(3, bitbucket.active());
        assertEquals(45, overview.inactivityDays(), "the threshold the counts were made with");
        assertEquals(NOW.minusSeconds(60), overview.countedAt());
        assertEquals(NOW.minusSeconds(90), overview.lastSyncAt());
    }

    @Test
    void overviewBeforeTheFirstSyncUsesTheTenantsThreshold() {
        settings.put(T, new TenantSettings(60, Map.of()));
        LicenseService.Overview overview = service.overview(T);
        assertEquals(List.of(), overview.products());
        assertEquals(60, overview.inactivityDays());
        assertNull(overview.countedAt());
        assertNull(overview.lastSyncAt());
    }

    @Test
    void productKeyComesFromTheResourceIdentifier() {
        assertEquals("jira-software", LicenseService.productKeyOf(JIRA));
        assertEquals("not-an-ari", LicenseService.productKeyOf("not-an-ari"));
    }

    @Test
    void statusFiltersAcrossProducts() {
        reader.add(user("a", "Ann", "ann@x.io", access("jira-software", JIRA, 2), access("confluence", CONF, 100)));
        reader.add(user("b", "Bob", "bob@x.io", access("jira-software", JIRA, 40)));
        reader.add(user("c", "Cid", "cid@x.io", access("jira-software", JIRA, null)));
        reader.add(user("d", "Dee", "dee@x.io"));
        reader.add(user("e", "Eve", "eve@x.io", access("confluence", CONF, null), access("jira-software", JIRA, 31)));

        assertEquals(List.of("a"), ids(query(null, "active", null, null)), "active anywhere is active");
        assertEquals(List.of("e", "b"), ids(query(null, "inactive", null, null)), "used once, not within 30 days; most recent first");
        assertEquals(List.of("c"), ids(query(null, "never", null, null)));
        assertEquals(List.of("a", "b", "c", "d", "e"), ids(query(null, null, null, null)), "no filter: everyone, by name");
        assertEquals(List.of("e"), ids(query("confluence", "never", null, null)), "status counts only the filtered product");
        assertEquals(List.of("a", "e"), ids(query(CONF, null, null, null)), "a product by resource id");
        assertEquals(List.of("a", "b", "c", "e"), ids(query("JIRA-SOFTWARE", null, null, null)), "a product key in any case");
        assertEquals(List.of("a", "e", "b"), ids(query("jira-software", "active", 50, null)), "inactiveForDays overrides the threshold");
        settings.put(T, new TenantSettings(1, Map.of()));
        assertEquals(List.of(), ids(query("jira-software", "active", null, null)), "the tenant's threshold when none is given");
    }

    @Test
    void eachFilterAndSortIsOneIndexReadOfThePage() {
        reader.add(user("a", "Ann", "ann@x.io", access("confluence", CONF, 90)));
        reader.add(user("b", "Bob", "bob@x.io", access("confluence", CONF, 10)));
        reader.add(user("c", "Cid", "cid@x.io", access("confluence", CONF, null)));

        LicenseService.UserPage page = service.users(T, new LicenseService.UserQuery("confluence", "inactive", 60, null, null, null, 25));
        assertEquals(List.of("a"), page.users().stream().map(LicenseService.UserRow::accountId).toList());
        assertEquals(List.of(new LicenseReader.UserSlice("confluence", LicenseReader.Activity.INACTIVE, NOW.minus(Duration.ofDays(60)),
                LicenseReader.UserOrder.LAST_ACTIVE_DESC, null, 25)), reader.slices,
                "inactive on Confluence for 60+ days: one range of the product's listing by last use, the page's size");
        assertEquals(0, reader.searches);

        reader.slices.clear();
        assertEquals(List.of("c", "a", "b"), ids(new LicenseService.UserQuery(null, null, null, null, LicenseReader.UserOrder.LAST_ACTIVE_ASC, null, 25)),
                "least recently active first: never used, then the oldest use");
        assertEquals(List.of("b", "a", "c"), ids(new LicenseService.UserQuery(null, null, null, null, LicenseReader.UserOrder.LAST_ACTIVE_DESC, null, 25)));
        assertEquals(List.of("a", "b", "c"), ids(new LicenseService.UserQuery(null, null, null, null, LicenseReader.UserOrder.NAME, null, 25)));
        assertEquals(List.of(LicenseReader.Activity.ANY, LicenseReader.Activity.ANY, LicenseReader.Activity.ANY),
                reader.slices.stream().map(LicenseReader.UserSlice::activity).toList(), "a sort alone reads the whole listing in order");
        assertEquals(3, reader.slices.size(), "one read per page");
    }

    @Test
    void anInstanceFilterUsesItsKeysRangeWithOneSiteAndDecidesPerRowWithSeveral() {
        String jira2 = "ari:cloud:jira-software::site/2";
        reader.add(user("a", "Ann", null, access("jira-software", JIRA, 1), access("jira-software", jira2, 90)));
        reader.add(user("b", "Bob", null, access("jira-software", JIRA, null)));
        reader.summary = new LicenseReader.Summary(Map.of(JIRA, new ProductCounts(2, 1, 0, 1), jira2, new ProductCounts(1, 0, 1, 0)), 30, NOW);
        assertEquals(List.of("a"), ids(query(jira2, "inactive", null, null)), "inactive on site 2, though active on site 1");
        assertEquals(LicenseReader.Activity.ANY, reader.slices.get(reader.slices.size() - 1).activity(),
                "with two sites the key's latest use may be the other site's: its listing is read and each row decided");
        assertEquals("jira-software", reader.slices.get(reader.slices.size() - 1).product());

        reader.slices.clear();
        reader.users.remove("a");
        reader.summary = new LicenseReader.Summary(Map.of(JIRA, new ProductCounts(1, 0, 0, 1)), 30, NOW);
        assertEquals(List.of("b"), ids(query(JIRA, "never", null, null)));
        assertEquals(List.of(LicenseReader.Activity.NEVER), reader.slices.stream().map(LicenseReader.UserSlice::activity).toList(),
                "with one site the key's range is the site's: one range read");
    }

    @Test
    void combinationsNoIndexServesAreRefusedNotScanned() {
        Refusal nameWithStatus = assertThrows(Refusal.class, () -> service.users(T,
                new LicenseService.UserQuery(null, "inactive", null, null, LicenseReader.UserOrder.NAME, null, 10)));
        assertEquals("sort_with_status", nameWithStatus.code());
        Refusal sortedSearch = assertThrows(Refusal.class, () -> service.users(T,
                new LicenseService.UserQuery(null, null, null, "ann", LicenseReader.UserOrder.LAST_ACTIVE_ASC, null, 10)));
        assertEquals("sort_with_search", sortedSearch.code());
        assertEquals(Refusal.Kind.INVALID, sortedSearch.kind());
        assertEquals(List.of(), reader.slices, "nothing read");
    }

    @Test
    void aTenantWhoseUsersPredateTheIndexesIsToldTheListIsBeingPreparedUntilASyncHasIndexedThem() {
        reader.add(user("a", "Ann", null, access("jira-software", JIRA, 1)));
        reader.summary = new LicenseReader.Summary(Map.of(JIRA, new ProductCounts(1, 1, 0, 0)), 30, NOW, false);
        for (LicenseService.UserQuery q : List.of(query(null, null, null, null), query(JIRA, "inactive", null, null),
                query(null, null, null, "ann"))) {
            Refusal preparing = assertThrows(Refusal.class, () -> service.users(T, q));
            assertEquals("listing_being_prepared", preparing.code());
            assertEquals(Refusal.Kind.NOT_READY, preparing.kind());
            assertEquals(LicenseService.LISTING_RETRY_AFTER_SECONDS, preparing.retryAfterSeconds());
        }
        assertEquals(List.of(), reader.slices, "nothing read from incomplete listings");
        assertEquals(1, service.overview(T).products().get(0).assigned(), "the seat counts are served meanwhile");

        reader.summary = new LicenseReader.Summary(Map.of(JIRA, new ProductCounts(1, 1, 0, 0)), 30, NOW, true);
        assertEquals(List.of("a"), ids(query(null, null, null, null)), "served from the indexes once a sync indexed every user");
    }

    @Test
    void anExportTakesEveryPageOfTheFilteredListInOrderUntilTheSinkDeclines() {
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < LicenseService.MAX_LIMIT * 2 + 7; i++) {
            String id = String.format("u%04d", i);
            reader.add(user(id, "User " + id, id + "@x.io", access("jira-software", JIRA, i % 3 == 0 ? null : 40)));
            if (i % 3 == 0) {
                expected.add(id);
            }
        }
        LicenseService.UserQuery never = new LicenseService.UserQuery("jira-software", "never", null, null,
                LicenseReader.UserOrder.LAST_ACTIVE_ASC, "ignored:cursor", 3);
        List<String> exported = new java.util.ArrayList<>();
        assertTrue(service.forEachUser(T, never, row -> exported.add(row.accountId())));
        assertEquals(expected, exported, "the whole list in the listing's order, whatever the query's cursor and limit");
        assertTrue(reader.slices.stream().allMatch(s -> s.max() == LicenseService.MAX_LIMIT), "read in pages of the largest size");

        List<String> some = new java.util.ArrayList<>();
        assertFalse(service.forEachUser(T, never, row -> some.size() < 100 && some.add(row.accountId())));
        assertEquals(expected.subList(0, 100), some, "stops at the first row declined");
    }

    @Test
    void aCursorContinuesOnlyTheListingItCameFrom() {
        for (int i = 0; i < 5; i++) {
            reader.add(user("u" + i, "User " + i, null, access("jira-software", JIRA, i)));
        }
        LicenseService.UserPage byName = service.users(T, new LicenseService.UserQuery(null, null, null, null, null, null, 2));
        assertEquals(List.of("u0", "u1"), byName.users().stream().map(LicenseService.UserRow::accountId).toList());
        assertEquals(List.of("u2", "u3"), service.users(T, new LicenseService.UserQuery(null, null, null, null, null, byName.nextAfter(), 2))
                .users().stream().map(LicenseService.UserRow::accountId).toList());
        Refusal foreign = assertThrows(Refusal.class, () -> service.users(T,
                new LicenseService.UserQuery(null, "active", null, null, null, byName.nextAfter(), 2)));
        assertEquals("invalid_cursor", foreign.code(), "a name cursor does not position a last-use listing");
    }

    @Test
    void searchMatchesAPrefixOfTheNameItsLastWordOrTheEmailInAnyCase() {
        reader.add(user("a", "Ann Smith", "ann@x.io"));
        reader.add(user("b", null, "SMITHY@x.io"));
        reader.add(user("c", "Cid", null));
        reader.add(user("d", "Ann Annis", "ann.annis@x.io"));
        assertEquals(List.of("a", "b"), ids(query(null, null, null, "smith")));
        assertEquals(List.of("c"), ids(query(null, null, null, "CID")));
        assertEquals(List.of(), ids(query(null, null, null, "zzz")));
        assertEquals(List.of(), ids(query(null, null, null, "mith")), "a prefix, not any substring");
        assertEquals(List.of("d", "a"), ids(query(null, null, null, "ann")),
                "a user matching by name, last word and email, once: by name (ann annis, ann smith)");
        assertEquals(List.of(), reader.slices, "search reads the search index only");
    }

    @Test
    void aSearchWithoutOtherFiltersReadsOnePageOfMatchesAStepANarrowedOneMore() {
        for (int i = 0; i < 300; i++) {
            reader.add(user(String.format("u%03d", i), String.format("Al %03d", i), null, access("jira-software", JIRA, 1)));
        }
        LicenseService.UserPage page = service.users(T, new LicenseService.UserQuery(null, null, null, "al", null, null, 20));
        assertEquals(20, page.users().size());
        assertEquals(List.of(20), reader.searchSteps, "every match is a row: the page's size is all it reads");
        reader.searchSteps.clear();
        service.users(T, new LicenseService.UserQuery("jira-software", "active", null, "al", null, null, 20));
        assertEquals(List.of(100), reader.searchSteps, "matches a filter may drop are read a larger step at a time");
    }

    @Test
    void searchNarrowedByProductAndStatusFillsPagesAcrossSteps() {
        for (int i = 0; i < 450; i++) {
            reader.add(user(String.format("u%03d", i), String.format("Al %03d", i), null,
                    i % 3 == 0 ? access("jira-software", JIRA, 1) : access("jira-software", JIRA, null)));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            LicenseService.UserPage page = service.users(T, new LicenseService.UserQuery("jira-software", "active", null, "al", null, after, 70));
            page.users().forEach(u -> seen.add(u.accountId()));
            after = page.nextAfter();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(150, seen.size(), "every third user is active, each exactly once");
        assertEquals(seen.stream().distinct().sorted().toList(), seen, "in the order of the names matched");
        assertEquals(3, pages, "70 + 70 + 10");
    }

    @Test
    void pagesContinueAfterTheLastRowAndTheLastPageSaysSo() {
        for (int i = 0; i < 450; i++) {
            reader.add(user(String.format("u%03d", i), String.format("User %03d", i), null,
                    i % 3 == 0 ? access("jira-software", JIRA, 1 + i) : access("jira-software", JIRA, null)));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            LicenseService.UserPage page = service.users(T, new LicenseService.UserQuery(null, "active", 1000, null,
                    LicenseReader.UserOrder.LAST_ACTIVE_ASC, after, 70));
            page.users().forEach(u -> seen.add(u.accountId()));
            after = page.nextAfter();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(150, seen.size(), "every third user is active, each exactly once");
        List<String> oldestFirst = new ArrayList<>(seen.stream().sorted().toList());
        java.util.Collections.reverse(oldestFirst);
        assertEquals(oldestFirst, seen, "the oldest last use first");
        assertEquals(3, pages, "70 + 70 + 10");

        assertNull(service.users(T, new LicenseService.UserQuery(null, "active", 1000, null, null, null, 150)).nextAfter(),
                "the page that ends on the last user says there is no more");
        LicenseService.UserPage mostRecentFirst = service.users(T, new LicenseService.UserQuery(null, "active", 1000, null, null, null, 149));
        assertEquals("u444", mostRecentFirst.users().get(148).accountId(), "a status filter's default order: most recent use first");
        assertEquals("u447", service.users(T, new LicenseService.UserQuery(null, "active", 1000, null, null,
                mostRecentFirst.nextAfter(), 149)).users().get(0).accountId(), "one user after a full page");
    }

    @Test
    void aProductFilterShowsItsSeatCountsWhenTheThresholdIsTheOneCounted() {
        reader.summary = new LicenseReader.Summary(Map.of(JIRA, new ProductCounts(40, 30, 6, 4),
                "ari:cloud:jira-software::site/2", new ProductCounts(2, 1, 1, 0), CONF, new ProductCounts(9, 9, 0, 0)), 30, NOW);
        assertEquals(new ProductCounts(42, 31, 7, 4), service.users(T, query("jira-software", "inactive", null, null)).seats(),
                "a product key sums its instances");
        assertEquals(new ProductCounts(9, 9, 0, 0), service.users(T, query(CONF, null, null, null)).seats());
        assertNull(service.users(T, query("jira-software", "inactive", 60, null)).seats(), "counted at 30 days, not 60");
        assertNull(service.users(T, query(null, "inactive", null, null)).seats(), "the summary counts seats per product, not users");
    }

    @Test
    void rowsCarryEachProductsLastUseAndStatus() {
        reader.add(user("a", "Ann", "ann@x.io", access("jira-software", JIRA, 31), access("confluence", CONF, null)));
        LicenseService.UserRow row = service.users(T, query(null, null, null, null)).users().get(0);
        assertEquals(List.of(new LicenseService.ProductUse("jira-software", JIRA, NOW.minusSeconds(31 * 86_400L), "inactive"),
                new LicenseService.ProductUse("confluence", CONF, null, "never")), row.products());
        assertEquals(30, service.users(T, query(null, null, null, null)).inactivityDays());
    }

    @Test
    void oneUserInDetailWithTheGroupsStillStored() {
        OrgUser ann = new OrgUser("a", "Ann", "ann@x.io", "atlassian", "active", "active", "managed", true, "2024-01-01",
                List.of(access("jira-software", JIRA, 1)),
                List.of(new OrgUser.GroupRef("g2", "two"), new OrgUser.GroupRef("gone", "gone"), new OrgUser.GroupRef("g1", "one")));
        reader.add(ann);
        reader.groups.put("g1", new OrgGroup("g1", "one", null, null, false, 3, List.of()));
        reader.groups.put("g2", new OrgGroup("g2", "two", null, null, true, 1, List.of()));

        LicenseService.UserDetail detail = service.user(T, "a");
        assertEquals(List.of("g2", "g1"), detail.groups().stream().map(OrgGroup::id).toList(), "the user's order; unknown groups left out");
        assertEquals(true, detail.orgAdmin());
        assertEquals("managed", detail.claimStatus());
        assertEquals("2024-01-01", detail.addedToOrg());
        assertEquals("active", detail.user().products().get(0).status());

        Refusal missing = assertThrows(Refusal.class, () -> service.user(T, "nobody"));
        assertEquals(Refusal.Kind.NOT_FOUND, missing.kind());
        assertEquals("user_not_found", missing.code());
    }

    private List<String> ids(LicenseService.UserQuery query) {
        reader.searches = 0;
        return service.users(T, query).users().stream().map(LicenseService.UserRow::accountId).toList();
    }

    private static LicenseService.UserQuery query(String product, String status, Integer days, String search) {
        return new LicenseService.UserQuery(product, status, days, search, null, null, 200);
    }

    private static OrgUser.ProductAccess access(String key, String resource, Integer daysAgo) {
        return new OrgUser.ProductAccess(key, resource, daysAgo == null ? null : NOW.minusSeconds(daysAgo * 86_400L).toString());
    }

    private static OrgUser user(String id, String name, String email, OrgUser.ProductAccess... products) {
        return new OrgUser(id, name, email, "atlassian", "active", "active", null, false, null, List.of(products), List.of());
    }

    private static Integration integration(Instant lastSync) {
        return new Integration(T, IntegrationType.ATLASSIAN, IntegrationStatus.CONNECTED, Map.of("orgId", "o"), "s", null,
                NOW, "admin", lastSync, null, false, 1);
    }

    /** The kill switch stays on when a settings form that does not know it saves the threshold or the prices. */
    @Test
    void settingsLeftWithoutTheKillSwitchKeepItAndNamingItSetsIt() {
        service.updateSettings("t1", new SettingsChange(30, Map.of(), true));

        TenantSettings saved = service.updateSettings("t1", new SettingsChange(60, Map.of("jira-software", BigDecimal.TEN), null));
        assertEquals(new TenantSettings(60, Map.of("jira-software", BigDecimal.TEN), true), saved);
        assertEquals(saved, service.settings("t1"));

        assertFalse(service.updateSettings("t1", new SettingsChange(60, Map.of(), false)).policiesPaused());
        assertFalse(service.settings("t1").policiesPaused());
        assertFalse(service.updateSettings("t2", new SettingsChange(60, Map.of(), null)).policiesPaused(), "another tenant's default");
    }

    /** A client that saves one product's price, or only the threshold, resets nothing it did not send. */
    @Test
    void settingsLeftOutKeepTheirValuesAndSeatPricesMergePerProduct() {
        service.updateSettings("t1", new SettingsChange(45, Map.of("jira-software", new BigDecimal("7.5"), "confluence", BigDecimal.ONE), null));

        TenantSettings onePrice = service.updateSettings("t1", new SettingsChange(null, Map.of("jira-software", BigDecimal.TEN), null));
        assertEquals(new TenantSettings(45, Map.of("jira-software", BigDecimal.TEN, "confluence", BigDecimal.ONE)), onePrice);

        Map<String, BigDecimal> removal = new HashMap<>();
        removal.put("confluence", null);
        removal.put("trello", null);
        assertEquals(new TenantSettings(45, Map.of("jira-software", BigDecimal.TEN)),
                service.updateSettings("t1", new SettingsChange(null, removal, null)), "a null price removes one; an unpriced one is no error");

        assertEquals(new TenantSettings(90, Map.of("jira-software", BigDecimal.TEN)),
                service.updateSettings("t1", new SettingsChange(90, null, null)));
        assertEquals(service.settings("t1"), service.updateSettings("t1", new SettingsChange(null, null, null)), "an empty change changes nothing");
    }

    @Test
    void moreThanTheMostPricedProductsIsRefusedAndSavesNothing() {
        Map<String, BigDecimal> many = new HashMap<>();
        for (int i = 0; i < SettingsChange.MAX_PRICED_PRODUCTS; i++) {
            many.put("product-" + i, BigDecimal.ONE);
        }
        service.updateSettings("t1", new SettingsChange(null, many, null));
        Refusal refused = assertThrows(Refusal.class,
                () -> service.updateSettings("t1", new SettingsChange(7, Map.of("one-more", BigDecimal.ONE), null)));
        assertEquals(Refusal.Kind.INVALID, refused.kind());
        assertEquals("seatPrices", refused.fields().get(0).name());
        assertEquals(TenantSettings.DEFAULT_INACTIVITY_DAYS, service.settings("t1").inactivityDays());
        service.updateSettings("t1", new SettingsChange(null, Map.of("product-0", BigDecimal.TEN), null));
        assertEquals(BigDecimal.TEN, service.settings("t1").seatPrices().get("product-0"), "re-pricing one at the bound is fine");
    }
}
