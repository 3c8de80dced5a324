package com.saasspend.integration.aws;

import com.saasspend.integration.domain.sync.SyncCompletions;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * {@code IntegrationSyncCompleted} on the product's bus after a completed org run (full or incremental; a targeted
 * re-read of a few users is not one): the policy evaluation's trigger (schema in {@code events/schemas/}).
 */
public final class EventBridgeSyncCompletions implements SyncCompletions {
    public static final String DETAIL_TYPE = "IntegrationSyncCompleted";

    private final EventBridgeClient events;
    private final String busName;

    public EventBridgeSyncCompletions(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void completed(String tenantId, SyncRunRecord run) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenantId);
        detail.put("integration", run.type().id());
        detail.put("runId", run.runId());
        detail.put("finishedAt", run.finishedAt().toString());
        detail.put("users", run.users());
        BusEvents.put(events, busName, DETAIL_TYPE, detail);
    }
}
