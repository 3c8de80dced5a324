package com.saasspend.integration.sync;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.api.ReclaimApiHandler;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reclaim policies end to end on moto and the Atlassian simulator: the org sync worker publishes
 * IntegrationSyncCompleted on the bus, the bus's event (read from a queue the test routes it to, as the rule would hand
 * it to the function) runs the evaluation function, and the API lists and decides the actions; removals are checked in
 * the simulator's memberships.
 */
@ExtendWith(AwsEmulator.class)
class PolicyIT {
    private static final String TENANT = "tenant-policies";
    private static final String GRANTING = "confluence-users";
    private static final List<String> IDLE = List.of(account(1), account(2), account(3));
    private static final String ACTIVE = account(4);
    private static final String CONTRACTOR = account(5);

    static String account(int i) {
        return String.format("712020:00000000-0000-4000-9000-%012d", i);
    }

    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();
        void advance(Duration by) { now = now.plus(by); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    private final MovableClock clock = new MovableClock();
    private Stack stack;
    private World world;
    private ReclaimApiHandler api;
    private SyncWorkerHandler syncWorker;
    private PolicyEvaluationHandler evaluation;
    private String eventsQueueUrl;

    @BeforeEach
    void stack() {
        stack = new Stack(SimWorlds.demo(seed -> {
            ObjectNode acme = SimWorlds.org(seed, "Acme Corp");
            acme.remove("generate");
            acme.withArray("groups").addObject().put("name", "contractors").put("description", "no product roles");
            ArrayNode users = (ArrayNode) acme.path("users");
            for (int i = 1; i <= 5; i++) {
                ObjectNode u = users.addObject();
                u.put("accountId", account(i)).put("name", "Policy User " + i).put("email", "policy.user" + i + "@acme.com")
                        .put("addedToOrg", "-400d");
                ArrayNode groups = u.putArray("groups").add(GRANTING);
                if (account(i).equals(CONTRACTOR)) {
                    groups.add("contractors");
                }
                u.putObject("lastActive").put("confluence", account(i).equals(ACTIVE) ? "-2d" : "-200d");
            }
        }), clock);
        world = stack.sim.world();
        Services services = Services.of(stack.env, clock);
        api = new ReclaimApiHandler(services);
        syncWorker = new SyncWorkerHandler(services);
        evaluation = new PolicyEvaluationHandler(services);
        connect("atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        String site = "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}";
        connect("jira", site);
        connect("confluence", site);
        // What the bus carries besides sync requests, routed to a queue this test reads (moto invokes no Lambda).
        String id = UUID.randomUUID().toString().substring(0, 8);
        eventsQueueUrl = stack.aws.sqs.createQueue(r -> r.queueName("policy-events-" + id)).queueUrl();
        String arn = stack.aws.sqs.getQueueAttributes(r -> r.queueUrl(eventsQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        stack.aws.events.putRule(r -> r.name("policy-events-" + id).eventBusName(stack.aws.bus)
                .eventPattern("{\"detail-type\":[\"IntegrationSyncCompleted\",\"ReclaimNoticeDue\",\"ReclaimActionsPending\"]}"));
        stack.aws.events.putTargets(r -> r.rule("policy-events-" + id).eventBusName(stack.aws.bus).targets(t -> t.id("q").arn(arn)));
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void connect(String type, String body) {
        APIGatewayV2HTTPResponse response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/" + type, Map.of("type", type), body);
        assertEquals(201, response.getStatusCode(), response.getBody());
    }

    private APIGatewayV2HTTPResponse call(String tenant, String routeKey, String path, Map<String, String> params,
                                          Map<String, String> query, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(routeKey, path, params, body, tenant);
        event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
        return api.handleRequest(event, null);
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response, int status) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return response.getBody() == null ? null : ApiEvents.parse(response.getBody());
    }

    private String createPolicy(String mode, int graceDays, String excludedGroupId) {
        return createPolicy(mode, graceDays, excludedGroupId, 50);
    }

    private String createPolicy(String mode, int graceDays, String excludedGroupId, int cap) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", "Idle Confluence (" + mode + ")").put("mode", mode)
                .put("graceDays", graceDays).put("maxReclaimsPerRun", cap);
        body.putArray("products").add("confluence");
        body.putObject("condition").put("type", "inactive").put("days", 90);
        if (excludedGroupId != null) {
            body.putArray("excludeGroupIds").add(excludedGroupId);
        }
        return ok(call(TENANT, "POST /policies", "/policies", Map.of(), Map.of(), body.toString()), 201).path("id").asText();
    }

    /** The bus events published so far, by detail type (drains the test's queue). */
    private Map<String, List<JsonNode>> drainEvents() {
        Map<String, List<JsonNode>> byType = new HashMap<>();
        while (true) {
            List<Message> messages = stack.aws.sqs.receiveMessage(r -> r.queueUrl(eventsQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (messages.isEmpty()) {
                return byType;
            }
            for (Message m : messages) {
                JsonNode event = ApiEvents.parse(m.body());
                byType.computeIfAbsent(event.path("detail-type").asText(), k -> new ArrayList<>()).add(event);
                stack.aws.sqs.deleteMessage(r -> r.queueUrl(eventsQueueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** A scheduled org sync run by the worker; answers the IntegrationSyncCompleted event it put on the bus. */
    private Map<String, Object> syncCompleted() throws Exception {
        Map<String, Object> request = Map.of("detail-type", "IntegrationSyncRequested", "source", "saasspend.atlassian-integration",
                "detail", Map.of("tenantId", TENANT, "integration", "atlassian", "reason", "schedule", "full", true));
        assertEquals("completed", syncWorker.handleRequest(request, null).get("outcome"));
        stack.aws.drainSyncEvents();
        List<JsonNode> completed = drainEvents().getOrDefault("IntegrationSyncCompleted", List.of());
        assertEquals(1, completed.size(), "one IntegrationSyncCompleted per completed org run");
        return Json.MAPPER.convertValue(completed.get(0), new TypeReference<Map<String, Object>>() {});
    }

    private JsonNode actions(String status) {
        return ok(call(TENANT, "GET /policy-actions", "/policy-actions", Map.of(), Map.of("status", status, "limit", "200"), null), 200)
                .path("actions");
    }

    private static List<String> accounts(JsonNode actions) {
        List<String> ids = new ArrayList<>();
        actions.forEach(a -> ids.add(a.path("accountId").asText()));
        return ids.stream().sorted().toList();
    }

    private static List<String> idleAndContractor() {
        List<String> all = new ArrayList<>(IDLE);
        all.add(CONTRACTOR);
        return all.stream().sorted().toList();
    }

    private static List<String> mine(List<String> accounts) {
        return accounts.stream().filter(a -> a.startsWith("712020:00000000-0000-4000-9000-")).toList();
    }

    @Test
    void approveModeAfterASyncThenApprovalRemovesTheMembershipAndARedeliveredEventDuplicatesNothing() throws Exception {
        String contractors = world.groupId(ORG_ID, "contractors");
        String policyId = createPolicy("approve", 14, contractors);

        Map<String, Object> event = syncCompleted();
        Map<String, Object> first = evaluation.handleRequest(event, null);
        assertEquals("evaluated", first.get("outcome"), first.toString());

        JsonNode pending = actions("pending");
        assertEquals(IDLE, mine(accounts(pending)), "the idle users; not the active one, not the excluded contractor");
        List<JsonNode> announced = drainEvents().getOrDefault("ReclaimActionsPending", List.of());
        assertEquals(1, announced.size());
        assertEquals(pending.size(), announced.get(0).path("detail").path("count").asInt());

        // The same event delivered twice, and a second sync: no action is created twice, the admin is not told again.
        evaluation.handleRequest(event, null);
        evaluation.handleRequest(syncCompleted(), null);
        assertEquals(accounts(pending), accounts(actions("pending")));
        assertFalse(drainEvents().containsKey("ReclaimActionsPending"));

        JsonNode action = null;
        for (JsonNode a : pending) {
            if (a.path("accountId").asText().equals(IDLE.get(0))) {
                action = a;
            }
        }
        String groupId = world.groupId(ORG_ID, GRANTING);
        assertTrue(world.groupMembers(groupId).contains(IDLE.get(0)));
        JsonNode done = ok(call(TENANT, "POST /policy-actions/{id}/approve", "/policy-actions/" + action.path("id").asText() + "/approve",
                Map.of("id", action.path("id").asText()), Map.of(), null), 200);

        assertEquals("done", done.path("status").asText(), done.toString());
        assertFalse(world.groupMembers(groupId).contains(IDLE.get(0)), "the membership granting the seat is removed at Atlassian");
        // A normal reclaim: in the audit trail, naming the policy, undoable.
        JsonNode reclaim = ok(call(TENANT, "GET /reclaims/{id}", "/reclaims/" + done.path("reclaimId").asText(),
                Map.of("id", done.path("reclaimId").asText()), Map.of(), null), 200);
        assertTrue(reclaim.toString().contains(policyId), reclaim.toString());
        assertEquals(List.of(IDLE.get(0)), mine(accounts(actions("done"))));
        ok(call(TENANT, "POST /reclaims/{id}/undo", "/reclaims/" + done.path("reclaimId").asText() + "/undo",
                Map.of("id", done.path("reclaimId").asText()), Map.of(), null), 200);
        assertTrue(world.groupMembers(groupId).contains(IDLE.get(0)));

        // Another tenant sees neither the policy nor the action.
        assertEquals(404, call("tenant-other", "GET /policies/{id}", "/policies/" + policyId, Map.of("id", policyId), Map.of(), null)
                .getStatusCode());
        assertEquals(404, call("tenant-other", "POST /policy-actions/{id}/reject", "/policy-actions/" + action.path("id").asText() + "/reject",
                Map.of("id", action.path("id").asText()), Map.of(), null).getStatusCode());
    }

    @Test
    void autoModeWithNoGraceNoticesFirstThenReclaimsExceptTheUserActiveAgain() throws Exception {
        createPolicy("auto", 0, null);

        evaluation.handleRequest(syncCompleted(), null);
        List<JsonNode> notices = drainEvents().getOrDefault("ReclaimNoticeDue", List.of());
        List<String> noticed = new ArrayList<>();
        notices.forEach(n -> noticed.add(n.path("detail").path("accountId").asText()));
        // Without an exclusion the contractor is idle like the others.
        assertEquals(idleAndContractor(), mine(noticed.stream().sorted().toList()));
        notices.forEach(n -> assertTrue(n.path("detail").has("reclaimAt"), n.toString()));
        String groupId = world.groupId(ORG_ID, GRANTING);
        assertTrue(world.groupMembers(groupId).containsAll(IDLE), "a notice first; nothing removed on the first evaluation");

        // One idle user opens Confluence during the (empty) grace period; the next evaluation re-reads them first.
        clock.advance(Duration.ofMinutes(15));
        world.recordActivity(IDLE.get(1), "confluence", Instant.now());
        Map<String, Object> second = evaluation.handleRequest(syncCompletedWithoutResync(), null);

        assertFalse(world.groupMembers(groupId).contains(IDLE.get(0)));
        assertFalse(world.groupMembers(groupId).contains(IDLE.get(2)));
        assertTrue(world.groupMembers(groupId).contains(IDLE.get(1)), "active again: keeps the seat");
        JsonNode cancelled = actions("cancelled");
        assertEquals(List.of(IDLE.get(1)), mine(accounts(cancelled)));
        cancelled.forEach(a -> {
            if (a.path("accountId").asText().equals(IDLE.get(1))) {
                assertEquals("active_again", a.path("reasonCode").asText(), a.toString());
            }
        });
        assertTrue(((Number) second.get("reclaimed")).intValue() >= 2, second.toString());
    }

    /**
     * The completed-sync event as the bus would deliver it again: the worker's re-sync would already have read the
     * fresh activity, so the due run's own re-read from Atlassian would not be what is tested.
     */
    private Map<String, Object> syncCompletedWithoutResync() {
        return Map.of("detail-type", "IntegrationSyncCompleted", "source", "saasspend.atlassian-integration",
                "detail", Map.of("tenantId", TENANT, "integration", "atlassian", "runId", "run-again", "finishedAt", clock.instant().toString(),
                        "users", 0));
    }

    @Test
    void theCapHoldsPerRun() throws Exception {
        createPolicy("auto", 0, null, 2);
        String groupId = world.groupId(ORG_ID, GRANTING);
        int members = world.groupMembers(groupId).size();

        evaluation.handleRequest(syncCompleted(), null);
        assertEquals(2, drainEvents().getOrDefault("ReclaimNoticeDue", List.of()).size(), "two candidates noticed per run");
        evaluation.handleRequest(syncCompletedWithoutResync(), null);

        assertEquals(members - 2, world.groupMembers(groupId).size(), "two reclaims per run");
        assertEquals(2, actions("done").size());
        assertEquals(2, actions("pending").size(), "the next two noticed, due on the next run");
    }

    @Test
    void theKillSwitchStopsADueReclaim() throws Exception {
        createPolicy("auto", 0, null);
        evaluation.handleRequest(syncCompleted(), null);
        assertEquals(200, stack.licenses(TENANT, "PUT /settings", "/settings", Map.of(), Map.of(),
                "{\"inactivityDays\":30,\"policiesPaused\":true}").getStatusCode());

        Map<String, Object> paused = evaluation.handleRequest(syncCompletedWithoutResync(), null);

        assertEquals(0, paused.get("policies"), paused.toString());
        assertTrue(world.groupMembers(world.groupId(ORG_ID, GRANTING)).containsAll(IDLE));
        assertEquals(idleAndContractor(), mine(accounts(actions("pending"))));
        assertTrue(ApiEvents.parse(stack.licenses(TENANT, "GET /settings", "/settings", Map.of(), Map.of(), null).getBody())
                .path("policiesPaused").asBoolean());
    }
    /** Runs the bulk reclaim worker on what the jobs queue delivers until it is empty, as Lambda's event source would. */
    private void runJobs() {
        ReclaimJobWorkerHandler worker = new ReclaimJobWorkerHandler(Services.of(stack.env, clock));
        for (int batches = 0; batches < 100; batches++) {
            List<Message> messages = stack.aws.sqs.receiveMessage(r -> r.queueUrl(stack.aws.jobsQueueUrl).maxNumberOfMessages(5)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return;
            }
            com.amazonaws.services.lambda.runtime.events.SQSEvent event = new com.amazonaws.services.lambda.runtime.events.SQSEvent();
            event.setRecords(messages.stream().map(m -> {
                com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage record =
                        new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
                record.setMessageId(m.messageId());
                record.setBody(m.body());
                record.setReceiptHandle(m.receiptHandle());
                return record;
            }).toList());
            assertTrue(worker.handleRequest(event, null).getBatchItemFailures().isEmpty());
            messages.forEach(m -> stack.aws.sqs.deleteMessage(r -> r.queueUrl(stack.aws.jobsQueueUrl).receiptHandle(m.receiptHandle())));
        }
        throw new AssertionError("the jobs queue never emptied");
    }

    private APIGatewayV2HTTPResponse approveInBulk(String key, String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.request("POST /policy-actions/approve", "/policy-actions/approve", Map.of(), body, TENANT);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("idempotency-key", key);
        event.setHeaders(headers);
        return api.handleRequest(event, null);
    }

    @Test
    void manyPendingActionsApprovedAsOneBulkJobAreReclaimedByItOnceWhateverTheRetries() throws Exception {
        String policyId = createPolicy("approve", 14, null);
        evaluation.handleRequest(syncCompleted(), null);
        JsonNode pending = actions("pending");
        List<String> ids = new ArrayList<>();
        pending.forEach(a -> { if (IDLE.contains(a.path("accountId").asText())) ids.add(a.path("id").asText()); });
        assertEquals(IDLE.size(), ids.size(), pending.toString());
        String body = Json.MAPPER.createObjectNode().set("actionIds", Json.MAPPER.valueToTree(ids)).toString();

        JsonNode answer = ok(approveInBulk("bulk-1", body), 202);
        String jobId = answer.path("job").path("id").asText();
        assertEquals(IDLE.size(), answer.path("actionsApproved").asInt(), answer.toString());
        APIGatewayV2HTTPResponse retried = approveInBulk("bulk-1", body);
        assertEquals(jobId, ok(retried, 202).path("job").path("id").asText(), "a retried request starts no second job");
        assertEquals("true", retried.getHeaders().get("Idempotent-Replayed"));
        String fewer = Json.MAPPER.createObjectNode().set("actionIds", Json.MAPPER.valueToTree(ids.subList(0, 2))).toString();
        APIGatewayV2HTTPResponse reused = approveInBulk("bulk-1", fewer);
        assertEquals(422, reused.getStatusCode(), reused.getBody());
        assertEquals("idempotency_key_reused", ApiEvents.parse(reused.getBody()).path("code").asText());
        assertEquals(409, approveInBulk("bulk-2", body).getStatusCode(), "approved already: not pending");

        JsonNode approved = actions("approved");
        assertEquals(IDLE, mine(accounts(approved)));
        approved.forEach(a -> assertEquals(jobId, a.path("jobId").asText(), a.toString()));
        assertEquals(List.of(), mine(accounts(actions("pending"))).stream().filter(IDLE::contains).toList());

        runJobs();

        String groupId = world.groupId(ORG_ID, GRANTING);
        IDLE.forEach(a -> assertFalse(world.groupMembers(groupId).contains(a), a + " removed by the job"));
        assertTrue(world.groupMembers(groupId).contains(ACTIVE));
        JsonNode job = ok(call(TENANT, "GET /reclaim-jobs/{id}", "/reclaim-jobs/" + jobId, Map.of("id", jobId), Map.of(), null), 200);
        assertEquals("completed", job.path("status").asText(), job.toString());
        assertEquals(IDLE.size(), job.path("counts").path("done").asInt(), job.toString());
        assertTrue(job.path("requestedBy").asText().contains(policyId), "the job and its reclaims' audit name the policy: " + job);
        JsonNode reclaims = ok(call(TENANT, "GET /reclaims", "/reclaims", Map.of(), Map.of("limit", "50"), null), 200).path("reclaims");
        int naming = 0;
        for (JsonNode r : reclaims) {
            if (r.toString().contains(policyId) && r.toString().contains(jobId)) {
                naming++;
            }
        }
        assertEquals(IDLE.size(), naming, reclaims.toString());

        // The next evaluation ends the job's actions from its per-user results.
        Map<String, Object> settled = evaluation.handleRequest(syncCompleted(), null);
        assertEquals(IDLE.size(), settled.get("settledFromJobs"), settled.toString());
        JsonNode done = actions("done");
        assertEquals(IDLE, mine(accounts(done)));
        done.forEach(a -> {
            assertEquals(jobId, a.path("jobId").asText());
            assertTrue(a.path("reclaimId").asText().length() > 0, a.toString());
        });
        assertEquals(List.of(), mine(accounts(actions("approved"))));
    }
}
