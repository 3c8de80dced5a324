package com.saasspend.integration.aws;

/** The single table's key layout, in one place (see README "Data model"). */
final class TableKeys {
    static final String PK = "pk";
    static final String SK = "sk";
    /** Sparse index read by the sync dispatcher: only connected integration records carry these attributes. */
    static final String CONNECTED_INDEX = "ConnectedIntegrations";
    static final String CONNECTED_PK = "connectedPk";
    static final String CONNECTED_SK = "connectedSk";
    static final String CONNECTED_PARTITION = "CONNECTED";

    private TableKeys() {}

    static String tenant(String tenantId) {
        return "TENANT#" + tenantId;
    }

    /** The partition of a tenant's synced license data (users, groups, seats): erased as one on disconnect. */
    static String licenses(String tenantId) {
        return "TENANT#" + tenantId + "#LICENSES";
    }

    /** Checkpoint and lease of an integration's running sync, in the tenant partition. */
    static String syncState(String typeId) {
        return "SYNCSTATE#" + typeId;
    }

    static String integration(String typeId) {
        return "INTEGRATION#" + typeId;
    }

    /** Tenant settings (seat prices), in the tenant partition. */
    static final String SETTINGS = "SETTINGS";

    /** A reclaim's audit item, in the tenant partition: sorts by time, so a reverse query lists newest first. */
    static String reclaim(String createdAtFixedWidth, String reclaimId) {
        return RECLAIM_PREFIX + createdAtFixedWidth + "#" + reclaimId;
    }

    static final String RECLAIM_PREFIX = "RECLAIM#";

    /** What an Idempotency-Key of the tenant was used for and answered; expires by TTL (expiresAt). */
    static String idempotency(String key) {
        return "IDEMPOTENCY#" + key;
    }
}
