package com.saasspend.integration.domain.licenses;

/** Where a tenant's settings live; a tenant that never set any gets the defaults. */
public interface TenantSettingsStore {
    TenantSettings get(String tenantId);

    void put(String tenantId, TenantSettings settings);
}
