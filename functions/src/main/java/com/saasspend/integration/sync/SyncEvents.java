package com.saasspend.integration.sync;

import com.saasspend.integration.aws.EventBridgeSyncCompletions;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.aws.SqsJobQueue;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.TenantIds;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a sync request out of an {@code IntegrationSyncRequested} EventBridge event as Lambda hands it over (a JSON
 * object as a Map): the one parser of every sync function's event, and of the jobs queue's messages.
 */
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
        return IntegrationType.fromId(i).map(type -> new SyncRequest(t, type, reason instanceof String r ? r : "unknown",
                accountIds(detail.get("accountIds")), correlationId(detail), Boolean.TRUE.equals(detail.get("full"))));
    }

    /** The {@code correlationId} the publisher put in the detail (absent in events from before it did): null. */
    static String correlationId(Map<?, ?> detail) {
        return detail.get("correlationId") instanceof String id && !id.isBlank() && id.length() <= 128 ? id : null;
    }

    /** A completed Atlassian org sync ({@code IntegrationSyncCompleted}): the tenant and its correlation id (null if none). */
    /** {@code runId}: the completed run's id, when the event names one. */
    record OrgSyncCompleted(String tenantId, String runId, String correlationId) {}

    /** The event the reclaim policies are evaluated on; anything else, another integration's included, is not one. */
    static Optional<OrgSyncCompleted> orgSyncCompleted(Map<String, Object> event) {
        if (event == null || !EventBridgeSyncCompletions.DETAIL_TYPE.equals(event.get("detail-type"))
                || !(event.get("detail") instanceof Map<?, ?> detail) || !(detail.get("tenantId") instanceof String tenantId)
                || !TenantIds.isValid(tenantId) || !IntegrationType.ATLASSIAN.id().equals(detail.get("integration"))) {
            return Optional.empty();
        }
        return Optional.of(new OrgSyncCompleted(tenantId, detail.get("runId") instanceof String runId && !runId.isBlank() ? runId : null,
                correlationId(detail)));
    }

    /** A product sync request (Jira, Confluence, Trello, Bitbucket); anything else, the Atlassian org included, is not one. */
    static Optional<SyncRequest> productRequest(Map<String, Object> event) {
        return parse(event).filter(request -> request.type().isProduct());
    }

    /** A bulk job's step out of a jobs queue message body, in the queue's own format; throws IllegalArgumentException. */
    static JobMessage jobStep(String body) {
        return SqsJobQueue.parse(body);
    }

    /** The optional {@code accountIds} of a targeted re-sync: the text entries of a list, anything else ignored. */
    private static java.util.List<String> accountIds(Object value) {
        if (!(value instanceof java.util.List<?> list)) {
            return java.util.List.of();
        }
        return list.stream().filter(v -> v instanceof String s && !s.isBlank()).map(String.class::cast).distinct().toList();
    }
}
