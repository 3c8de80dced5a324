package com.saasspend.integration.domain.licenses;

/** Where a tenant's settings live; a tenant that never set any gets the defaults. */
public interface TenantSettingsStore {
    TenantSettings get(String tenantId);

    void put(String tenantId, TenantSettings settings);

    /**
     * Applies {@code change} to the stored settings and answers the result. This default reads then writes; a store
     * shared by concurrent requests applies each named field (and each product's price) in one atomic write instead,
     * so two clients saving different products' prices at once both keep theirs.
     */
    default TenantSettings update(String tenantId, SettingsChange change) {
        TenantSettings updated = change.applyTo(get(tenantId));
        put(tenantId, updated);
        return updated;
    }
}
