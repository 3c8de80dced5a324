package com.saasspend.integration.domain;

/** Removes a tenant's synced license data (users, groups, seats) when Atlassian is disconnected; audit stays. */
public interface LicenseDataEraser {
    void eraseSyncedData(String tenantId);

    /** Removes what one product's sync stored (its roles, groups, members), when that product is disconnected. */
    void eraseProductData(String tenantId, IntegrationType product);
}
