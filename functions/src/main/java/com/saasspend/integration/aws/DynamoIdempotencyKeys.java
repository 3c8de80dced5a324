package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.reclaim.IdempotencyKeys;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Idempotency keys as items {@code TENANT#t / IDEMPOTENCY#key}: the request's fingerprint, when it started, the id of
 * the reclaim it started (so a retry after a crash finishes that one), and once done the answer (the reclaim record as JSON). {@code expiresAt} (epoch seconds) is the table's TTL attribute.
 */
public final class DynamoIdempotencyKeys implements IdempotencyKeys {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoIdempotencyKeys(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String tenantId, String key) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.idempotency(key)));
    }

    @Override
    public Optional<Held> claim(String tenantId, String key, String fingerprint, String reclaimId, Instant now, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, key));
        item.put("kind", s("idempotency"));
        item.put("fingerprint", s(fingerprint));
        item.put("startedAt", s(now.toString()));
        item.put("reclaimId", s(reclaimId));
        item.put("expiresAt", Items.n(expiresAt.getEpochSecond()));
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                // TTL sweeps lazily: an expired item may still be there, and is fair game.
                dynamo.putItem(r -> r.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                        .expressionAttributeValues(Map.of(":now", Items.n(now.getEpochSecond()))));
                return Optional.empty();
            } catch (ConditionalCheckFailedException held) {
                Map<String, AttributeValue> existing = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                        .key(key(tenantId, key))).item();
                if (existing != null && !existing.isEmpty()) {
                    String answer = str(existing, "answer");
                    return Optional.of(new Held(str(existing, "fingerprint"), Instant.parse(str(existing, "startedAt")),
                            str(existing, "reclaimId"), answer == null ? null : DynamoReclaimAudit.fromJson(answer)));
                }
                // Released between our put and our read: try again.
            }
        }
        throw new IllegalStateException("The idempotency key kept changing hands");
    }

    @Override
    public boolean takeOver(String tenantId, String key, Instant heldSince, Instant now, Instant expiresAt) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, key))
                    .updateExpression("SET startedAt = :now, expiresAt = :exp")
                    .conditionExpression("startedAt = :since AND attribute_not_exists(answer)")
                    .expressionAttributeValues(Map.of(":now", s(now.toString()), ":exp", Items.n(expiresAt.getEpochSecond()),
                            ":since", s(heldSince.toString()))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public void complete(String tenantId, String key, com.saasspend.integration.domain.reclaim.ReclaimRecord answer) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, key))
                .updateExpression("SET answer = :answer")
                .expressionAttributeValues(Map.of(":answer", s(DynamoReclaimAudit.toJson(answer)))));
    }

    @Override
    public void release(String tenantId, String key) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, key)));
    }
}
