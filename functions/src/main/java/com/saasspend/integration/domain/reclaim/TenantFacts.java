package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What a reclaim reads about its tenant besides the user: the integrations (the reclaim gate, the org and its key's
 * secret, token owners), the product instances by id, the settings (seat prices, inactivity threshold) and the user's
 * stored groups. A request
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
    private record KeptGroups(Map<String, Optional<OrgGroup>> byId, Instant until) {}
    private final Map<String, KeptGroups> groups = new ConcurrentHashMap<>();

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

    /**
     * The stored groups with these ids (ids without one left out). A request reads them; a job's worker keeps those it
     * read for {@code ttl} per tenant, so a job's users, mostly in the same few groups, do not each read them again
     * (a group the last sync did not store is kept as absent as long).
     */
    Map<String, OrgGroup> groups(String tenantId, Collection<String> ids) {
        if (ttl.isZero() || ttl.isNegative()) {
            return licenses.groups(tenantId, ids);
        }
        Instant now = clock.instant();
        KeptGroups kept = groups.compute(tenantId, (t, g) -> g != null && now.isBefore(g.until()) ? g
                : new KeptGroups(new ConcurrentHashMap<>(), now.plus(ttl)));
        List<String> unknown = ids.stream().distinct().filter(id -> !kept.byId().containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            Map<String, OrgGroup> read = licenses.groups(tenantId, unknown);
            unknown.forEach(id -> kept.byId().put(id, Optional.ofNullable(read.get(id))));
        }
        Map<String, OrgGroup> found = new HashMap<>();
        ids.forEach(id -> kept.byId().getOrDefault(id, Optional.empty()).ifPresent(g -> found.put(id, g)));
        return found;
    }

    void forget(String tenantId) {
        cache.remove(tenantId);
        groups.remove(tenantId);
    }
}
