package com.saasspend.integration.domain;

import java.util.List;

/**
 * Asks for one integration of one tenant to be synced; {@code reason} says why (schedule, connect, manual, reclaim).
 * {@code accountIds}, when not empty, narrows it to re-reading those users only (after a reclaim or its undo).
 */
public record SyncRequest(String tenantId, IntegrationType type, String reason, List<String> accountIds) {
    public SyncRequest {
        accountIds = accountIds == null ? List.of() : List.copyOf(accountIds);
    }

    /** A full sync of the integration. */
    public SyncRequest(String tenantId, IntegrationType type, String reason) {
        this(tenantId, type, reason, List.of());
    }
}
