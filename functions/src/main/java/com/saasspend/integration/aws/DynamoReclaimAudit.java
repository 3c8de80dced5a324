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
import com.saasspend.integration.domain.reclaim.ReclaimBaseline;
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
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Reclaim audit items in the tenant partition: {@code TENANT#t / RECLAIM#<createdAt>#<id>}, the record as JSON
 * plus the few attributes an operator filters on, the run's baseline and its lease ({@code leaseUntil}). createdAt is
 * written fixed-width so key order is time order. A record with work left is also listed as
 * {@code TENANT#t / RECLAIMOPEN#<id>}, written and deleted in the same transaction as the lease.
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

    private static Map<String, AttributeValue> key(String tenantId, String id) {
        return key(tenantId, id, ReclaimRecord.createdAtOf(id).orElseThrow(() -> new IllegalArgumentException("not a reclaim id")));
    }

    /** The open listing: one small item per record with work left, so the sweep reads only those. Ids sort by time. */
    private static Map<String, AttributeValue> openKey(String tenantId, String id) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.reclaimOpen(id)));
    }


    private static Map<String, AttributeValue> openItem(String tenantId, String id) {
        Map<String, AttributeValue> item = new HashMap<>(openKey(tenantId, id));
        item.put("kind", s("reclaim-open"));
        item.put("reclaimId", s(id));
        return item;
    }

    /** The record's attributes (everything but its key, baseline and lease). */
    private static Map<String, AttributeValue> attributes(ReclaimRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
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
        return item;
    }

    @Override
    public void start(String tenantId, ReclaimRecord record, ReclaimBaseline baseline, Instant leaseUntil) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, record.id(), record.createdAt()));
        item.putAll(attributes(record));
        item.put("baseline", s(toJson(baseline)));
        item.put("leaseUntil", s(FIXED.format(leaseUntil)));
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(openItem(tenantId, record.id()))).build()));
    }

    @Override
    public void put(String tenantId, ReclaimRecord record) {
        dynamo.updateItem(update(tenantId, record, false));
    }

    @Override
    public void settle(String tenantId, ReclaimRecord record) {
        UpdateItemRequest update = update(tenantId, record, true);
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().update(u -> u.tableName(table).key(update.key()).updateExpression(update.updateExpression())
                        .expressionAttributeNames(update.expressionAttributeNames())
                        .expressionAttributeValues(update.expressionAttributeValues())).build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table).key(openKey(tenantId, record.id()))).build()));
    }

    /** SET of the record's attributes, so the baseline and the lease written beside them stay (REMOVEs the lease on settle). */
    private UpdateItemRequest update(String tenantId, ReclaimRecord record, boolean freeLease) {
        Map<String, AttributeValue> attributes = attributes(record);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : new java.util.TreeMap<>(attributes).entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            sets.add("#a" + i + " = :v" + i);
            i++;
        }
        String expression = "SET " + String.join(", ", sets) + (freeLease ? " REMOVE leaseUntil" : "");
        return UpdateItemRequest.builder().tableName(table).key(key(tenantId, record.id(), record.createdAt()))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    @Override
    public boolean lease(String tenantId, String id, Instant now, Instant leaseUntil) {
        if (ReclaimRecord.createdAtOf(id).isEmpty()) {
            return false;
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, id))
                            .updateExpression("SET leaseUntil = :until")
                            .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)")
                            .expressionAttributeValues(Map.of(":until", s(FIXED.format(leaseUntil)), ":now", s(FIXED.format(now))))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(openItem(tenantId, id))).build()));
            return true;
        } catch (TransactionCanceledException held) {
            return false;
        }
    }

    @Override
    public Optional<ReclaimBaseline> baseline(String tenantId, String id) {
        if (ReclaimRecord.createdAtOf(id).isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenantId, id))
                .projectionExpression("baseline")).item();
        String json = item == null ? null : str(item, "baseline");
        try {
            return json == null ? Optional.empty() : Optional.of(Json.MAPPER.readValue(json, ReclaimBaseline.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored reclaim baseline could not be read", e);
        }
    }

    @Override
    public List<String> open(String tenantId, int limit) {
        QueryResponse response = dynamo.query(r -> r.tableName(table).limit(limit).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":p", s(TableKeys.RECLAIM_OPEN_PREFIX))));
        return response.items().stream().map(item -> str(item, "reclaimId")).toList();
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
