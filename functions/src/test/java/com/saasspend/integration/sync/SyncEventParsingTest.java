package com.saasspend.integration.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One parser for every sync function's event: which requests the org sync (and sweep) and the product sync take. */
class SyncEventParsingTest {

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
    void anOrgSyncRequestIsReadWithItsReasonAndTheAccountIdsOfATargetedReSync() {
        Map<String, Object> event = event("IntegrationSyncRequested", "t1", "atlassian");
        @SuppressWarnings("unchecked") Map<String, Object> detail = (Map<String, Object>) event.get("detail");
        detail.put("accountIds", java.util.List.of("a-1", " ", 7, "a-1", "a-2"));
        assertEquals(new SyncRequest("t1", IntegrationType.ATLASSIAN, "schedule", java.util.List.of("a-1", "a-2")),
                SyncEvents.parse(event).orElseThrow());
        assertEquals(IntegrationType.JIRA, SyncEvents.parse(event("IntegrationSyncRequested", "t1", "jira")).orElseThrow().type(),
                "the same parser reads product requests; each function keeps those it syncs");
        assertTrue(SyncEvents.parse(event("Scheduled Event", "t1", "atlassian")).isEmpty());
        assertTrue(SyncEvents.parse(null).isEmpty());
    }

    @Test
    void theFullFlagAsksForAFullListingAndOnlyTrueSetsIt() {
        Map<String, Object> event = event("IntegrationSyncRequested", "t1", "atlassian");
        @SuppressWarnings("unchecked") Map<String, Object> detail = (Map<String, Object>) event.get("detail");
        assertEquals(false, SyncEvents.parse(event).orElseThrow().full(), "the schedule's tick: incremental where it can");
        detail.put("full", "yes");
        assertEquals(false, SyncEvents.parse(event).orElseThrow().full());
        detail.put("full", true);
        assertEquals(SyncRequest.full("t1", IntegrationType.ATLASSIAN, "schedule"), SyncEvents.parse(event).orElseThrow());
    }

    @Test
    void aSyncRequestForEachProductIsTaken() {
        for (IntegrationType type : new IntegrationType[] {IntegrationType.JIRA, IntegrationType.CONFLUENCE, IntegrationType.TRELLO, IntegrationType.BITBUCKET}) {
            assertEquals(new SyncRequest("t1", type, "schedule"),
                    SyncEvents.productRequest(event("IntegrationSyncRequested", "t1", type.id())).orElseThrow());
        }
    }

    @Test
    void theOrgOtherEventsAndMalformedOnesAreNot() {
        assertTrue(SyncEvents.productRequest(event("IntegrationSyncRequested", "t1", "atlassian")).isEmpty(), "the org has its own worker");
        assertTrue(SyncEvents.productRequest(event("Scheduled Event", "t1", "jira")).isEmpty());
        assertTrue(SyncEvents.productRequest(event("IntegrationSyncRequested", " ", "jira")).isEmpty());
        assertTrue(SyncEvents.productRequest(event("IntegrationSyncRequested", 42, "jira")).isEmpty());
        assertTrue(SyncEvents.productRequest(event("IntegrationSyncRequested", "t1", "salesforce")).isEmpty());
        assertTrue(SyncEvents.productRequest(Map.of("detail-type", "IntegrationSyncRequested", "detail", "text")).isEmpty());
        assertTrue(SyncEvents.productRequest(null).isEmpty());
    }

    @Test
    void aCompletedOrgSyncIsReadWithItsRunIdWhenItNamesOne() {
        Map<String, Object> event = event("IntegrationSyncCompleted", "t1", "atlassian");
        assertNull(SyncEvents.orgSyncCompleted(event).orElseThrow().runId(), "an event from before runs were named");
        @SuppressWarnings("unchecked") Map<String, Object> detail = (Map<String, Object>) event.get("detail");
        detail.put("runId", "run-7");
        assertEquals("run-7", SyncEvents.orgSyncCompleted(event).orElseThrow().runId());
        detail.put("runId", 7);
        assertNull(SyncEvents.orgSyncCompleted(event).orElseThrow().runId());
        assertEquals("t1", SyncEvents.orgSyncCompleted(event).orElseThrow().tenantId());
    }
}
