package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.ReclaimAudit;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reclaim audit items in the tenant partition: {@code TENANT#t / RECLAIM#<createdAt>#<id>}, the record as JSON
 * plus the few attributes an operator filters on. createdAt is written fixed-width so key order is time order.
 * List cursors are base64url of the last key, accepted only for the caller's own partition.
 */
public final class DynamoReclaimAudit implements ReclaimAudit {
    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoReclaimAudit(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String tenantId, String id, Instant createdAt) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.reclaim(FIXED.format(createdAt), id)));
    }

    @Override
    public void put(String tenantId, ReclaimRecord record) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, record.id(), record.createdAt()));
        item.put("kind", s("reclaim"));
        item.put("reclaimId", s(record.id()));
        item.put("accountId", s(record.accountId()));
        putIfPresent(item, "requestedBy", record.requestedBy());
        item.put("createdAt", s(record.createdAt().toString()));
        item.put("status", s(record.status()));
        if (record.undo() != null) {
            item.put("undoStatus", s(record.undo().status()));
            item.put("undoneAt", s(record.undo().undoneAt().toString()));
        }
        item.put("record", s(toJson(record)));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<ReclaimRecord> find(String tenantId, String id) {
        Optional<Instant> createdAt = ReclaimRecord.createdAtOf(id);
        if (createdAt.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, id, createdAt.get()))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromJson(str(item, "record")));
    }

    @Override
    public Page<ReclaimRecord> list(String tenantId, String cursor, int limit) {
        String pk = TableKeys.tenant(tenantId);
        Map<String, AttributeValue> start = cursor == null ? null : decodeCursor(cursor, pk);
        QueryResponse response = dynamo.query(r -> {
            r.tableName(table).scanIndexForward(false).limit(limit)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":p", s(TableKeys.RECLAIM_PREFIX)));
            if (start != null) {
                r.exclusiveStartKey(start);
            }
        });
        List<ReclaimRecord> records = new ArrayList<>();
        response.items().forEach(item -> records.add(fromJson(str(item, "record"))));
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        return new Page<>(records, last == null || last.isEmpty() ? null : encodeCursor(last));
    }

    @Override
    public boolean claimUndo(String tenantId, String id, Instant now, Instant staleBefore) {
        Optional<Instant> createdAt = ReclaimRecord.createdAtOf(id);
        if (createdAt.isEmpty()) {
            return false;
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, id, createdAt.get()))
                    .updateExpression("SET undoStatus = :running, undoStartedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(undoStatus) "
                            + "OR (undoStatus = :running AND undoStartedAt < :stale))")
                    .expressionAttributeValues(Map.of(":running", s(ReclaimRecord.IN_PROGRESS), ":now", s(FIXED.format(now)),
                            ":stale", s(FIXED.format(staleBefore)))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    private static String encodeCursor(Map<String, AttributeValue> last) {
        String json = toJson(Map.of("pk", last.get(TableKeys.PK).s(), "sk", last.get(TableKeys.SK).s()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A cursor names a key; only a reclaim key of the caller's own partition is accepted. */
    private static Map<String, AttributeValue> decodeCursor(String cursor, String pk) {
        try {
            JsonNode node = Json.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            String cursorPk = node.path("pk").asText("");
            String cursorSk = node.path("sk").asText("");
            if (cursorPk.equals(pk) && cursorSk.startsWith(TableKeys.RECLAIM_PREFIX) && node.size() == 2) {
                return Map.of(TableKeys.PK, s(cursorPk), TableKeys.SK, s(cursorSk));
            }
        } catch (IllegalArgumentException | JsonProcessingException malformed) {
            // Falls through to the refusal.
        }
        throw new Refusal(Refusal.Kind.INVALID, "invalid_cursor",
                "The cursor is not one this list handed out; start again without a cursor.",
                List.of(new Refusal.Field("cursor", "is not valid")), null);
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ReclaimRecord fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, ReclaimRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored reclaim record could not be read", e);
        }
    }
}
