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
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.api.ReclaimApiHandler;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.LicenseItems;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import com.saasspend.integration.testing.ProcessKilled;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A bulk reclaim job end to end on moto and the Atlassian simulator: planned and started through the API, run by the
 * worker fed from the real FIFO queue (received here and handed over as the SQS event Lambda would build), through a
 * worker killed midway and a step delivered twice, then undone as a job. Every membership is removed exactly once
 * (the simulator's request log) and put back.
 */
@ExtendWith(AwsEmulator.class)
class ReclaimJobIT {
    /**
     * Users in the job: 120 by default, two plan chunks (one full, one partial: JobStore.CHUNK is 100) and more
     * batches than the kills below need, which is all a larger job would add; {@code -DreclaimJobIT.users=1000} for
     * the figure.
     */
    static final int USERS = Integer.getInteger("reclaimJobIT.users", 120);
    private static final String TENANT = "tenant-jobs";
    private static final String GROUP = "confluence-users";

    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-28T12:00:00.123456789Z");
        void advance(Duration by) { now = now.plus(by); }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    /** The process dying between two lines: an Error no code path handles, as a Lambda killed at that moment. */
    static String account(int i) {
        return String.format("712020:00000000-0000-4000-8000-%012d", i);
    }

    static final class Fixture implements AutoCloseable {
        final MovableClock clock = new MovableClock();
        final Stack stack;
        final World world;
        final ReclaimApiHandler api;
        final String groupId;
        final List<String> users = IntStream.range(0, USERS).mapToObj(ReclaimJobIT::account).toList();
        final List<String> bodiesSeen = new ArrayList<>();
        String eventsQueueUrl;

        Fixture() {
            stack = new Stack(SimWorlds.demo(seed -> {
                ObjectNode acme = SimWorlds.org(seed, "Acme Corp");
                acme.remove("generate");
                ArrayNode list = (ArrayNode) acme.path("users");
                for (int i = 0; i < USERS; i++) {
                    ObjectNode u = list.addObject();
                    u.put("accountId", account(i)).put("name", "Bulk User " + i).put("email", "bulk.user" + i + "@acme.com")
                            .put("addedToOrg", "-400d");
                    u.putArray("groups").add(GROUP);
                    u.putObject("lastActive").put("confluence", "-200d");
                }
            }), clock);
            world = stack.sim.world();
            groupId = world.groupId(ORG_ID, GROUP);
            Services services = Services.of(stack.env, clock);
            ReclaimService reclaims = services.reclaimService();
            api = new ReclaimApiHandler(stack.env, reclaims, services.reclaimJobService(reclaims));
            connect("atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
            String site = "{\"siteUrl\":\"https://acme.atlassian.net\",\"email\":\"" + SITE_ADMIN_EMAIL + "\",\"apiToken\":\"" + SITE_API_TOKEN + "\"}";
            connect("jira", site);
            connect("confluence", site);
            assertEquals("COMPLETED", Services.of(stack.env, clock).orgSync().run(TENANT, Budget.unlimited()).outcome().name());
            stack.aws.drainSyncEvents();
            stack.sim.clearRequests();
            // The bus's job events, routed to a queue this test reads (moto cannot invoke the notification service).
            String id = UUID.randomUUID().toString().substring(0, 8);
            eventsQueueUrl = stack.aws.sqs.createQueue(r -> r.queueName("job-events-" + id)).queueUrl();
            String arn = stack.aws.sqs.getQueueAttributes(r -> r.queueUrl(eventsQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            stack.aws.events.putRule(r -> r.name("job-events-" + id).eventBusName(stack.aws.bus)
                    .eventPattern("{\"detail-type\":[\"ReclaimCompleted\",\"ReclaimJobCompleted\"]}"));
            stack.aws.events.putTargets(r -> r.rule("job-events-" + id).eventBusName(stack.aws.bus).targets(t -> t.id("q").arn(arn)));
        }

        void connect(String type, String body) {
            APIGatewayV2HTTPResponse response = stack.call(TENANT, "POST /integrations/{type}", "/integrations/" + type, Map.of("type", type), body);
            assertEquals(201, response.getStatusCode(), response.getBody());
        }

        APIGatewayV2HTTPResponse call(String tenant, String routeKey, String path, Map<String, String> params, Map<String, String> query,
                                      String key, String body) {
            APIGatewayV2HTTPEvent event = ApiEvents.request(routeKey, path, params, body, tenant);
            event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
            if (key != null) {
                Map<String, String> headers = new HashMap<>(event.getHeaders());
                headers.put("idempotency-key", key);
                event.setHeaders(headers);
            }
            return api.handleRequest(event, null);
        }

        JsonNode plan(List<String> accountIds) {
            String body = Json.MAPPER.createObjectNode().put("grantingProduct", "confluence")
                    .set("accountIds", Json.MAPPER.valueToTree(accountIds)).toString();
            return ok(call(TENANT, "POST /reclaim-jobs/plan", "/reclaim-jobs/plan", Map.of(), Map.of(), null, body), 200);
        }

        APIGatewayV2HTTPResponse start(String key, String planId) {
            return call(TENANT, "POST /reclaim-jobs", "/reclaim-jobs", Map.of(), Map.of(), key, "{\"planId\":\"" + planId + "\"}");
        }

        JsonNode job(String tenant, String id, Map<String, String> query) {
            return ok(call(tenant, "GET /reclaim-jobs/{id}", "/reclaim-jobs/" + id, Map.of("id", id), query, null, null), 200);
        }

        /**
         * Runs the worker on what the queue delivers until it is empty, as Lambda's event source mapping would: a batch
         * of up to 5, messages reported failed (or the whole batch, when the worker dies) become visible again; here at
         * once, with the clock moved past the visibility timeout. {@code workerFor} picks the worker of each batch.
         */
        int drive(Function<Integer, ReclaimJobWorkerHandler> workerFor) {
            int batches = 0;
            for (int idle = 0; idle < 2 && batches < 20 * USERS; ) {
                List<Message> messages = stack.aws.sqs.receiveMessage(r -> r.queueUrl(stack.aws.jobsQueueUrl).maxNumberOfMessages(5)
                        .waitTimeSeconds(0).attributeNamesWithStrings("All")).messages();
                if (messages.isEmpty()) {
                    idle++;
                    continue;
                }
                idle = 0;
                SQSEvent event = new SQSEvent();
                event.setRecords(messages.stream().map(m -> {
                    SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                    record.setMessageId(m.messageId());
                    record.setBody(m.body());
                    record.setReceiptHandle(m.receiptHandle());
                    return record;
                }).toList());
                Set<String> failed;
                try {
                    SQSBatchResponse response = workerFor.apply(batches).handleRequest(event, null);
                    failed = response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                            .collect(Collectors.toSet());
                } catch (ProcessKilled died) {
                    failed = messages.stream().map(Message::messageId).collect(Collectors.toSet());
                }
                batches++;
                for (Message m : messages) {
                    if (failed.contains(m.messageId())) {
                        stack.aws.sqs.changeMessageVisibility(r -> r.queueUrl(stack.aws.jobsQueueUrl).receiptHandle(m.receiptHandle())
                                .visibilityTimeout(0));
                    } else {
                        bodiesSeen.add(m.body());
                        stack.aws.sqs.deleteMessage(r -> r.queueUrl(stack.aws.jobsQueueUrl).receiptHandle(m.receiptHandle()));
                    }
                }
                if (!failed.isEmpty()) {
                    // The visibility timeout (6 minutes) passes before SQS delivers them again.
                    clock.advance(Duration.ofMinutes(6));
                }
            }
            return batches;
        }

        /** A worker whose Atlassian client kills the process right after {@code changes} more membership changes. */
        ReclaimJobWorkerHandler killingAfter(int changes) {
            return new ReclaimJobWorkerHandler(Services.of(stack.env, clock)
                    .withOrgApi(real -> ProcessKilled.afterMembershipChanges(real, changes)));
        }

        /** Delivers a step the worker already ran once more, as SQS's at-least-once delivery may (new deduplication id). */
        void duplicateAUserStep() {
            String body = bodiesSeen.stream().filter(b -> b.contains("\"type\":\"users\"")).findFirst().orElseThrow();
            stack.aws.sqs.sendMessage(r -> r.queueUrl(stack.aws.jobsQueueUrl).messageBody(body).messageGroupId(TENANT)
                    .messageDeduplicationId("duplicate-" + UUID.randomUUID()));
        }

        long membershipCalls(String method, String accountId) {
            return stack.sim.requests().stream().filter(r -> r.method().equals(method) && r.path().contains("/groups/" + groupId + "/memberships")
                    && (method.equals("POST") || r.path().endsWith("/" + accountId)
                    || r.path().endsWith("/" + java.net.URLEncoder.encode(accountId, java.nio.charset.StandardCharsets.UTF_8)))).count();
        }

        List<String> events(String detailType) {
            List<String> found = new ArrayList<>();
            while (true) {
                List<Message> messages = stack.aws.sqs.receiveMessage(r -> r.queueUrl(eventsQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
                if (messages.isEmpty()) {
                    return found.stream().filter(b -> detailType == null || detailType.equals(readTree(b).path("detail-type").asText())).toList();
                }
                for (Message m : messages) {
                    found.add(m.body());
                    stack.aws.sqs.deleteMessage(r -> r.queueUrl(eventsQueueUrl).receiptHandle(m.receiptHandle()));
                }
            }
        }

        long assignedConfluence() {
            String ari = world.productId(ORG_ID, "confluence");
            return Long.parseLong(LicenseItems.summary(stack.aws, TENANT).get("products").m().get(ari).m().get("assigned").n());
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    static JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode ok(APIGatewayV2HTTPResponse response, int status) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Every result of the job, page by page through the opaque cursors. */
    static List<JsonNode> allResults(Fixture f, String jobId) {
        List<JsonNode> results = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < USERS; pages++) {
            Map<String, String> query = cursor == null ? Map.of("limit", "100") : Map.of("limit", "100", "cursor", cursor);
            JsonNode page = f.job(TENANT, jobId, query);
            page.path("results").forEach(results::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
            if (cursor == null) {
                break;
            }
        }
        return results;
    }

    @Test
    void aJobRemovesEveryMembershipExactlyOnceThroughAKilledWorkerAndADuplicateDeliveryAndItsUndoPutsThemBack() {
        try (Fixture f = new Fixture()) {
            long assignedBefore = f.assignedConfluence();
            JsonNode plan = f.plan(f.users);
            assertEquals(USERS, plan.path("includedCount").asInt(), plan.toString());
            assertEquals(USERS, plan.path("seatsFreed").asInt());
            assertEquals("confluence", plan.path("products").get(0).path("productKey").asText());

            APIGatewayV2HTTPResponse started = f.start("job-key-1", plan.path("id").asText());
            JsonNode job = ok(started, 202);
            String jobId = job.path("id").asText();
            assertEquals("/reclaim-jobs/" + jobId, started.getHeaders().get("Location"));
            APIGatewayV2HTTPResponse replay = f.start("job-key-1", plan.path("id").asText());
            assertEquals(jobId, ok(replay, 202).path("id").asText());
            assertEquals("true", replay.getHeaders().get("Idempotent-Replayed"));

            long start = System.nanoTime();
            ReclaimJobWorkerHandler worker = new ReclaimJobWorkerHandler(Services.of(f.stack.env, f.clock));
            ReclaimJobWorkerHandler killing = f.killingAfter(3);
            // Invocation 1 (after the expand): the worker dies right after the third removal of its first batch of users
            // took effect (its users run side by side), before the batch's results.
            f.drive(batch -> batch == 1 ? killing : worker);
            f.duplicateAUserStep();
            f.drive(batch -> worker);
            long millis = (System.nanoTime() - start) / 1_000_000;

            for (String user : f.users) {
                assertFalse(f.world.groupsOf(user).contains(f.groupId), user + " left the group");
                assertEquals(1, f.membershipCalls("DELETE", user), user + ": removed exactly once");
            }
            JsonNode done = f.job(TENANT, jobId, Map.of());
            assertEquals("completed", done.path("status").asText(), done.toString());
            assertEquals(USERS, done.path("counts").path("done").asInt());
            assertEquals(USERS, done.path("counts").path("freed").asInt());
            assertEquals(0, done.path("counts").path("remaining").asInt());
            assertEquals(0, done.path("counts").path("failed").asInt());
            assertEquals(USERS, done.path("seatsFreed").asInt());
            List<JsonNode> results = allResults(f, jobId);
            assertEquals(USERS, results.size());
            assertEquals(Set.copyOf(f.users), results.stream().map(r -> r.path("accountId").asText()).collect(Collectors.toSet()));
            assertTrue(results.stream().allMatch(r -> r.path("outcome").asText().equals("completed")), "every user completed");
            assertEquals(assignedBefore - USERS, f.assignedConfluence(), "the License page's seats follow at once");
            List<String> published = f.events(null);
            assertEquals(1, published.stream().filter(e -> readTree(e).path("detail-type").asText().equals("ReclaimJobCompleted")).count(),
                    "the job's end is published once");
            assertEquals(Set.copyOf(f.users), published.stream().map(ReclaimJobIT::readTree)
                    .filter(e -> e.path("detail-type").asText().equals("ReclaimCompleted"))
                    .map(e -> e.path("detail").path("accountId").asText()).collect(Collectors.toSet()), "one ReclaimCompleted per user (at least)");
            System.out.println("ReclaimJobIT: " + USERS + " users reclaimed in " + millis + " ms; Atlassian calls "
                    + f.stack.sim.requests().size() + " (floor " + USERS + ")");

            f.stack.sim.clearRequests();
            JsonNode undo = ok(f.call(TENANT, "POST /reclaim-jobs/{id}/undo", "/reclaim-jobs/" + jobId + "/undo", Map.of("id", jobId),
                    Map.of(), null, null), 202);
            String undoId = undo.path("id").asText();
            assertEquals("undo", undo.path("kind").asText());
            ReclaimJobWorkerHandler killingUndo = f.killingAfter(2);
            long undoStart = System.nanoTime();
            f.drive(batch -> batch == 1 ? killingUndo : worker);
            System.out.println("ReclaimJobIT: " + USERS + " users restored in " + (System.nanoTime() - undoStart) / 1_000_000
                    + " ms; Atlassian calls " + f.stack.sim.requests().size());
            for (String user : f.users) {
                assertTrue(f.world.groupsOf(user).contains(f.groupId), user + " is back in the group");
            }
            assertEquals(USERS, f.membershipCalls("POST", null), "one add per removed membership");
            JsonNode undone = f.job(TENANT, undoId, Map.of());
            assertEquals("completed", undone.path("status").asText(), undone.toString());
            assertEquals(USERS, undone.path("counts").path("done").asInt());
            assertEquals(USERS, undone.path("seatsRestored").asInt());
            assertEquals(assignedBefore, f.assignedConfluence());
            JsonNode again = ok(f.call(TENANT, "POST /reclaim-jobs/{id}/undo", "/reclaim-jobs/" + jobId + "/undo", Map.of("id", jobId),
                    Map.of(), null, null), 202);
            assertEquals(undoId, again.path("id").asText(), "asking again answers the same undo job");
        }
    }

    @Test
    void aCancelledJobStopsWhatHasNotStartedAndOtherTenantsSeeNothingOfIt() {
        try (Fixture f = new Fixture()) {
            // One batch of users and some: the cancel comes during the first batch.
            List<String> some = f.users.subList(0, com.saasspend.integration.domain.reclaim.jobs.JobMessage.BATCH_USERS + 10);
            JsonNode plan = f.plan(some);
            String jobId = ok(f.start("job-key-2", plan.path("id").asText()), 202).path("id").asText();
            // The admin cancels right after the job's first removal: the batch under way finishes (its users have
            // started), the next batch's users are not started.
            java.util.concurrent.atomic.AtomicInteger removals = new java.util.concurrent.atomic.AtomicInteger();
            ReclaimJobWorkerHandler worker = new ReclaimJobWorkerHandler(Services.of(f.stack.env, f.clock).withOrgApi(real ->
                    new com.saasspend.integration.domain.sync.ForwardingOrgApi(real) {
                        @Override public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
                            super.removeMembership(orgId, apiKey, directoryId, groupId, accountId);
                            if (removals.incrementAndGet() == 1) {
                                assertEquals(200, f.call(TENANT, "POST /reclaim-jobs/{id}/cancel", "/reclaim-jobs/" + jobId + "/cancel",
                                        Map.of("id", jobId), Map.of(), null, null).getStatusCode());
                            }
                        }
                    }));
            f.drive(batch -> worker);
            JsonNode ended = f.job(TENANT, jobId, Map.of());
            assertEquals("cancelled", ended.path("status").asText(), ended.toString());
            int done = ended.path("counts").path("done").asInt();
            assertEquals(some.size(), done + ended.path("counts").path("cancelled").asInt());
            assertTrue(done > 0 && done < some.size(), "some ran, the rest did not: " + done);
            long deletes = f.stack.sim.requests().stream().filter(r -> r.method().equals("DELETE")).count();
            assertEquals(done, deletes, "nothing removed after the cancel");
            assertEquals(409, f.call(TENANT, "POST /reclaim-jobs/{id}/cancel", "/reclaim-jobs/" + jobId + "/cancel",
                    Map.of("id", jobId), Map.of(), null, null).getStatusCode());

            assertEquals(404, f.call("tenant-other", "GET /reclaim-jobs/{id}", "/reclaim-jobs/" + jobId, Map.of("id", jobId), Map.of(), null, null)
                    .getStatusCode());
            assertEquals(0, ok(f.call("tenant-other", "GET /reclaim-jobs", "/reclaim-jobs", Map.of(), Map.of(), null, null), 200)
                    .path("jobs").size());
            JsonNode mine = ok(f.call(TENANT, "GET /reclaim-jobs", "/reclaim-jobs", Map.of(), Map.of(), null, null), 200);
            assertEquals(jobId, mine.path("jobs").get(0).path("id").asText());
            assertEquals(400, f.call(TENANT, "GET /reclaim-jobs", "/reclaim-jobs", Map.of(), Map.of("cursor", "bm90LWEtY3Vyc29y"), null, null)
                    .getStatusCode());
            assertEquals(404, f.call("tenant-other", "POST /reclaim-jobs", "/reclaim-jobs", Map.of(), Map.of(), "k",
                    "{\"planId\":\"" + plan.path("id").asText() + "\"}").getStatusCode(), "another tenant's plan is not found");
        }
    }

    @Test
    void aPlanOfEveryoneASearchListsNamesTheGroupsAndItsJobRemovesThoseUsersAlone() {
        try (Fixture f = new Fixture()) {
            Map<String, String> search = Map.of("product", "confluence", "status", "inactive", "q", "bulk.user1", "limit", "200");
            JsonNode listed = ok(f.stack.licenses(TENANT, "GET /users", "/users", Map.of(), search, null), 200);
            List<String> listedIds = new ArrayList<>();
            listed.path("users").forEach(u -> listedIds.add(u.path("accountId").asText()));
            // The email prefix bulk.user1: users 1, 10 to 19 and 100 to 119 of the 120.
            Set<String> expected = IntStream.range(0, USERS).filter(i -> ("bulk.user" + i).startsWith("bulk.user1"))
                    .mapToObj(ReclaimJobIT::account).collect(Collectors.toSet());
            assertEquals(expected, Set.copyOf(listedIds), listed.toString());
            assertTrue(listed.path("nextCursor").isNull(), "one page holds them");

            JsonNode plan = ok(f.call(TENANT, "POST /reclaim-jobs/plan", "/reclaim-jobs/plan", Map.of(), Map.of(), null,
                    "{\"filter\":{\"product\":\"confluence\",\"status\":\"inactive\",\"search\":\"bulk.user1\"}}"), 200);
            List<String> planned = new ArrayList<>();
            plan.path("included").forEach(u -> {
                planned.add(u.path("accountId").asText());
                assertEquals(Json.MAPPER.createArrayNode().add(f.groupId), u.path("groupIds"), u.toString());
                assertEquals(Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode().put("id", f.groupId).put("name", GROUP)),
                        u.path("groups"), "the group removed, named");
            });
            assertEquals(listedIds, planned, "exactly the users the License page lists for the filter and search, in its order");
            assertEquals(0, plan.path("skippedCount").asInt(), plan.toString());

            String jobId = ok(f.start("job-key-search", plan.path("id").asText()), 202).path("id").asText();
            f.drive(batch -> new ReclaimJobWorkerHandler(Services.of(f.stack.env, f.clock)));
            assertEquals("completed", f.job(TENANT, jobId, Map.of()).path("status").asText());
            for (String user : f.users) {
                assertEquals(!expected.contains(user), f.world.groupsOf(user).contains(f.groupId), user);
            }

            APIGatewayV2HTTPResponse tooLong = f.call(TENANT, "POST /reclaim-jobs/plan", "/reclaim-jobs/plan", Map.of(), Map.of(), null,
                    "{\"filter\":{\"product\":\"confluence\",\"search\":\"" + "x".repeat(201) + "\"}}");
            JsonNode problem = ok(tooLong, 400);
            assertEquals("application/problem+json", tooLong.getHeaders().get("Content-Type"));
            assertEquals("validation_failed", problem.path("code").asText());
            assertEquals("filter.search", problem.path("errors").get(0).path("field").asText(), problem.toString());
        }
    }
}
