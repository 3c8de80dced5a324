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
     * Puts {@code units} of items, then {@code last} (null: none), which is stored only once all of them are. Fenced:
     * each unit in one transaction (never split), {@code last} in the last of them; unfenced: batch writes, then
     * {@code last} by a put of its own.
     */
    void putUnitsThen(List<List<Map<String, AttributeValue>>> units, Map<String, AttributeValue> last) {
        if (fence != null) {
            fence.putUnits(units, last, null, Map.of());
        } else {
            writer.write(units.stream().flatMap(List::stream).map(BatchWriter::put).toList());
            if (last != null) {
                dynamo.putItem(r -> r.tableName(table).item(last));
            }
        }
    }

    /**
     * {@link #putUnitsThen}, each item created only where none is stored: throws {@link ConditionalCheckFailedException}
     * when one is (the transactions before the one that met it are written, {@code last} is not). Fenced stores only (a plain batch write takes
     * no condition): false, nothing written, when this one is not.
     */
    boolean createUnitsThen(List<List<Map<String, AttributeValue>>> units, Map<String, AttributeValue> last) {
        if (fence == null) {
            return false;
        }
        fence.putUnits(units, last, "attribute_not_exists(" + TableKeys.PK + ")", Map.of());
        return true;
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
