package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Puts items only while a sync lease is held: each TransactWriteItems checks the lease item ({@code SYNCSTATE},
 * {@code leaseOwner = owner}) and writes up to 99 items, all or nothing. A disconnect deletes the lease item before
 * it erases the data (with strongly consistent reads), so a write either committed before the erase began (and is
 * erased) or is refused: no page written by a fenced-out sync survives, whatever the timing. Transactional writes
 * cost twice the write units of plain ones; syncs write only what changed, so the cost stays small.
 */
final class LeaseFencedWriter {
    /** TransactWriteItems takes 100 actions; one is the lease check. */
    private static final int CHUNK = 99;
    /** TransactWriteItems takes 4 MB; big product groups are written in ~90 KB buckets, so split by size too. */
    private static final long MAX_BYTES = 3_500_000;
    /**
     * A transaction also cancels on a conflict with a concurrent write to one of its items (a reclaim), or when
     * throttled: try again after a {@link Backoff} wait, a bounded number of times.
     */
    static final int ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final SyncFence fence;
    private final Backoff backoff;

    LeaseFencedWriter(DynamoDbClient dynamo, String table, SyncFence fence) {
        this(dynamo, table, fence, Backoff.forInvocation());
    }

    LeaseFencedWriter(DynamoDbClient dynamo, String table, SyncFence fence, Backoff backoff) {
        this.dynamo = dynamo;
        this.table = table;
        this.fence = fence;
        this.backoff = backoff;
    }

    void put(List<Map<String, AttributeValue>> items) {
        put(items, null, Map.of());
    }

    /**
     * Puts {@code units} of items, each unit in one transaction (never split across two: a user's index items and its
     * user item are stored together or not at all), one transaction after another; then {@code last} (null: none)
     * in the transaction of the last units, or one of its own after them. Each item is also subject to
     * {@code condition} (null: none). A failure is thrown as {@link #send} throws it: the transactions before it are
     * stored, the rest (and {@code last}) are not.
     */
    void putUnits(List<List<Map<String, AttributeValue>>> units, Map<String, AttributeValue> last, String condition,
                  Map<String, AttributeValue> values) {
        List<List<TransactWriteItem>> chunks = new ArrayList<>();
        List<TransactWriteItem> actions = new ArrayList<>();
        long bytes = 0;
        for (List<Map<String, AttributeValue>> unit : lastWriteOfEachKey(units, last)) {
            long unitBytes = unit.stream().mapToLong(LeaseFencedWriter::size).sum();
            if (!actions.isEmpty() && (actions.size() + unit.size() > CHUNK || bytes + unitBytes > MAX_BYTES)) {
                chunks.add(actions);
                actions = new ArrayList<>();
                bytes = 0;
            }
            for (Map<String, AttributeValue> item : unit) {
                if (actions.size() == CHUNK) {
                    // A unit larger than a transaction (none a sync writes) is split where it must be.
                    chunks.add(actions);
                    actions = new ArrayList<>();
                    bytes = 0;
                }
                actions.add(put(item, condition, values));
            }
            bytes += unitBytes;
        }
        if (last != null) {
            if (!actions.isEmpty() && (actions.size() == CHUNK || bytes + size(last) > MAX_BYTES)) {
                chunks.add(actions);
                actions = new ArrayList<>();
            }
            actions.add(put(last, condition, values));
        }
        if (!actions.isEmpty()) {
            chunks.add(actions);
        }
        chunks.forEach(this::send);
    }

    /**
     * The units with each key kept at its last write only (as in a sequence of puts), since no two writes of one put may
     * touch an item twice; {@code last} wins over them all.
     */
    private static List<List<Map<String, AttributeValue>>> lastWriteOfEachKey(List<List<Map<String, AttributeValue>>> units,
                                                                                Map<String, AttributeValue> last) {
        Map<String, Integer> lastUnit = new HashMap<>();
        for (int u = 0; u < units.size(); u++) {
            for (Map<String, AttributeValue> item : units.get(u)) {
                lastUnit.put(key(item), u);
            }
        }
        if (last != null) {
            lastUnit.put(key(last), units.size());
        }
        List<List<Map<String, AttributeValue>>> kept = new ArrayList<>();
        for (int u = 0; u < units.size(); u++) {
            Map<String, Map<String, AttributeValue>> byKey = new LinkedHashMap<>();
            for (Map<String, AttributeValue> item : units.get(u)) {
                if (lastUnit.get(key(item)) == u) {
                    byKey.put(key(item), item);
                }
            }
            if (!byKey.isEmpty()) {
                kept.add(List.copyOf(byKey.values()));
            }
        }
        return kept;
    }

    private static String key(Map<String, AttributeValue> item) {
        return item.get(TableKeys.PK).s() + "\n" + item.get(TableKeys.SK).s();
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (condition != null) {
            put.conditionExpression(condition);
            if (!values.isEmpty()) {
                // DynamoDB refuses an empty map of values.
                put.expressionAttributeValues(values);
            }
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    /**
     * Puts items, each also subject to {@code condition} (null: none); a failed item condition throws
     * ConditionalCheckFailedException as a plain conditional put would.
     */
    void put(List<Map<String, AttributeValue>> items, String condition, Map<String, AttributeValue> values) {
        // Each item a unit of its own: packed as many to a transaction as fit.
        putUnits(items.stream().map(List::of).toList(), null, condition, values);
    }

    /** Roughly what DynamoDB counts: names and values, strings by their UTF-16 length (close enough below the limit). */
    private static long size(Map<String, AttributeValue> item) {
        long total = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            total += e.getKey().length() + size(e.getValue());
        }
        return total;
    }

    private static long size(AttributeValue value) {
        if (value.s() != null) {
            return value.s().length() * 2L;
        }
        if (value.n() != null) {
            return value.n().length();
        }
        if (value.hasM()) {
            return 3 + size(value.m());
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToLong(LeaseFencedWriter::size).sum();
        }
        return 1;
    }

    private TransactWriteItem leaseCheck() {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(Map.of(TableKeys.PK, s(TableKeys.tenant(fence.tenantId())),
                        TableKeys.SK, s(TableKeys.syncState(fence.type().id()))))
                .conditionExpression("leaseOwner = :o")
                .expressionAttributeValues(Map.of(":o", s(fence.owner()))).build()).build();
    }

    /**
     * Sends the writes (at most 99) behind the lease check, all or nothing; answers once they are stored. A failed
     * condition of one of them throws ConditionalCheckFailedException; a lost lease, {@link SyncFencedOut}.
     */
    void send(List<TransactWriteItem> puts) {
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(leaseCheck());
        actions.addAll(puts);
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(actions));
                return;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (reasons != null && !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    throw new SyncFencedOut("The sync no longer holds its lease (the integration was disconnected, "
                            + "or another invocation took over); it stopped without writing.");
                }
                if (reasons != null && reasons.stream().skip(1).anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                    throw ConditionalCheckFailedException.builder().message("an item's condition failed").build();
                }
                if (attempt >= ATTEMPTS) {
                    throw cancelled;
                }
                try {
                    backoff.beforeAttempt(attempt + 1, "a transaction of " + puts.size() + " writes was cancelled (not written)");
                } catch (IllegalStateException noTime) {
                    noTime.addSuppressed(cancelled);
                    throw noTime;
                }
            }
        }
    }
}
