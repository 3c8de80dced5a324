package com.saasspend.integration.sync;

import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import java.util.Map;
import java.util.Optional;

/** Reads a sync request out of an EventBridge event as Lambda hands it over (a JSON object as a Map). */
final class SyncEvents {
    private SyncEvents() {}

    static Optional<SyncRequest> parse(Map<String, Object> event) {
        if (event == null || !EventBridgeSyncRequester.DETAIL_TYPE.equals(event.get("detail-type"))
                || !(event.get("detail") instanceof Map<?, ?> detail)) {
            return Optional.empty();
        }
        Object tenant = detail.get("tenantId");
        Object integration = detail.get("integration");
        Object reason = detail.get("reason");
        if (!(tenant instanceof String t) || t.isBlank() || !(integration instanceof String i)) {
            return Optional.empty();
        }
        return IntegrationType.fromId(i).map(type -> new SyncRequest(t, type, reason instanceof String r ? r : "unknown"));
    }
}
