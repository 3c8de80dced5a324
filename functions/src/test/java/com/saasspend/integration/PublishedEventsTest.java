package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchema;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import com.saasspend.integration.aws.EventBridgeJobEvents;
import com.saasspend.integration.aws.EventBridgePolicyEvents;
import com.saasspend.integration.aws.EventBridgeSyncCompletions;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.testing.Template;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The events the product publishes for the SaaS's notification service (events/published, schemas in events/schemas):
 * each sample matches its schema, and what the code really puts on the bus matches it too, so the documents cannot
 * drift from the code.
 */
class PublishedEventsTest {
    private static final Path EVENTS = Template.path().getParent().resolve("events");
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.byDefault();

    private static JsonSchema schema(String detailType) throws Exception {
        return SCHEMAS.getJsonSchema(Json.MAPPER.readTree(EVENTS.resolve("schemas").resolve(detailType + ".schema.json").toFile()));
    }

    private static void assertValid(JsonSchema schema, JsonNode event, String what) throws Exception {
        ProcessingReport report = schema.validate(event);
        assertTrue(report.isSuccess(), what + " does not match its schema: " + report);
    }

    @Test
    void everyPublishedSampleMatchesTheSchemaOfItsDetailType() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(EVENTS.resolve("published"))) {
            samples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(4, samples.size(), "events/published holds one sample per event the product publishes");
        for (Path sample : samples) {
            JsonNode event = Json.MAPPER.readTree(sample.toFile());
            assertValid(schema(event.path("detail-type").asText()), event, sample.getFileName().toString());
        }
    }

    @Test
    void theSyncCompletedSampleTheEvaluationReceivesMatchesItsSchema() throws Exception {
        JsonNode event = Json.MAPPER.readTree(EVENTS.resolve("sync-completed-atlassian.json").toFile());
        assertValid(schema("IntegrationSyncCompleted"), event, "sync-completed-atlassian.json");
    }

    @Test
    void whatTheCodePublishesMatchesTheSchemasAndASchemaRefusesADrift() throws Exception {
        List<PutEventsRequestEntry> put = new ArrayList<>();
        EventBridgeClient bus = (EventBridgeClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {EventBridgeClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("putEvents")) {
                        PutEventsRequest request = args[0] instanceof PutEventsRequest r ? r : build(args[0]);
                        put.addAll(request.entries());
                        return PutEventsResponse.builder().failedEntryCount(0).build();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        EventBridgeJobEvents events = new EventBridgeJobEvents(bus, "bus");
        Instant at = Instant.parse("2026-11-28T12:00:00.123Z");
        ReclaimRecord record = new ReclaimRecord("20261128T120000123Z-abcdefghij", "712020:u1", "Uma", "admin", at, "completed",
                List.of(new ReclaimRecord.GroupResult("g1", "confluence-users", "removed", null)),
                List.of(new ReclaimRecord.FreedSeat("ari:cloud:confluence::site/s1", "confluence", "Confluence", null, new BigDecimal("6.05"))),
                new BigDecimal("6.05"), List.of(), at.plus(ReclaimRecord.UNDO_WINDOW), null, "job-20261128T120000123Z-abcdefghij");
        events.reclaimCompleted("tenant-demo", "job-20261128T120000123Z-abcdefghij", record);
        ReclaimJob job = new ReclaimJob("job-20261128T120000123Z-abcdefghij", ReclaimJob.RECLAIM, "plan-20261128T115900000Z-abcdefghij",
                null, null, "admin", at, ReclaimJob.COMPLETED, false, true, 1,
                new ReclaimJob.Counts(3, 2, 2, 0, 1, 0, 1, 2, new BigDecimal("12.10")), at.plusSeconds(30));
        events.jobCompleted("tenant-demo", job);
        EventBridgePolicyEvents policyEvents = new EventBridgePolicyEvents(bus, "bus");
        Policy policy = new Policy("pol-f6a1580734afbab41bf9", "Idle Jira", List.of("jira-software"), new Policy.Condition(Policy.INACTIVE, 90),
                List.of(), List.of(), Policy.AUTO, 14, 50, false, at, at, 1, null);
        PolicyAction action = new PolicyAction(PolicyAction.idOf(policy.id(), "712020:u1", "jira-software", null), policy.id(), policy.name(),
                Policy.AUTO, "712020:u1", "Uma", "uma@acme.example", "jira-software", List.of("g1"), 1, new BigDecimal("8.50"),
                PolicyAction.PENDING, at, at, at.plus(java.time.Duration.ofDays(14)), null, null, null, null, null, null, at);
        policyEvents.noticeDue("tenant-demo", policy, action);
        policyEvents.actionsPending("tenant-demo", policy, List.of(action));
        new EventBridgeSyncCompletions(bus, "bus").completed("tenant-demo", new com.saasspend.integration.domain.sync.SyncRunRecord(
                "run-1", com.saasspend.integration.domain.IntegrationType.ATLASSIAN, at, at.plusSeconds(70), "completed", 1200, 40, 3, 0,
                0, 12, 1, null));

        assertEquals(List.of(EventBridgeJobEvents.RECLAIM_COMPLETED, EventBridgeJobEvents.JOB_COMPLETED, EventBridgePolicyEvents.NOTICE_DUE,
                        EventBridgePolicyEvents.ACTIONS_PENDING, EventBridgeSyncCompletions.DETAIL_TYPE),
                put.stream().map(PutEventsRequestEntry::detailType).toList());
        for (PutEventsRequestEntry entry : put) {
            ObjectNode envelope = Json.MAPPER.createObjectNode().put("detail-type", entry.detailType()).put("source", entry.source());
            envelope.set("detail", Json.MAPPER.readTree(entry.detail()));
            assertValid(schema(entry.detailType()), envelope, entry.detailType() + " as published");
            // The schema is strict: a field the code added without documenting it is refused.
            ((ObjectNode) envelope.path("detail")).put("undocumented", 1);
            assertFalse(schema(entry.detailType()).validate(envelope).isSuccess(), entry.detailType() + " schema refuses unknown fields");
        }
    }

    @SuppressWarnings("unchecked")
    private static PutEventsRequest build(Object consumer) {
        PutEventsRequest.Builder builder = PutEventsRequest.builder();
        ((Consumer<PutEventsRequest.Builder>) consumer).accept(builder);
        return builder.build();
    }
}
