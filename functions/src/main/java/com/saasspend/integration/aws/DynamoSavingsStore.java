package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.savings.SavingsStore;
import com.saasspend.integration.domain.savings.Tally;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Savings in the tenant partition: {@code SAVINGS#RECLAIM#<id>} (what a reclaim is counted with, versioned),
 * {@code SAVINGS#DAY#yyyy-MM-dd} (the day's reclaim counters and seat counts; TTL 400 days), {@code
 * SAVINGS#MONTH#yyyy-MM} and {@code SAVINGS#TOTAL} (reclaim counters). A counter is a set of flat attributes per
 * resource id ({@code seats#<ari>}, {@code priced#<ari>}, {@code cost#<ari>}, {@code key#<ari>}): ADD creates a
 * missing top-level number, where a nested map path would have to exist first.
 */
public final class DynamoSavingsStore implements SavingsStore {
    private static final String SEATS = "seats#";
    private static final String PRICED = "priced#";
    private static final String COST = "cost#";
    private static final String KEY = "key#";
    /** 400 days of history take well under this many 1 MB pages; a bound, not an expectation. */
    private static final int MAX_PAGES = 20;

    /**
     * Transactions sent at most, for one recount, while they are cancelled by a conflict (reclaim-job lanes adding to
     * the same day, month and total counters at once) or throttled: each after a {@link Backoff} wait.
     */
    static final int ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Backoff backoff;

    public DynamoSavingsStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Backoff.forInvocation());
    }

    DynamoSavingsStore(DynamoDbClient dynamo, String table, Backoff backoff) {
        this.dynamo = dynamo;
        this.table = table;
        this.backoff = backoff;
    }

    private Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(sk));
    }

    /** Kept as long as the history; past the undo window nothing counts a reclaim again. */
    private static long expiresAt(LocalDate day) {
        return day.plusDays(HISTORY_DAYS + 1L).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    @Override
    public Optional<Counted> counted(String tenantId, String reclaimId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(key(tenantId, TableKeys.savingsReclaim(reclaimId))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Counted(Items.num(item, "version", 0), LocalDate.parse(Items.str(item, "day")), tallies(item)));
    }

    @Override
    public boolean recount(String tenantId, String reclaimId, long expectedVersion, Counted next, Map<String, Tally> delta) {
        Map<String, AttributeValue> marker = new HashMap<>(key(tenantId, TableKeys.savingsReclaim(reclaimId)));
        marker.put("kind", s("savings-reclaim"));
        marker.put("version", n(next.version()));
        marker.put("day", s(next.day().toString()));
        marker.put("expiresAt", n(expiresAt(next.day())));
        marker.putAll(counterAttributes(next.tallies()));
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(marker);
            if (expectedVersion == 0) {
                p.conditionExpression("attribute_not_exists(pk)");
            } else {
                p.conditionExpression("#version = :v").expressionAttributeNames(Map.of("#version", "version"))
                        .expressionAttributeValues(Map.of(":v", n(expectedVersion)));
            }
        }).build());
        if (!delta.isEmpty()) {
            writes.add(add(tenantId, TableKeys.savingsDay(next.day().toString()), delta, expiresAt(next.day())));
            writes.add(add(tenantId, TableKeys.savingsMonth(YearMonth.from(next.day()).toString()), delta, null));
            writes.add(add(tenantId, TableKeys.SAVINGS_TOTAL, delta, null));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(writes));
                return true;
            } catch (TransactionCanceledException cancelled) {
                // Nothing was written. The marker changed (another writer of this reclaim): the caller reads it again.
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    return false;
                }
                // Another reclaim's transaction was adding to the same counters at that instant (or DynamoDB throttled):
                // the same write is sent again after a growing, jittered wait, not back to back with the other lanes.
                if (reasons.stream().noneMatch(r -> RETRIED.contains(r.code())) || attempt >= ATTEMPTS) {
                    throw cancelled;
                }
                try {
                    backoff.beforeAttempt(attempt + 1, "the savings count of reclaim " + reclaimId + " was cancelled (not written)");
                } catch (IllegalStateException noTime) {
                    // Past the invocation's time: nothing counted; the step's redelivery counts it (the marker makes it once).
                    noTime.addSuppressed(cancelled);
                    throw noTime;
                }
            }
        }
    }

    /** Cancellation reasons that pass: a concurrent transaction on one of the items, throttling. */
    private static final java.util.Set<String> RETRIED = java.util.Set.of("TransactionConflict", "ThrottlingError",
            "ProvisionedThroughputExceeded");

    /** ADD of the delta to one counter item (SET of each product key, and of the TTL of a day item). */
    private TransactWriteItem add(String tenantId, String sk, Map<String, Tally> delta, Long expiresAt) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Tally> e : delta.entrySet()) {
            String id = e.getKey();
            Tally t = e.getValue();
            names.put("#s" + i, SEATS + id);
            names.put("#p" + i, PRICED + id);
            names.put("#c" + i, COST + id);
            values.put(":s" + i, n(t.seats()));
            values.put(":p" + i, n(t.pricedSeats()));
            values.put(":c" + i, AttributeValue.fromN(t.monthlyCost().toPlainString()));
            adds.add("#s" + i + " :s" + i + ", #p" + i + " :p" + i + ", #c" + i + " :c" + i);
            if (t.productKey() != null) {
                names.put("#k" + i, KEY + id);
                values.put(":k" + i, s(t.productKey()));
                sets.add("#k" + i + " = :k" + i);
            }
            i++;
        }
        names.put("#kind", "kind");
        values.put(":kind", s("savings-counter"));
        sets.add("#kind = :kind");
        if (expiresAt != null) {
            values.put(":exp", n(expiresAt));
            sets.add("expiresAt = :exp");
        }
        String expression = "SET " + String.join(", ", sets) + " ADD " + String.join(", ", adds);
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(tenantId, sk)).updateExpression(expression)
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    private static Map<String, AttributeValue> counterAttributes(Map<String, Tally> tallies) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        tallies.forEach((id, t) -> {
            attributes.put(SEATS + id, n(t.seats()));
            attributes.put(PRICED + id, n(t.pricedSeats()));
            attributes.put(COST + id, AttributeValue.fromN(t.monthlyCost().toPlainString()));
            if (t.productKey() != null) {
                attributes.put(KEY + id, s(t.productKey()));
            }
        });
        return attributes;
    }

    /** The counters an item holds, per resource id. */
    private static Map<String, Tally> tallies(Map<String, AttributeValue> item) {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        item.keySet().stream().filter(name -> name.startsWith(SEATS)).sorted().forEach(name -> {
            String id = name.substring(SEATS.length());
            AttributeValue cost = item.get(COST + id);
            tallies.put(id, new Tally(Items.str(item, KEY + id), Items.num(item, name, 0), Items.num(item, PRICED + id, 0),
                    cost == null ? BigDecimal.ZERO : new BigDecimal(cost.n())));
        });
        return tallies;
    }

    private Map<String, Tally> counters(String tenantId, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, sk))).item();
        return item == null ? Map.of() : tallies(item);
    }

    @Override
    public Map<String, Tally> reclaimedToDate(String tenantId) {
        return counters(tenantId, TableKeys.SAVINGS_TOTAL);
    }

    @Override
    public Map<String, Tally> reclaimedIn(String tenantId, YearMonth month) {
        return counters(tenantId, TableKeys.savingsMonth(month.toString()));
    }

    @Override
    public void putSnapshot(String tenantId, LocalDate day, DaySnapshot snapshot) {
        List<AttributeValue> products = new ArrayList<>();
        for (ProductDay p : snapshot.products()) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("resourceId", s(p.resourceId()));
            Items.putIfPresent(m, "product", p.product());
            Items.putIfPresent(m, "name", p.name());
            if (p.seatsBought() != null) {
                m.put("seatsBought", n(p.seatsBought()));
            }
            m.put("assigned", n(p.assigned()));
            m.put("active", n(p.active()));
            m.put("inactive", n(p.inactive()));
            m.put("neverUsed", n(p.neverUsed()));
            if (p.unusedMonthlyCost() != null) {
                m.put("unusedMonthlyCost", AttributeValue.fromN(p.unusedMonthlyCost().toPlainString()));
            }
            products.add(AttributeValue.fromM(m));
        }
        AttributeValue value = AttributeValue.fromM(Map.of("takenAt", s(snapshot.takenAt().toString()),
                "inactivityDays", n(snapshot.inactivityDays()), "products", AttributeValue.fromL(products)));
        dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.savingsDay(day.toString())))
                .updateExpression("SET #snap = :snap, expiresAt = :exp, #kind = :kind")
                .expressionAttributeNames(Map.of("#snap", "snapshot", "#kind", "kind"))
                .expressionAttributeValues(Map.of(":snap", value, ":exp", n(expiresAt(day)), ":kind", s("savings-counter"))));
    }

    @Override
    public List<Day> days(String tenantId, LocalDate from, LocalDate to) {
        List<Day> days = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse response = dynamo.query(q -> q.tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)),
                            ":from", s(TableKeys.savingsDay(from.toString())), ":to", s(TableKeys.savingsDay(to.toString()))))
                    .exclusiveStartKey(exclusiveStart));
            response.items().forEach(item -> days.add(day(item)));
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                return days;
            }
            start = response.lastEvaluatedKey();
        }
        throw new IllegalStateException("the savings history did not fit in " + MAX_PAGES + " pages");
    }

    private static Day day(Map<String, AttributeValue> item) {
        LocalDate date = LocalDate.parse(Items.str(item, TableKeys.SK).substring(TableKeys.SAVINGS_DAY_PREFIX.length()));
        AttributeValue snap = item.get("snapshot");
        DaySnapshot snapshot = null;
        if (snap != null && snap.hasM()) {
            Map<String, AttributeValue> m = snap.m();
            List<ProductDay> products = new ArrayList<>();
            for (AttributeValue p : m.get("products").l()) {
                Map<String, AttributeValue> pm = p.m();
                AttributeValue cost = pm.get("unusedMonthlyCost");
                products.add(new ProductDay(Items.str(pm, "resourceId"), Items.str(pm, "product"), Items.str(pm, "name"),
                        pm.containsKey("seatsBought") ? (int) Items.num(pm, "seatsBought", 0) : null, Items.num(pm, "assigned", 0),
                        Items.num(pm, "active", 0), Items.num(pm, "inactive", 0), Items.num(pm, "neverUsed", 0),
                        cost == null ? null : new BigDecimal(cost.n())));
            }
            snapshot = new DaySnapshot(Instant.parse(Items.str(m, "takenAt")), (int) Items.num(m, "inactivityDays", 0), products);
        }
        return new Day(date, snapshot, tallies(item));
    }
}
