package com.saasspend.integration.domain.reclaim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long a bulk job's worker keeps a tenant's facts, and what it reads again when they are stale or dropped. */
class TenantFactsTest {
    private static final String TENANT = ReclaimFakes.TENANT;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    private final List<ProductInstance> products = new ArrayList<>(List.of(
            new ProductInstance(ReclaimFakes.JIRA, "jira-software", "Jira", null, 10, 5)));
    /** Only the product instances are read by the facts. */
    private final LicenseStore licenses = (LicenseStore) Proxy.newProxyInstance(LicenseStore.class.getClassLoader(),
            new Class<?>[] {LicenseStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("products")) {
                    return List.copyOf(products);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    private TenantSettings stored = new TenantSettings(30, Map.of());
    private int settingsReads;
    private final TenantSettingsStore settings = new TenantSettingsStore() {
        @Override public TenantSettings get(String tenantId) { settingsReads++; return stored; }
        @Override public void put(String tenantId, TenantSettings s) { stored = s; }
    };

    private TenantFacts facts(Duration ttl) {
        return new TenantFacts(integrations, licenses, settings, clock, ttl);
    }

    @Test
    void keptFactsServeUntilTheirTtlEndsThenAreReadAgain() {
        TenantFacts facts = facts(Duration.ofMinutes(1));
        TenantFacts.Facts first = facts.of(TENANT);
        clock.advance(Duration.ofSeconds(59));
        assertSame(first, facts.of(TENANT));
        assertEquals(1, integrations.lists);
        clock.advance(Duration.ofSeconds(1));
        facts.of(TENANT);
        assertEquals(2, integrations.lists, "at its ttl the facts are stale");
    }

    @Test
    void theSettingsAloneComeFromKeptFactsWhileFreshElseFromTheStore() {
        TenantFacts facts = facts(Duration.ofMinutes(1));
        assertSame(stored, facts.settings(TENANT), "nothing kept: read");
        TenantSettings kept = stored;
        facts.of(TENANT);
        stored = new TenantSettings(60, Map.of());
        int reads = settingsReads;
        assertSame(kept, facts.settings(TENANT), "kept and fresh: no read");
        assertEquals(reads, settingsReads);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(60, facts.settings(TENANT).inactivityDays(), "kept but stale: read");
    }

    @Test
    void aRequestsFactsAreNeverKeptAndForgettingDropsAWorkersFacts() {
        TenantFacts fresh = facts(Duration.ZERO);
        fresh.of(TENANT);
        fresh.of(TENANT);
        assertEquals(2, integrations.lists);
        TenantFacts kept = facts(Duration.ofMinutes(5));
        kept.of(TENANT);
        kept.forget(TENANT);
        kept.of(TENANT);
        assertEquals(4, integrations.lists);
    }

    @Test
    void productsAreKeyedByIdAndAnIdListedTwiceKeepsItsFirstInstance() {
        products.add(new ProductInstance(ReclaimFakes.JIRA, "jira-software", "Jira (again)", null, 10, 5));
        products.add(new ProductInstance(ReclaimFakes.CONFLUENCE, "confluence", "Confluence", null, 10, 5));
        Map<String, ProductInstance> byId = facts(Duration.ZERO).of(TENANT).products();
        assertEquals(2, byId.size());
        assertEquals("Jira", byId.get(ReclaimFakes.JIRA).name());
        assertEquals("Confluence", byId.get(ReclaimFakes.CONFLUENCE).name());
    }
}
