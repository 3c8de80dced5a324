package com.saasspend.integration.domain;

import java.util.List;

/**
 * Asks for one integration of one tenant to be synced; {@code reason} says why (schedule, connect, manual, reclaim).
 * {@code accountIds}, when not empty, narrows it to re-reading those users only (after a reclaim or its undo).
 * {@code correlationId}: the id of the request that led to it (an API request, a schedule tick), carried through every
 * event of the chain so its log lines can be followed; null lets the publisher use the current invocation's.
 * {@code full}: list the whole organization even where an incremental run from its audit-event stream would do
 * (connect, rotation, an admin's "full sync").
 */
public record SyncRequest(String tenantId, IntegrationType type, String reason, List<String> accountIds, String correlationId,
                          boolean full) {
    public SyncRequest {
        accountIds = accountIds == null ? List.of() : List.copyOf(accountIds);
    }

    public SyncRequest(String tenantId, IntegrationType type, String reason, List<String> accountIds, String correlationId) {
        this(tenantId, type, reason, accountIds, correlationId, false);
    }

    /** A tick of the org's schedule or a request for a whole sync: not a continuation, not a targeted re-sync. */
    public boolean orgTick() {
        return type == IntegrationType.ATLASSIAN && accountIds.isEmpty() && !"continuation".equals(reason);
    }

    /** A sync that lists the whole organization. */
    public static SyncRequest full(String tenantId, IntegrationType type, String reason) {
        return new SyncRequest(tenantId, type, reason, List.of(), null, true);
    }

    public SyncRequest(String tenantId, IntegrationType type, String reason, List<String> accountIds) {
        this(tenantId, type, reason, accountIds, null);
    }

    /** A full sync of the integration. */
    public SyncRequest(String tenantId, IntegrationType type, String reason) {
        this(tenantId, type, reason, List.of(), null);
    }
}
