package com.saasspend.integration.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import com.saasspend.integration.wiring.Services;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
class SyncDispatchIT {

    @Test
    void threeTenantsGetExactlyOneSyncRequestPerConnectedIntegration() throws Exception {
        EmulatedAws aws = new EmulatedAws();
        DynamoIntegrationStore store = new DynamoIntegrationStore(aws.dynamo, aws.table);
        connect(store, "tenant-a", IntegrationType.ATLASSIAN, IntegrationStatus.CONNECTED);
        connect(store, "tenant-a", IntegrationType.JIRA, IntegrationStatus.CONNECTED);
        connect(store, "tenant-a", IntegrationType.CONFLUENCE, IntegrationStatus.ERROR);
        connect(store, "tenant-b", IntegrationType.ATLASSIAN, IntegrationStatus.SYNCING);
        connect(store, "tenant-b", IntegrationType.TRELLO, IntegrationStatus.CONNECTED);
        connect(store, "tenant-c", IntegrationType.ATLASSIAN, IntegrationStatus.CONNECTED);
        connect(store, "tenant-c", IntegrationType.BITBUCKET, IntegrationStatus.DISCONNECTED);

        SyncDispatchHandler handler = new SyncDispatchHandler(Services.of(new Env(Map.of("TABLE_NAME", aws.table, "EVENT_BUS_NAME", aws.bus)), java.time.Clock.systemUTC()));
        ScheduledEvent tick = EventLoader.loadScheduledEvent("events/sync-schedule.json");
        Map<String, Long> result = handler.handleRequest(tick, null);

        List<String> published = new ArrayList<>();
        for (String body : aws.drainSyncEvents()) {
            JsonNode event = Json.MAPPER.readTree(body);
            assertEquals("IntegrationSyncRequested", event.path("detail-type").asText());
            published.add(event.path("detail").path("tenantId").asText() + "/" + event.path("detail").path("integration").asText()
                    + "/" + event.path("detail").path("reason").asText());
        }
        published.sort(String::compareTo);
        assertEquals(List.of("tenant-a/atlassian/schedule", "tenant-a/confluence/schedule", "tenant-a/jira/schedule",
                "tenant-b/atlassian/schedule", "tenant-b/trello/schedule", "tenant-c/atlassian/schedule"), published);
        assertEquals(6L, result.get("requests"));
        assertEquals(6L, result.get("integrations"), "the dispatcher reads connected integration records only");
    }

    private static void connect(DynamoIntegrationStore store, String tenant, IntegrationType type, IntegrationStatus status) {
        store.save(new Integration(tenant, type, status, Map.of(), null, null, Instant.now(), "admin", null, null, false, 0), 0);
    }
}
