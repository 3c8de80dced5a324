package com.saasspend.atlassian.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Computes the DynamoDB capacity a client consumes, by item kind (the sort key's prefix: USER, GROUP, DIGEST, ...),
 * from item sizes by DynamoDB's rules. moto reports no ConsumedCapacity, hence the computation.
 *
 * <p>Rules: a write costs ceil(size / 1 KB) per item, size being the larger of the item before and after (a failed
 * conditional write costs the same); GetItem/BatchGetItem cost ceil(size / 4 KB) per item, half when eventually
 * consistent; Query/Scan cost ceil(sum of sizes / 4 KB) per page, half when eventually consistent. Reads are charged
 * on the whole item even with a projection; TransactWriteItems costs twice a plain write for every item in it,
 * condition checks included (the lease fence of every sync write). What requests and responses do not show (the stored item before a write,
 * the item after an UpdateItem, the whole item behind a projection) is read through {@code sizer}, an unmetered
 * client, outside the timed part of the call. Without a sizer those are estimated (1 unit) and counted as estimates.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench.started");
    private static final ExecutionAttribute<Map<Key, Long>> BEFORE = new ExecutionAttribute<>("bench.before");

    private record Key(String table, Map<String, AttributeValue> key) {}

    /** Capacity and items by kind of item. */
    public record Tally(long itemsWritten, double writeUnits, long itemsRead, double readUnits) {
        static final Tally ZERO = new Tally(0, 0, 0, 0);

        Tally plus(Tally o) {
            return new Tally(itemsWritten + o.itemsWritten, writeUnits + o.writeUnits, itemsRead + o.itemsRead, readUnits + o.readUnits);
        }

        Tally minus(Tally o) {
            return new Tally(itemsWritten - o.itemsWritten, writeUnits - o.writeUnits, itemsRead - o.itemsRead, readUnits - o.readUnits);
        }
    }

    /** What was consumed up to a moment; subtract two to get what happened in between. */
    public record Snapshot(Map<String, Tally> byKind, Map<String, Long> callsByOperation, long dynamoNanos,
                           long estimatedUnits, long conditionalFailures, long sizingNanos, Map<String, Long> nanosByOperation) {
        public Snapshot minus(Snapshot earlier) {
            Map<String, Tally> kinds = new TreeMap<>(byKind);
            earlier.byKind.forEach((k, t) -> kinds.merge(k, Tally.ZERO.minus(t), Tally::plus));
            Map<String, Long> ops = new TreeMap<>(callsByOperation);
            earlier.callsByOperation.forEach((k, n) -> ops.merge(k, -n, Long::sum));
            kinds.values().removeIf(t -> t.equals(Tally.ZERO));
            ops.values().removeIf(n -> n == 0);
            Map<String, Long> nanos = new TreeMap<>(nanosByOperation);
            earlier.nanosByOperation.forEach((k, n) -> nanos.merge(k, -n, Long::sum));
            nanos.keySet().retainAll(ops.keySet());
            return new Snapshot(kinds, ops, dynamoNanos - earlier.dynamoNanos, estimatedUnits - earlier.estimatedUnits,
                    conditionalFailures - earlier.conditionalFailures, sizingNanos - earlier.sizingNanos, nanos);
        }

        public Tally kind(String kind) {
            return byKind.getOrDefault(kind, Tally.ZERO);
        }

        public Tally total() {
            return byKind.values().stream().reduce(Tally.ZERO, Tally::plus);
        }

        public long calls() {
            return callsByOperation.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final DynamoDbClient sizer;
    private final Map<String, Tally> byKind = new TreeMap<>();
    private final Map<String, Long> callsByOperation = new TreeMap<>();
    private final Map<String, Long> nanosByOperation = new TreeMap<>();
    private long dynamoNanos;
    private long estimatedUnits;
    private long conditionalFailures;
    /** Time the sizer's own reads took: not the product's, but inside a timed run's wall time (figure J subtracts it). */
    private final java.util.concurrent.atomic.AtomicLong sizingNanos = new java.util.concurrent.atomic.AtomicLong();

    /** Whether the sizer reads (off: estimated, as without one), so a timed run can go without the sizer's reads. */
    private volatile boolean sizing = true;

    /** {@code sizer}: an unmetered client on the same endpoint, or null to estimate what requests do not show. */
    public CapacityMeter(DynamoDbClient sizer) {
        this.sizer = sizer;
    }

    /** Turns the sizer's reads off (a timed run with concurrent callers, whose wall time they would lengthen) or on again. */
    public void sizing(boolean on) {
        sizing = on;
    }

    private boolean readsSizes() {
        return sizer != null && sizing;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(new TreeMap<>(byKind), new TreeMap<>(callsByOperation), dynamoNanos, estimatedUnits, conditionalFailures,
                sizingNanos.get(), new TreeMap<>(nanosByOperation));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        List<Key> keys = writtenKeys(context.request());
        if (readsSizes() && !keys.isEmpty()) {
            attributes.putAttribute(BEFORE, sizes(keys));
        }
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        long elapsed = System.nanoTime() - attributes.getAttribute(STARTED);
        Map<Key, Long> before = attributes.getAttribute(BEFORE);
        SdkRequest request = context.request();
        SdkResponse response = context.response();
        Map<String, Tally> consumed = new HashMap<>();
        long[] estimated = {0};
        if (request instanceof PutItemRequest put) {
            long size = Math.max(ItemSize.of(put.item()), before(before, put.tableName(), key(put.item()), estimated));
            add(consumed, kind(put.item()), new Tally(1, ItemSize.writeUnits(size), 0, 0));
        } else if (request instanceof UpdateItemRequest update) {
            long after;
            UpdateItemResponse answer = (UpdateItemResponse) response;
            if (readsSizes()) {
                after = sizes(List.of(new Key(update.tableName(), update.key()))).values().stream().findFirst().orElse(0L);
            } else if (answer.hasAttributes() && "ALL_NEW".equals(String.valueOf(update.returnValuesAsString()))) {
                after = ItemSize.of(answer.attributes());
            } else {
                after = 0;
                estimated[0]++;
            }
            long size = Math.max(after, before(before, update.tableName(), update.key(), estimated));
            add(consumed, kind(update.key()), new Tally(1, ItemSize.writeUnits(size), 0, 0));
        } else if (request instanceof DeleteItemRequest delete) {
            long size = before(before, delete.tableName(), delete.key(), estimated);
            add(consumed, kind(delete.key()), new Tally(1, ItemSize.writeUnits(size), 0, 0));
        } else if (request instanceof BatchWriteItemRequest batch) {
            Map<String, List<WriteRequest>> unprocessed = ((BatchWriteItemResponse) response).unprocessedItems();
            batch.requestItems().forEach((table, writes) -> {
                List<WriteRequest> skipped = unprocessed == null ? List.of() : unprocessed.getOrDefault(table, List.of());
                for (WriteRequest w : writes) {
                    if (skipped.contains(w)) {
                        continue;
                    }
                    if (w.putRequest() != null) {
                        Map<String, AttributeValue> item = w.putRequest().item();
                        long size = Math.max(ItemSize.of(item), before(before, table, key(item), estimated));
                        add(consumed, kind(item), new Tally(1, ItemSize.writeUnits(size), 0, 0));
                    } else if (w.deleteRequest() != null) {
                        long size = before(before, table, w.deleteRequest().key(), estimated);
                        add(consumed, kind(w.deleteRequest().key()), new Tally(1, ItemSize.writeUnits(size), 0, 0));
                    }
                }
            });
        } else if (request instanceof TransactWriteItemsRequest transaction) {
            transactionUnits(transaction, before, consumed, estimated, true);
        } else if (request instanceof GetItemRequest get) {
            Map<String, AttributeValue> item = ((GetItemResponse) response).item();
            boolean found = item != null && !item.isEmpty();
            long size = found ? ItemSize.of(item) : 0;
            if (found && get.projectionExpression() != null) {
                size = wholeSize(get.tableName(), get.key(), size, estimated);
            }
            add(consumed, kind(get.key()), new Tally(0, 0, found ? 1 : 0, ItemSize.readUnits(size, Boolean.TRUE.equals(get.consistentRead()))));
        } else if (request instanceof BatchGetItemRequest batchGet) {
            BatchGetItemResponse answer = (BatchGetItemResponse) response;
            batchGet.requestItems().forEach((table, wanted) -> batchGetUnits(table, wanted, answer, consumed, estimated));
        } else if (request instanceof QueryRequest query) {
            QueryResponse answer = (QueryResponse) response;
            boolean consistent = query.indexName() == null && Boolean.TRUE.equals(query.consistentRead());
            pageUnits(answer.items(), answer.scannedCount(), consistent, consumed);
        } else if (request instanceof ScanRequest scan) {
            ScanResponse answer = (ScanResponse) response;
            boolean consistent = scan.indexName() == null && Boolean.TRUE.equals(scan.consistentRead());
            pageUnits(answer.items(), answer.scannedCount(), consistent, consumed);
        }
        record(request, consumed, elapsed, estimated[0], false);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        long elapsed = started == null ? 0 : System.nanoTime() - started;
        Map<String, Tally> consumed = new HashMap<>();
        long[] estimated = {0};
        boolean conditional = context.exception() instanceof ConditionalCheckFailedException;
        if (conditional) {
            // A failed condition still costs the write: the larger of the stored item and the one offered.
            Map<Key, Long> before = attributes.getAttribute(BEFORE);
            SdkRequest request = context.request();
            if (request instanceof PutItemRequest put) {
                long size = Math.max(ItemSize.of(put.item()), before(before, put.tableName(), key(put.item()), estimated));
                add(consumed, kind(put.item()), new Tally(0, ItemSize.writeUnits(size), 0, 0));
            } else if (request instanceof UpdateItemRequest update) {
                add(consumed, kind(update.key()), new Tally(0, ItemSize.writeUnits(before(before, update.tableName(), update.key(), estimated)), 0, 0));
            } else if (request instanceof DeleteItemRequest delete) {
                add(consumed, kind(delete.key()), new Tally(0, ItemSize.writeUnits(before(before, delete.tableName(), delete.key(), estimated)), 0, 0));
            }
        }
        if (context.request() instanceof TransactWriteItemsRequest transaction
                && context.exception() instanceof TransactionCanceledException) {
            // A cancelled transaction is charged like a completed one (each item checked, nothing written).
            transactionUnits(transaction, attributes.getAttribute(BEFORE), consumed, estimated, false);
        }
        record(context.request(), consumed, elapsed, estimated[0], conditional);
    }

    /** Each item of a transaction: twice the write units of the larger of the stored item and the written one. */
    private void transactionUnits(TransactWriteItemsRequest transaction, Map<Key, Long> before, Map<String, Tally> consumed,
                                  long[] estimated, boolean written) {
        for (TransactWriteItem item : transaction.transactItems()) {
            Key key = transactionKey(item);
            long stored = before(before, key.table(), key.key(), estimated);
            long size = stored;
            if (item.put() != null) {
                size = Math.max(stored, ItemSize.of(item.put().item()));
            } else if (item.update() != null && written && readsSizes()) {
                size = Math.max(stored, sizes(List.of(key)).getOrDefault(key, 0L));
            }
            boolean writes = written && item.conditionCheck() == null;
            add(consumed, kind(key.key()), new Tally(writes ? 1 : 0, 2 * ItemSize.writeUnits(size), 0, 0));
        }
    }

    private static Key transactionKey(TransactWriteItem item) {
        if (item.put() != null) {
            return new Key(item.put().tableName(), key(item.put().item()));
        }
        if (item.update() != null) {
            return new Key(item.update().tableName(), item.update().key());
        }
        if (item.delete() != null) {
            return new Key(item.delete().tableName(), item.delete().key());
        }
        return new Key(item.conditionCheck().tableName(), item.conditionCheck().key());
    }

    private synchronized void record(SdkRequest request, Map<String, Tally> consumed, long elapsed, long estimated, boolean conditionalFailure) {
        String operation = request.getClass().getSimpleName().replace("Request", "");
        callsByOperation.merge(operation, 1L, Long::sum);
        nanosByOperation.merge(operation, elapsed, Long::sum);
        consumed.forEach((kind, tally) -> byKind.merge(kind, tally, Tally::plus));
        dynamoNanos += elapsed;
        estimatedUnits += estimated;
        if (conditionalFailure) {
            conditionalFailures++;
        }
    }

    /**
     * BatchGetItem is charged as one GetItem per key processed: the item's size, or the minimum for a key with no item.
     * Projected items may lack the key, so with a projection the whole items of the keys asked for are sized.
     */
    private void batchGetUnits(String table, KeysAndAttributes wanted, BatchGetItemResponse answer, Map<String, Tally> consumed, long[] estimated) {
        boolean consistent = Boolean.TRUE.equals(wanted.consistentRead());
        List<Map<String, AttributeValue>> returned = answer.responses().getOrDefault(table, List.of());
        KeysAndAttributes left = answer.unprocessedKeys() == null ? null : answer.unprocessedKeys().get(table);
        List<Key> processed = new ArrayList<>();
        for (Map<String, AttributeValue> k : wanted.keys()) {
            if (left == null || !left.keys().contains(k)) {
                processed.add(new Key(table, k));
            }
        }
        boolean projected = wanted.projectionExpression() != null || wanted.hasAttributesToGet();
        if (projected && readsSizes() && !returned.isEmpty()) {
            sizes(processed).forEach((k, size) -> add(consumed, kind(k.key()),
                    new Tally(0, 0, size > 0 ? 1 : 0, ItemSize.readUnits(size, consistent))));
            return;
        }
        // A projection may leave the keys out of the items returned: their kind is then the keys' asked for, when all share one.
        java.util.Set<String> askedKinds = new java.util.HashSet<>();
        processed.forEach(k -> askedKinds.add(kind(k.key())));
        for (Map<String, AttributeValue> item : returned) {
            if (projected && !readsSizes()) {
                estimated[0]++;
            }
            String kind = kind(item);
            add(consumed, kind.equals("?") && askedKinds.size() == 1 ? askedKinds.iterator().next() : kind,
                    new Tally(0, 0, 1, ItemSize.readUnits(ItemSize.of(item), consistent)));
        }
        int missing = processed.size() - returned.size();
        if (missing > 0) {
            add(consumed, kind(processed.get(0).key()), new Tally(0, 0, 0, missing * ItemSize.readUnits(0, consistent)));
        }
    }

    /** One Query/Scan page: units on the page's total size, shared among kinds by their bytes. */
    private static void pageUnits(List<Map<String, AttributeValue>> items, Integer scanned, boolean consistent, Map<String, Tally> consumed) {
        long total = 0;
        Map<String, long[]> bytesAndCount = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : items) {
            long size = ItemSize.of(item);
            total += size;
            long[] b = bytesAndCount.computeIfAbsent(kind(item), k -> new long[2]);
            b[0] += size;
            b[1]++;
        }
        double units = ItemSize.readUnits(total, consistent);
        if (bytesAndCount.isEmpty()) {
            add(consumed, "(empty page)", new Tally(0, 0, scanned == null ? 0 : scanned, units));
            return;
        }
        final long sum = Math.max(1, total);
        bytesAndCount.forEach((kind, b) -> add(consumed, kind, new Tally(0, 0, b[1], units * b[0] / sum)));
        if (scanned != null && scanned > items.size()) {
            add(consumed, "(filtered out)", new Tally(0, 0, scanned - items.size(), 0));
        }
    }

    private long before(Map<Key, Long> before, String table, Map<String, AttributeValue> key, long[] estimated) {
        if (before == null) {
            estimated[0]++;
            return 0;
        }
        return before.getOrDefault(new Key(table, key), 0L);
    }

    private long wholeSize(String table, Map<String, AttributeValue> key, long projected, long[] estimated) {
        if (!readsSizes()) {
            estimated[0]++;
            return projected;
        }
        return sizes(List.of(new Key(table, key))).getOrDefault(new Key(table, key), projected);
    }

    /** Sizes of the stored items with these keys (absent items: 0), read through the unmetered client. */
    private Map<Key, Long> sizes(List<Key> keys) {
        long started = System.nanoTime();
        try {
            return readSizes(keys);
        } finally {
            sizingNanos.addAndGet(System.nanoTime() - started);
        }
    }

    private Map<Key, Long> readSizes(List<Key> keys) {
        Map<Key, Long> sizes = new HashMap<>();
        if (keys.size() == 1) {
            Key k = keys.get(0);
            sizes.put(k, ItemSize.of(sizer.getItem(r -> r.tableName(k.table()).key(k.key()).consistentRead(true)).item()));
            return sizes;
        }
        Map<String, List<Map<String, AttributeValue>>> byTable = new HashMap<>();
        keys.forEach(k -> {
            sizes.put(k, 0L);
            byTable.computeIfAbsent(k.table(), t -> new ArrayList<>()).add(k.key());
        });
        byTable.forEach((table, all) -> {
            for (int from = 0; from < all.size(); from += 100) {
                Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                        .keys(all.subList(from, Math.min(all.size(), from + 100))).consistentRead(true).build());
                while (request != null && !request.isEmpty()) {
                    Map<String, KeysAndAttributes> current = request;
                    BatchGetItemResponse response = sizer.batchGetItem(r -> r.requestItems(current));
                    response.responses().getOrDefault(table, List.of()).forEach(item -> sizes.put(new Key(table, key(item)), ItemSize.of(item)));
                    request = response.unprocessedKeys();
                }
            }
        });
        return sizes;
    }

    private static List<Key> writtenKeys(SdkRequest request) {
        List<Key> keys = new ArrayList<>();
        if (request instanceof PutItemRequest put) {
            keys.add(new Key(put.tableName(), key(put.item())));
        } else if (request instanceof UpdateItemRequest update) {
            keys.add(new Key(update.tableName(), update.key()));
        } else if (request instanceof DeleteItemRequest delete) {
            keys.add(new Key(delete.tableName(), delete.key()));
        } else if (request instanceof BatchWriteItemRequest batch) {
            batch.requestItems().forEach((table, writes) -> writes.forEach(w -> keys.add(new Key(table,
                    w.putRequest() != null ? key(w.putRequest().item()) : w.deleteRequest().key()))));
        } else if (request instanceof TransactWriteItemsRequest transaction) {
            transaction.transactItems().forEach(item -> keys.add(transactionKey(item)));
        }
        return keys;
    }

    /** The table's key attributes (pk, sk) of an item. */
    private static Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put("pk", item.get("pk"));
        if (item.containsKey("sk")) {
            key.put("sk", item.get("sk"));
        }
        return key;
    }

    /** USER, GROUP, DIGEST, SYNCSTATE, INTEGRATION, SUMMARY, ...: the sort key up to its first '#'. */
    static String kind(Map<String, AttributeValue> itemOrKey) {
        AttributeValue sk = itemOrKey.get("sk");
        if (sk == null || sk.s() == null) {
            return "?";
        }
        String s = sk.s();
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    private static void add(Map<String, Tally> consumed, String kind, Tally tally) {
        consumed.merge(kind, tally, Tally::plus);
    }
}
