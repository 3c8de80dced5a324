package com.saasspend.integration.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which events the product sync worker takes. */
class ProductSyncEventsTest {

    private static Map<String, Object> event(Object detailType, Object tenant, Object integration) {
        Map<String, Object> detail = new HashMap<>();
        detail.put("tenantId", tenant);
        detail.put("integration", integration);
        detail.put("reason", "schedule");
        Map<String, Object> event = new HashMap<>();
        event.put("detail-type", detailType);
        event.put("detail", detail);
        return event;
    }

    @Test
    void aSyncRequestForEachProductIsTaken() {
        for (IntegrationType type : new IntegrationType[] {IntegrationType.JIRA, IntegrationType.CONFLUENCE, IntegrationType.TRELLO, IntegrationType.BITBUCKET}) {
            assertEquals(new SyncRequest("t1", type, "schedule"),
                    ProductSyncEvents.parse(event("IntegrationSyncRequested", "t1", type.id())).orElseThrow());
        }
    }

    @Test
    void theOrgOtherEventsAndMalformedOnesAreNot() {
        assertTrue(ProductSyncEvents.parse(event("IntegrationSyncRequested", "t1", "atlassian")).isEmpty(), "the org has its own worker");
        assertTrue(ProductSyncEvents.parse(event("Scheduled Event", "t1", "jira")).isEmpty());
        assertTrue(ProductSyncEvents.parse(event("IntegrationSyncRequested", " ", "jira")).isEmpty());
        assertTrue(ProductSyncEvents.parse(event("IntegrationSyncRequested", 42, "jira")).isEmpty());
        assertTrue(ProductSyncEvents.parse(event("IntegrationSyncRequested", "t1", "salesforce")).isEmpty());
        assertTrue(ProductSyncEvents.parse(Map.of("detail-type", "IntegrationSyncRequested", "detail", "text")).isEmpty());
        assertTrue(ProductSyncEvents.parse(null).isEmpty());
    }
}
