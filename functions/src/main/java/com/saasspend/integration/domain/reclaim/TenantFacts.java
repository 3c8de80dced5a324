package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What a reclaim reads about its tenant besides the user: the integrations (the reclaim gate, the org and its key's
 * secret, token owners), the product instances by id and the settings (seat prices, inactivity threshold). A request
 * reads them fresh ({@code ttl} zero); a bulk job's worker keeps them {@code ttl} per tenant, so its users do not
 * each repeat the same two queries and three reads (a job of 1,000 users ran 2,000 identical queries). A failed
 * reclaim drops the tenant's entry, so a disconnect or a rotation is seen by the next user at once.
 */
final class TenantFacts {
    record Facts(List<Integration> integrations, Map<String, ProductInstance> products, TenantSettings settings, Instant until) {}

    private final IntegrationStore integrations;
    private final LicenseStore licenses;
    private final TenantSettingsStore settings;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Facts> cache = new ConcurrentHashMap<>();

    TenantFacts(IntegrationStore integrations, LicenseStore licenses, TenantSettingsStore settings, Clock clock, Duration ttl) {
        this.integrations = integrations;
        this.licenses = licenses;
        this.settings = settings;
        this.clock = clock;
        this.ttl = ttl;
    }

    Facts of(String tenantId) {
        Instant now = clock.instant();
        Facts kept = cache.get(tenantId);
        if (kept != null && now.isBefore(kept.until())) {
            return kept;
        }
        Facts read = new Facts(integrations.list(tenantId), licenses.products(tenantId).stream()
                .collect(Collectors.toMap(ProductInstance::id, p -> p, (a, b) -> a)), settings.get(tenantId), now.plus(ttl));
        if (!ttl.isZero() && !ttl.isNegative()) {
            cache.put(tenantId, read);
        }
        return read;
    }

    /** The settings alone: from the kept facts when there are some, else one read. */
    TenantSettings settings(String tenantId) {
        Facts kept = cache.get(tenantId);
        return kept != null && clock.instant().isBefore(kept.until()) ? kept.settings() : settings.get(tenantId);
    }

    void forget(String tenantId) {
        cache.remove(tenantId);
    }
}
