package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.num;
import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobStore;
import com.saasspend.integration.domain.reclaim.jobs.JobUserResult;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Bulk reclaim plans, jobs and per-user results in the tenant partition (README "Data model"). A plan is a summary
 * item plus its included users in chunks of {@link #CHUNK}, all expiring by TTL; a job is one item whose counters move
 * only in the transaction that writes a batch's result items (condition on each: no result yet), so each user counts once.
 */
public final class DynamoReclaimJobs implements JobStore {
    /** A plan chunk's users, compressed ({@link #compressedChunk}). */
    static final String CHUNK_USERS = "usersGz";
    /** DynamoDB's item limit is 400 KB, names and key included. */
    static final int MAX_CHUNK_BYTES = 390_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchReader reader;

    public DynamoReclaimJobs(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.reader = new BatchReader(dynamo, table);
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(sk));
    }

    // ---------------------------------------------------------------- plans

    @Override
    public void putPlan(String tenantId, JobPlan plan) {
        AttributeValue expires = n(plan.expiresAt().getEpochSecond());
        List<JobPlan.PlannedUser> users = plan.included();
        // Every chunk compressed (and refused if too large) before the first is written.
        List<Map<String, AttributeValue>> chunks = new ArrayList<>();
        for (int chunk = 0; chunk * CHUNK < users.size(); chunk++) {
            Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.reclaimJobPlanChunk(plan.id(), chunk)));
            item.put(CHUNK_USERS, AttributeValue.fromB(SdkBytes.fromByteArray(
                    compressedChunk(toJson(users.subList(chunk * CHUNK, Math.min(users.size(), (chunk + 1) * CHUNK)))))));
            item.put("expiresAt", expires);
            chunks.add(item);
        }
        chunks.forEach(item -> dynamo.putItem(r -> r.tableName(table).item(item)));
        // The summary last: a plan is usable only once every chunk is stored.
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.reclaimJobPlan(plan.id())));
        item.put("kind", s("reclaim-job-plan"));
        item.put("plan", s(toJson(plan.summary())));
        item.put("expiresAt", expires);
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<JobPlan> plan(String tenantId, String planId, Instant now) {
        if (!ReclaimJob.wellFormed(planId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.reclaimJobPlan(planId)))).item();
        // TTL deletes late: an expired plan is gone as far as callers can tell.
        if (item == null || item.isEmpty() || num(item, "expiresAt", 0) <= now.getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(fromJson(str(item, "plan"), new TypeReference<JobPlan>() {}));
    }

    @Override
    public List<JobPlan.PlannedUser> planChunk(String tenantId, String planId, int chunk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.reclaimJobPlanChunk(planId, chunk)))).item();
        if (item == null || item.isEmpty()) {
            return List.of();
        }
        AttributeValue compressed = item.get(CHUNK_USERS);
        // Plans stored before chunks were compressed hold their users as JSON text.
        String users = compressed != null ? decompress(compressed.b().asByteArray()) : str(item, "users");
        return fromJson(users, new TypeReference<List<JobPlan.PlannedUser>>() {});
    }

    /**
     * A chunk's users as stored: their JSON, gzipped. Each user names the groups its reclaim removes, with their names
     * (up to 255 characters each), and a chunk's users mostly share the org's few access-granting groups: as text, 100
     * users in 20 such groups each, names of 200 characters, are past DynamoDB's 400 KB item; compressed, the repeats
     * cost next to nothing. A chunk that would still not fit is refused here (plan_too_large), before any of the plan
     * is stored.
     */
    static byte[] compressedChunk(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length() / 8 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.size() > MAX_CHUNK_BYTES) {
            throw new Refusal(Refusal.Kind.INVALID, "plan_too_large", "These users are in too many groups to plan together: "
                    + "100 of them take " + bytes.size() + " bytes compressed, past the " + MAX_CHUNK_BYTES
                    + " a plan can store for them. Select fewer users, or fewer products, and plan again.");
        }
        return bytes.toByteArray();
    }

    private static String decompress(byte[] compressed) {
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("A stored reclaim plan chunk could not be read", e);
        }
    }

    // ---------------------------------------------------------------- jobs

    private static Map<String, AttributeValue> jobItem(String tenantId, ReclaimJob job) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.reclaimJob(job.id())));
        item.put("kind", s("reclaim-job"));
        item.put("jobId", s(job.id()));
        item.put("jobKind", s(job.kind()));
        item.put("planId", s(job.planId()));
        putIfPresent(item, "undoOf", job.undoOf());
        putIfPresent(item, "undoJobId", job.undoJobId());
        putIfPresent(item, "requestedBy", job.requestedBy());
        item.put("createdAt", s(job.createdAt().toString()));
        item.put("status", s(job.status()));
        item.put("cancelRequested", AttributeValue.fromBool(job.cancelRequested()));
        item.put("enqueued", AttributeValue.fromBool(job.enqueued()));
        item.put("chunks", n(job.chunks()));
        ReclaimJob.Counts c = job.counts();
        item.put("total", n(c.total()));
        item.put("done", n(c.done()));
        item.put("freed", n(c.freed()));
        item.put("failed", n(c.failed()));
        item.put("skipped", n(c.skipped()));
        item.put("cancelled", n(c.cancelled()));
        item.put("plannedSkipped", n(c.plannedSkipped()));
        item.put("seats", n(c.seats()));
        if (c.monthlyCost() != null) {
            item.put("monthlyCost", AttributeValue.fromN(c.monthlyCost().toPlainString()));
        }
        putIfPresent(item, "finishedAt", job.finishedAt());
        return item;
    }

    private static ReclaimJob job(Map<String, AttributeValue> item) {
        AttributeValue cost = item.get("monthlyCost");
        return new ReclaimJob(str(item, "jobId"), str(item, "jobKind"), str(item, "planId"), str(item, "undoOf"), str(item, "undoJobId"),
                str(item, "requestedBy"), Instant.parse(str(item, "createdAt")), str(item, "status"), bool(item, "cancelRequested"),
                bool(item, "enqueued"), (int) num(item, "chunks", 0), new ReclaimJob.Counts((int) num(item, "total", 0),
                (int) num(item, "done", 0), (int) num(item, "freed", 0), (int) num(item, "failed", 0), (int) num(item, "skipped", 0),
                (int) num(item, "cancelled", 0), (int) num(item, "plannedSkipped", 0), (int) num(item, "seats", 0),
                cost == null ? null : new BigDecimal(cost.n())),
                str(item, "finishedAt") == null ? null : Instant.parse(str(item, "finishedAt")));
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v != null && Boolean.TRUE.equals(v.bool());
    }

    @Override
    public Optional<ReclaimJob> create(String tenantId, String idempotencyKey, ReclaimJob job, Instant keyExpiresAt) {
        Map<String, AttributeValue> keyItem = new HashMap<>(key(tenantId, TableKeys.reclaimJobKey(idempotencyKey)));
        keyItem.put("jobId", s(job.id()));
        keyItem.put("expiresAt", n(keyExpiresAt.getEpochSecond()));
        // What the job takes: its plan (a plan runs once) or, for an undo, its parent job (one undo per job).
        TransactWriteItem taken = ReclaimJob.UNDO.equals(job.kind())
                ? TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, TableKeys.reclaimJob(job.undoOf())))
                        .updateExpression("SET undoJobId = :id").conditionExpression("attribute_exists(pk) AND attribute_not_exists(undoJobId)")
                        .expressionAttributeValues(Map.of(":id", s(job.id())))).build()
                : TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, TableKeys.reclaimJobPlan(job.planId())))
                        .updateExpression("SET jobId = :id").conditionExpression("attribute_exists(pk) AND attribute_not_exists(jobId)")
                        .expressionAttributeValues(Map.of(":id", s(job.id())))).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(keyItem)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                        .expressionAttributeValues(Map.of(":now", n(job.createdAt().getEpochSecond())))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(jobItem(tenantId, job))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                taken));
        if (!ReclaimJob.UNDO.equals(job.kind())) {
            // The job's undo expands the same chunks for 30 days: they must outlive the plan's own 24 hours.
            AttributeValue keep = n(job.createdAt().plus(ReclaimRecord.UNDO_WINDOW).plus(Duration.ofDays(1)).getEpochSecond());
            for (int chunk = 0; chunk < job.chunks(); chunk++) {
                String sk = TableKeys.reclaimJobPlanChunk(job.planId(), chunk);
                writes.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, sk))
                        .updateExpression("SET expiresAt = :keep").conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":keep", keep))).build());
            }
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
            return Optional.empty();
        } catch (TransactionCanceledException held) {
            Optional<ReclaimJob> byKey = jobOfKey(tenantId, idempotencyKey).flatMap(id -> job(tenantId, id));
            if (byKey.isPresent()) {
                return byKey;
            }
            String takenBy = ReclaimJob.UNDO.equals(job.kind())
                    ? job(tenantId, job.undoOf()).map(ReclaimJob::undoJobId).orElse(null)
                    : str(dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                            .key(key(tenantId, TableKeys.reclaimJobPlan(job.planId())))).item(), "jobId");
            if (takenBy == null) {
                throw held;
            }
            return job(tenantId, takenBy);
        }
    }

    @Override
    public Optional<ReclaimJob> job(String tenantId, String jobId) {
        if (!ReclaimJob.wellFormed(jobId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.reclaimJob(jobId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(job(item));
    }

    @Override
    public Optional<String> jobOfKey(String tenantId, String idempotencyKey) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.reclaimJobKey(idempotencyKey)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(str(item, "jobId"));
    }

    @Override
    public void markEnqueued(String tenantId, String jobId) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.reclaimJob(jobId)))
                .updateExpression("SET enqueued = :t").conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
    }

    @Override
    public boolean requestCancel(String tenantId, String jobId) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.reclaimJob(jobId)))
                    .updateExpression("SET cancelRequested = :t").conditionExpression("#s = :running")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":running", s(ReclaimJob.RUNNING))));
            return true;
        } catch (ConditionalCheckFailedException notRunning) {
            return false;
        }
    }

    @Override
    public int recordResults(String tenantId, String jobId, List<JobUserResult> results) {
        if (results.isEmpty()) {
            return 0;
        }
        ReclaimJob.Counts delta = new ReclaimJob.Counts(0, 0, 0, 0, 0, 0, 0, 0, null);
        List<TransactWriteItem> writes = new ArrayList<>();
        for (JobUserResult result : results) {
            delta = result.addTo(delta);
            writes.add(resultPut(tenantId, jobId, result));
        }
        writes.add(counterUpdate(tenantId, jobId, delta));
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
            return results.size();
        } catch (TransactionCanceledException cancelled) {
            if (results.size() == 1) {
                if (conditionFailedOnTheResult(cancelled)) {
                    return 0;
                }
                // Nothing was written (a concurrent write of the job item, say): the step fails and is delivered again.
                throw cancelled;
            }
            // One of them has a result already (a redelivery) or the write conflicted: nothing was written; each alone.
            int written = 0;
            for (JobUserResult result : results) {
                written += recordResults(tenantId, jobId, List.of(result));
            }
            return written;
        }
    }

    private static boolean conditionFailedOnTheResult(TransactionCanceledException cancelled) {
        return !cancelled.cancellationReasons().isEmpty() && "ConditionalCheckFailed".equals(cancelled.cancellationReasons().get(0).code());
    }

    /** The user's result, only if it has none. */
    private TransactWriteItem resultPut(String tenantId, String jobId, JobUserResult result) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.reclaimJobUserPrefix(jobId) + result.accountId()));
        item.put("kind", s("reclaim-job-user"));
        item.put("outcome", s(result.outcome()));
        item.put("result", s(toJson(result)));
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")).build();
    }

    /** The job's counters moved by {@code delta}. */
    private TransactWriteItem counterUpdate(String tenantId, String jobId, ReclaimJob.Counts delta) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":done", n(delta.done()));
        values.put(":freed", n(delta.freed()));
        values.put(":failed", n(delta.failed()));
        values.put(":skipped", n(delta.skipped()));
        values.put(":cancelled", n(delta.cancelled()));
        values.put(":seats", n(delta.seats()));
        String expression = "ADD done :done, freed :freed, failed :failed, skipped :skipped, cancelled :cancelled, seats :seats";
        if (delta.monthlyCost() != null) {
            values.put(":cost", AttributeValue.fromN(delta.monthlyCost().toPlainString()));
            expression += ", monthlyCost :cost";
        }
        String update = expression;
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, TableKeys.reclaimJob(jobId)))
                .updateExpression(update).conditionExpression("attribute_exists(pk)").expressionAttributeValues(values)).build();
    }

    @Override
    public Map<String, JobUserResult> results(String tenantId, String jobId, Collection<String> accountIds) {
        String prefix = TableKeys.reclaimJobUserPrefix(jobId);
        List<Map<String, AttributeValue>> keys = accountIds.stream().distinct().map(id -> key(tenantId, prefix + id)).toList();
        Map<String, JobUserResult> found = new HashMap<>();
        reader.read(keys, k -> k.consistentRead(true), item -> {
            JobUserResult result = fromJson(str(item, "result"), new TypeReference<JobUserResult>() {});
            found.put(result.accountId(), result);
        });
        return found;
    }

    @Override
    public Page<JobUserResult> results(String tenantId, String jobId, String afterAccountId, int limit) {
        String prefix = TableKeys.reclaimJobUserPrefix(jobId);
        QueryResponse response = dynamo.query(r -> {
            r.tableName(table).limit(limit).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":p", s(prefix)));
            if (afterAccountId != null) {
                r.exclusiveStartKey(key(tenantId, prefix + afterAccountId));
            }
        });
        List<JobUserResult> results = new ArrayList<>();
        response.items().forEach(item -> results.add(fromJson(str(item, "result"), new TypeReference<JobUserResult>() {})));
        boolean more = response.lastEvaluatedKey() != null && !response.lastEvaluatedKey().isEmpty() && !results.isEmpty();
        return new Page<>(results, more ? results.get(results.size() - 1).accountId() : null);
    }

    @Override
    public boolean finish(String tenantId, ReclaimJob finished) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.reclaimJob(finished.id())))
                    .updateExpression("SET #s = :status, finishedAt = :at").conditionExpression("#s = :running")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":status", s(finished.status()), ":at", s(finished.finishedAt().toString()),
                            ":running", s(ReclaimJob.RUNNING))));
            return true;
        } catch (ConditionalCheckFailedException notRunning) {
            return false;
        }
    }

    @Override
    public Page<ReclaimJob> list(String tenantId, String afterJobId, int limit) {
        QueryResponse response = dynamo.query(r -> {
            r.tableName(table).scanIndexForward(false).limit(limit).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":p", s(TableKeys.RECLAIM_JOB_PREFIX)));
            if (afterJobId != null) {
                r.exclusiveStartKey(key(tenantId, TableKeys.reclaimJob(afterJobId)));
            }
        });
        List<ReclaimJob> jobs = response.items().stream().map(DynamoReclaimJobs::job).toList();
        boolean more = response.lastEvaluatedKey() != null && !response.lastEvaluatedKey().isEmpty() && !jobs.isEmpty();
        return new Page<>(jobs, more ? jobs.get(jobs.size() - 1).id() : null);
    }

    private static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T fromJson(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored reclaim job item could not be read", e);
        }
    }
}
