package com.saasspend.integration.sync;

import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a product sync request (Jira, Confluence, Trello, Bitbucket) out of an {@code IntegrationSyncRequested}
 * EventBridge event as Lambda hands it over; anything else, the Atlassian org included, is not one.
 */
final class ProductSyncEvents {
    private ProductSyncEvents() {}

    static Optional<SyncRequest> parse(Map<String, Object> event) {
        if (event == null || !EventBridgeSyncRequester.DETAIL_TYPE.equals(event.get("detail-type"))
                || !(event.get("detail") instanceof Map<?, ?> detail)) {
            return Optional.empty();
        }
        if (!(detail.get("tenantId") instanceof String tenant) || tenant.isBlank()
                || !(detail.get("integration") instanceof String integration)) {
            return Optional.empty();
        }
        String reason = detail.get("reason") instanceof String r ? r : "unknown";
        return IntegrationType.fromId(integration)
                .filter(IntegrationType::isProduct)
                .map(type -> new SyncRequest(tenant, type, reason, List.of(), SyncEvents.correlationId(detail)));
    }
}
