package com.saasspend.integration.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.common.Log;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** One event of the product's own source on its bus, with the correlation id; a refused entry raises. */
final class BusEvents {
    private BusEvents() {}

    static void put(EventBridgeClient events, String busName, String detailType, Map<String, Object> detail) {
        String correlationId = Log.correlationId();
        if (correlationId != null) {
            detail.put("correlationId", correlationId);
        }
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        PutEventsResponse response = events.putEvents(r -> r.entries(e -> e.eventBusName(busName)
                .source(EventBridgeSyncRequester.SOURCE).detailType(detailType).detail(json)));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new IllegalStateException(detailType + " was not accepted by the bus: " + response.entries().get(0).errorCode());
        }
    }
}
