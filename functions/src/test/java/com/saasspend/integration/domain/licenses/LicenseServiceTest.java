package com.saasspend.integration.domain.licenses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.ProductCounts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The License page's decisions over in-memory ports: seats per product, filters, paging, one user in detail. */
class LicenseServiceTest {
    private static final String T = "tenant-a";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final String CONF = "ari:cloud:confluence::site/1";

    private final FakeReader reader = new FakeReader();
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
        assertEquals(List.of("b", "e"), ids(query(null, "inactive", null, null)), "used once, not within 30 days");
        assertEquals(List.of("c"), ids(query(null, "never", null, null)));
        assertEquals(List.of("a", "b", "c", "d", "e"), ids(query(null, null, null, null)), "no filter: everyone, in key order");
        assertEquals(List.of("e"), ids(query("confluence", "never", null, null)), "status counts only the filtered product");
        assertEquals(List.of("a", "e"), ids(query(CONF, null, null, null)), "a product by resource id");
        assertEquals(List.of("a", "b", "c", "e"), ids(query("JIRA-SOFTWARE", null, null, null)), "a product key in any case");
        assertEquals(List.of("a", "b", "e"), ids(query("jira-software", "active", 50, null)), "inactiveForDays overrides the threshold");
        settings.put(T, new TenantSettings(1, Map.of()));
        assertEquals(List.of(), ids(query("jira-software", "active", null, null)), "the tenant's threshold when none is given");
    }

    @Test
    void searchMatchesNameOrEmailInAnyCase() {
        reader.add(user("a", "Ann Smith", "ann@x.io"));
        reader.add(user("b", null, "SMITHY@x.io"));
        reader.add(user("c", "Cid", null));
        assertEquals(List.of("a", "b"), ids(query(null, null, null, "smith")));
        assertEquals(List.of("c"), ids(query(null, null, null, "CID")));
        assertEquals(List.of(), ids(query(null, null, null, "zzz")));
    }

    @Test
    void pagesContinueAfterTheLastRowAcrossScanSteps() {
        for (int i = 0; i < 450; i++) {
            reader.add(user(String.format("u%03d", i), "User " + i, null, i % 3 == 0 ? access("jira-software", JIRA, 1) : access("jira-software", JIRA, null)));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            LicenseService.UserPage page = service.users(T, new LicenseService.UserQuery(null, "active", null, null, after, 70));
            page.users().forEach(u -> seen.add(u.accountId()));
            after = page.nextAfter();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(150, seen.size(), "every third user is active, each exactly once");
        assertEquals(seen.stream().distinct().sorted().toList(), seen);
        assertEquals(3, pages, "70 + 70 + 10");

        LicenseService.UserPage exact = service.users(T, new LicenseService.UserQuery(null, null, null, null, "u399", 50));
        assertEquals(50, exact.users().size());
        assertNull(exact.nextAfter(), "the page that ends on the last user says there is no more");
        LicenseService.UserPage notLast = service.users(T, new LicenseService.UserQuery(null, null, null, null, "u398", 50));
        assertEquals("u448", notLast.nextAfter());
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
        return service.users(T, query).users().stream().map(LicenseService.UserRow::accountId).toList();
    }

    private static LicenseService.UserQuery query(String product, String status, Integer days, String search) {
        return new LicenseService.UserQuery(product, status, days, search, null, 200);
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

    /** Users in key order, read in steps as the DynamoDB reader does. */
    private static final class FakeReader implements LicenseReader {
        final List<ProductInstance> products = new ArrayList<>();
        final TreeMap<String, OrgUser> users = new TreeMap<>();
        final Map<String, OrgGroup> groups = new HashMap<>();
        Summary summary;

        void add(OrgUser user) { users.put(user.accountId(), user); }

        @Override public List<ProductInstance> products(String tenantId) { return products; }
        @Override public Optional<Summary> summary(String tenantId) { return Optional.ofNullable(summary); }
        @Override public UserScan users(String tenantId, String afterAccountId, int max) {
            List<OrgUser> step = (afterAccountId == null ? users : users.tailMap(afterAccountId, false)).values().stream().limit(max).toList();
            boolean more = !step.isEmpty() && users.higherKey(step.get(step.size() - 1).accountId()) != null;
            return new UserScan(step, more ? step.get(step.size() - 1).accountId() : null);
        }
        @Override public Optional<OrgUser> user(String tenantId, String accountId) { return Optional.ofNullable(users.get(accountId)); }
        @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
            Map<String, OrgGroup> found = new HashMap<>();
            groupIds.forEach(id -> { if (groups.containsKey(id)) found.put(id, groups.get(id)); });
            return found;
        }
    }
}
