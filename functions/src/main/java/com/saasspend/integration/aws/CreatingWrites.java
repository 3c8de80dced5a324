package com.saasspend.integration.aws;

import com.saasspend.integration.domain.sync.SyncFence;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Puts of items that may create new ones, for the stores the syncs write through: plain puts, or, once fenced by a
 * sync's lease, transactions that check the lease first (so a sync that lost its lease creates nothing).
 */
final class CreatingWrites {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter writer;
    /** Null: unfenced (reclaim, user refresh). */
    private final LeaseFencedWriter fence;

    CreatingWrites(DynamoDbClient dynamo, String table, BatchWriter writer) {
        this(dynamo, table, writer, null);
    }

    private CreatingWrites(DynamoDbClient dynamo, String table, BatchWriter writer, LeaseFencedWriter fence) {
        this.dynamo = dynamo;
        this.table = table;
        this.writer = writer;
        this.fence = fence;
    }

    /** The same writes, each checking {@code fence} (the sync's lease) first. */
    CreatingWrites fencedBy(SyncFence syncFence) {
        return new CreatingWrites(dynamo, table, writer, new LeaseFencedWriter(dynamo, table, syncFence));
    }

    void putAll(List<Map<String, AttributeValue>> items) {
        if (fence != null) {
            fence.put(items);
        } else {
            writer.write(items.stream().map(BatchWriter::put).toList());
        }
    }

    /**
     * Puts {@code items}, then {@code last}, which is stored only once all of them are: fenced, in the same transaction
     * as the last of them (no write of its own); unfenced, by a put of its own after them.
     */
    void putAllThen(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> last) {
        if (fence != null) {
            fence.put(followedBy(items, last));
        } else {
            writer.write(items.stream().map(BatchWriter::put).toList());
            dynamo.putItem(r -> r.tableName(table).item(last));
        }
    }

    /**
     * {@link #putAllThen}, each item created only where none is stored: throws {@link ConditionalCheckFailedException}
     * when one is (the transactions before the one that met it are written). Fenced stores only (a plain batch write
     * takes no condition): false, nothing written, when this one is not.
     */
    boolean createAllThen(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> last) {
        if (fence == null) {
            return false;
        }
        fence.put(followedBy(items, last), "attribute_not_exists(" + TableKeys.PK + ")", Map.of());
        return true;
    }

    private static List<Map<String, AttributeValue>> followedBy(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> last) {
        List<Map<String, AttributeValue>> all = new java.util.ArrayList<>(items);
        all.add(last);
        return all;
    }

    void putOne(Map<String, AttributeValue> item) {
        if (fence != null) {
            fence.put(List.of(item));
        } else {
            dynamo.putItem(r -> r.tableName(table).item(item));
        }
    }

    /** A conditional put; throws {@link ConditionalCheckFailedException} when {@code condition} does not hold. */
    void putOne(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        if (fence != null) {
            fence.put(List.of(item), condition, values);
        } else {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression(condition).expressionAttributeValues(values));
        }
    }
}
