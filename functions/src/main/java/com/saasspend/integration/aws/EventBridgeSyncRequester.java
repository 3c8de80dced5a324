package com.saasspend.integration.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes sync requests to the custom bus: PutEvents takes at most 10 entries a call, and may fail some entries of
 * a call while accepting the rest, so failed entries are sent again (bounded) and never silently dropped.
 */
public final class EventBridgeSyncRequester implements SyncRequester {
    public static final String SOURCE = "saasspend.atlassian-integration";
    public static final String DETAIL_TYPE = "IntegrationSyncRequested";
    static final int MAX_ENTRIES_PER_CALL = 10;
    private static final int MAX_ROUNDS = 5;
    private static final Log LOG = Log.of(EventBridgeSyncRequester.class);

    private final EventBridgeClient events;
    private final String busName;

    public EventBridgeSyncRequester(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void request(List<SyncRequest> requests) {
        List<PutEventsRequestEntry> pending = requests.stream().map(this::entry).toList();
        for (int round = 1; !pending.isEmpty(); round++) {
            if (round > MAX_ROUNDS) {
                throw new IllegalStateException(pending.size() + " sync request(s) could not be published to " + busName);
            }
            List<PutEventsRequestEntry> failed = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += MAX_ENTRIES_PER_CALL) {
                List<PutEventsRequestEntry> batch = pending.subList(from, Math.min(pending.size(), from + MAX_ENTRIES_PER_CALL));
                PutEventsResponse response = events.putEvents(r -> r.entries(batch));
                if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                    List<PutEventsResultEntry> results = response.entries();
                    for (int i = 0; i < results.size(); i++) {
                        if (results.get(i).errorCode() != null) {
                            failed.add(batch.get(i));
                        }
                    }
                    LOG.warn("some sync requests were not accepted; retrying them", "failed", failed.size());
                }
            }
            pending = failed;
        }
    }

    private PutEventsRequestEntry entry(SyncRequest request) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", request.tenantId());
        detail.put("integration", request.type().id());
        detail.put("reason", request.reason());
        if (request.full()) {
            detail.put("full", true);
        }
        if (!request.accountIds().isEmpty()) {
            detail.put("accountIds", request.accountIds());
        }
        String correlationId = request.correlationId() != null ? request.correlationId() : Log.correlationId();
        if (correlationId != null) {
            detail.put("correlationId", correlationId);
        }
        try {
            return PutEventsRequestEntry.builder()
                    .eventBusName(busName)
                    .source(SOURCE)
                    .detailType(DETAIL_TYPE)
                    .detail(Json.MAPPER.writeValueAsString(detail))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
