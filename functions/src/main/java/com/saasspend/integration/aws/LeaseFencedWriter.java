package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.atlassian.InvocationDeadline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
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
    /**
     * Transactions of one {@link #putUnits} in flight at a time. DynamoDB runs them side by side; moto serves one at a
     * time, but the next one is marshalled and sent while it works.
     */
    static final int LANES = 2;
    /** The lanes' threads beyond the caller's: daemons, idle between invocations (a Lambda runs one at a time). */
    private static final ExecutorService LANE_THREADS = Executors.newCachedThreadPool(work -> {
        Thread t = new Thread(work, "lease-fenced-lane");
        t.setDaemon(true);
        return t;
    });

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
     * user item are stored together or not at all), up to {@link #LANES} transactions at a time; then {@code last}
     * (null: none) in a transaction sent only once all the others are stored. Each item is also subject to
     * {@code condition} (null: none). On the first failure no further transaction is sent (those already sent are
     * waited for), {@code last} is not written, and the failure is thrown as {@link #send} throws it (a lost lease
     * first); the units' transactions that were sent may be stored.
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
        List<TransactWriteItem> lastChunk = null;
        if (last != null) {
            if (!actions.isEmpty() && actions.size() < CHUNK && bytes + size(last) <= MAX_BYTES) {
                actions.add(put(last, condition, values));
                lastChunk = actions;
            } else {
                lastChunk = List.of(put(last, condition, values));
                if (!actions.isEmpty()) {
                    chunks.add(actions);
                }
            }
        } else if (!actions.isEmpty()) {
            chunks.add(actions);
        }
        sendInLanes(chunks);
        if (lastChunk != null) {
            send(lastChunk);
        }
    }

    /**
     * The units with each key kept at its last write only (as in a sequence of puts), since no two writes of one put may
     * touch an item twice; {@code last} wins over them all.
     */
    private static List<List<Map<String, AttributeValue>>> lastWriteOfEachKey(List<List<Map<String, AttributeValue>>> units,
                                                                                Map<String, AttributeValue> last) {
        Map<String, Integer> lastUnit = new java.util.HashMap<>();
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

    /**
     * Sends the transactions, up to {@link #LANES} at a time (this thread is one lane), each lane in order; answers once
     * all are stored. The first failure stops every lane before its next transaction and is thrown once both lanes
     * stopped (nothing is left running).
     */
    private void sendInLanes(List<List<TransactWriteItem>> chunks) {
        if (chunks.size() < 2) {
            chunks.forEach(this::send);
            return;
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int lane = 1; lane < Math.min(LANES, chunks.size()); lane++) {
            int first = lane;
            others.add(CompletableFuture.runAsync(() -> sendLane(chunks, first, failure), InvocationDeadline.carriedBy(LANE_THREADS)));
        }
        sendLane(chunks, 0, failure);
        for (CompletableFuture<Void> other : others) {
            // Bounded: a lane stops at the failure flag, and each of its transactions is bounded by the client's timeouts.
            other.join();
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    private void sendLane(List<List<TransactWriteItem>> chunks, int first, AtomicReference<RuntimeException> failure) {
        for (int i = first; i < chunks.size() && failure.get() == null; i += LANES) {
            try {
                send(chunks.get(i));
            } catch (RuntimeException e) {
                // A lost lease is what the caller must hear first: it says why the others failed too.
                failure.accumulateAndGet(e, (was, now) -> was == null || (now instanceof SyncFencedOut && !(was instanceof SyncFencedOut)) ? now : was);
                return;
            }
        }
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
        // One transaction may not touch an item twice: the last write of a key wins, as in a sequence of puts.
        Map<String, Map<String, AttributeValue>> byKey = new LinkedHashMap<>();
        items.forEach(item -> byKey.put(key(item), item));
        List<TransactWriteItem> actions = new ArrayList<>();
        long bytes = 0;
        for (Map<String, AttributeValue> item : byKey.values()) {
            long size = size(item);
            if (!actions.isEmpty() && (actions.size() == CHUNK || bytes + size > MAX_BYTES)) {
                send(actions);
                actions = new ArrayList<>();
                bytes = 0;
            }
            actions.add(put(item, condition, values));
            bytes += size;
        }
        if (!actions.isEmpty()) {
            send(actions);
        }
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
