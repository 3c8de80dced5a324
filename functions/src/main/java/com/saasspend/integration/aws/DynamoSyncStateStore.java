package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncCheckpoint;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@code TENANT#t / SYNCSTATE#type}: the running sync's checkpoint plus a lease (owner, until) taken with a
 * conditional write; {@code TENANT#t / SYNCRUN#type#startedAt#runId}: the history of runs.
 */
public final class DynamoSyncStateStore implements SyncStateStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSyncStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private Map<String, AttributeValue> key(String tenantId, IntegrationType type) {
        return Items.integrationKey(tenantId, TableKeys.syncState(type.id()));
    }

    @Override
    public Optional<SyncCheckpoint> checkpoint(String tenantId, IntegrationType type) {
        String json = str(Items.readConsistently(dynamo, table, key(tenantId, type)), "checkpoint");
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(json, SyncCheckpoint.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored sync checkpoint is unreadable", e);
        }
    }

    @Override
    public boolean acquire(String tenantId, IntegrationType type, String owner, Instant until, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, type))
                    .updateExpression("SET leaseOwner = :o, leaseUntil = :u")
                    .conditionExpression("attribute_not_exists(leaseOwner) OR leaseUntil < :now OR leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":o", s(owner), ":u", n(until.toEpochMilli()), ":now", n(now.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    @Override
    public boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil) {
        try {
            String json = Json.MAPPER.writeValueAsString(checkpoint);
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, type))
                    .updateExpression("SET #c = :c, leaseUntil = :u")
                    .conditionExpression("leaseOwner = :o")
                    .expressionAttributeNames(Map.of("#c", "checkpoint"))
                    .expressionAttributeValues(Map.of(":c", s(json), ":u", n(leaseUntil.toEpochMilli()), ":o", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean renew(String tenantId, IntegrationType type, String owner, Instant leaseUntil) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, type))
                    .updateExpression("SET leaseUntil = :u")
                    .conditionExpression("leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":u", n(leaseUntil.toEpochMilli()), ":o", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public Optional<Lease> lease(String tenantId, IntegrationType type) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenantId, type))
                .projectionExpression("leaseOwner, leaseUntil, #c").expressionAttributeNames(Map.of("#c", "checkpoint"))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        long until = Items.num(item, "leaseUntil", -1);
        return Optional.of(new Lease(str(item, "leaseOwner"), until < 0 ? null : Instant.ofEpochMilli(until)));
    }

    @Override
    public void finish(String tenantId, IntegrationType type, String owner, SyncRunRecord run) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.tenant(tenantId)));
        item.put(TableKeys.SK, s(TableKeys.syncRun(type.id(), String.valueOf(run.startedAt()), run.runId())));
        item.put("kind", s("syncRun"));
        try {
            item.put("run", s(Json.MAPPER.writeValueAsString(run)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        item.put("outcome", s(run.outcome()));
        item.put("finishedAt", s(run.finishedAt().toString()));
        // Run history is operational data: it expires after 90 days (TTL attribute of the table).
        item.put("expiresAt", n(run.finishedAt().plusSeconds(90L * 24 * 3600).getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, type))
                    .conditionExpression("leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":o", s(owner))));
        } catch (ConditionalCheckFailedException lost) {
            // Another invocation took over after our lease expired; its own finish cleans up.
        }
    }

    @Override
    public void release(String tenantId, IntegrationType type, String owner) {
        try {
            // No checkpoint to keep (a run that did not start): leave no item behind.
            dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, type))
                    .conditionExpression("leaseOwner = :o AND attribute_not_exists(#c)")
                    .expressionAttributeNames(Map.of("#c", "checkpoint"))
                    .expressionAttributeValues(Map.of(":o", s(owner))));
            return;
        } catch (ConditionalCheckFailedException hasCheckpointOrNotOurs) {
            // Keep the checkpoint for the continuation; drop only the lease.
        }
        try {
            // leaseUntil becomes when it was given back: the Integrations page tells a continuation on its way
            // from a run nobody resumed.
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, type))
                    .updateExpression("REMOVE leaseOwner SET leaseUntil = :now")
                    .conditionExpression("leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":o", s(owner), ":now", n(Instant.now().toEpochMilli()))));
        } catch (ConditionalCheckFailedException notOurs) {
            // Nothing to release.
        }
    }

    /** The most recent runs of an integration, newest first. */
    public java.util.List<SyncRunRecord> recentRuns(String tenantId, IntegrationType type, int limit) {
        java.util.List<SyncRunRecord> runs = new java.util.ArrayList<>();
        dynamo.query(r -> r.tableName(table).scanIndexForward(false).limit(limit)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":p", s(TableKeys.syncRunPrefix(type.id())))))
                .items().forEach(item -> {
                    try {
                        runs.add(Json.MAPPER.readValue(str(item, "run"), SyncRunRecord.class));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                });
        return runs;
    }
}
