package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.licenses.LicenseReader;
import com.saasspend.integration.domain.ProductCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Reads the license partition {@code TENANT#t#LICENSES}; the partition comes from the tenant, never from input. */
public final class DynamoLicenseReader implements LicenseReader {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoLicenseStore store;
    private final BatchReader reads;
    private final DoubleAdder consumed = new DoubleAdder();
    private final LongAdder itemsRead = new LongAdder();

    public DynamoLicenseReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.store = new DynamoLicenseStore(dynamo, table);
        this.reads = new BatchReader(dynamo, table);
    }

    private Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.licenses(tenantId)), TableKeys.SK, s(sk));
    }

    @Override
    public List<ProductInstance> products(String tenantId) {
        return store.products(tenantId);
    }

    @Override
    public Optional<Summary> summary(String tenantId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, TableKeys.SUMMARY))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Map<String, ProductCounts> counts = new HashMap<>();
        item.getOrDefault("products", AttributeValue.fromM(Map.of())).m().forEach((resourceId, c) -> counts.put(resourceId,
                new ProductCounts(Items.num(c.m(), "assigned", 0), Items.num(c.m(), "active", 0),
                        Items.num(c.m(), "inactive", 0), Items.num(c.m(), "neverUsed", 0))));
        String at = str(item, "computedAt");
        return Optional.of(new Summary(counts, (int) Items.num(item, "inactivityDays", 30), at == null ? null : Instant.parse(at),
                Items.num(item, UserItems.INDEX_VERSION_ATTRIBUTE, 0) >= UserItems.FIRST_LISTED_INDEX_VERSION));
    }

    @Override
    public UserSlicePage users(String tenantId, UserSlice slice) {
        String product = slice.product();
        String scope = product == null ? TableKeys.SCOPE_ALL : TableKeys.productKeyScope(product);
        boolean byName = slice.order() == UserOrder.NAME;
        if (byName && slice.activity() != Activity.ANY) {
            throw new IllegalArgumentException("the name order lists a whole product; activity ranges are on last use");
        }
        String lo;
        String hi;
        switch (slice.activity()) {
            case ACTIVE -> {
                lo = TableKeys.activityBound(slice.activeSince().toEpochMilli());
                hi = TableKeys.USED + "~";
            }
            case INACTIVE -> {
                lo = TableKeys.USED;
                hi = TableKeys.activityBound(slice.activeSince().toEpochMilli());
            }
            case NEVER -> {
                lo = TableKeys.NEVER_USED + TableKeys.SEPARATOR;
                hi = TableKeys.NEVER_USED + TableKeys.SEPARATOR + TableKeys.TEXT_MAX;
            }
            default -> {
                lo = LOWEST;
                hi = TableKeys.TEXT_MAX;
            }
        }
        Range range = readRange(TableKeys.userIndex(tenantId, scope), byName ? TableKeys.USERS_BY_NAME_INDEX : TableKeys.USERS_BY_ACTIVITY_INDEX,
                byName ? TableKeys.IX_NAME : TableKeys.IX_ACTIVE, lo, hi, slice.after(), slice.order() == UserOrder.LAST_ACTIVE_DESC,
                slice.max());
        List<Entry> entries = new ArrayList<>();
        range.items().forEach(item -> entries.add(new Entry(UserItems.fromItem(item), range.position(item))));
        return new UserSlicePage(entries, range.next());
    }

    /** The search reads three indexes of the listing of every user in turn: by name, by the name's last word, by email. */
    private static final List<String> SEARCH_INDEXES = List.of(TableKeys.USERS_BY_NAME_INDEX, TableKeys.USERS_BY_WORD_INDEX,
            TableKeys.USERS_BY_EMAIL_INDEX);
    private static final List<String> SEARCH_ATTRIBUTES = List.of(TableKeys.IX_NAME, TableKeys.IX_WORD, TableKeys.IX_EMAIL);

    /**
     * Positions are {@code <phase>|<index key>}; a user is answered in the first phase whose text it matches, so a user
     * whose name and email both match comes once.
     */
    @Override
    public UserSlicePage search(String tenantId, String prefix, String after, int max) {
        String text = TableKeys.indexText(prefix);
        int phase = 0;
        String position = null;
        if (after != null) {
            int bar = after.indexOf('|');
            phase = bar == 1 && after.charAt(0) >= '0' && after.charAt(0) <= '2' ? after.charAt(0) - '0' : SEARCH_INDEXES.size();
            position = bar == 1 && after.length() > 2 ? after.substring(2) : null;
        }
        List<Entry> entries = new ArrayList<>();
        for (; phase < SEARCH_INDEXES.size(); phase++, position = null) {
            if (entries.size() == max) {
                return new UserSlicePage(entries, phase + "|");
            }
            Range range = readRange(TableKeys.userIndex(tenantId, TableKeys.SCOPE_ALL), SEARCH_INDEXES.get(phase),
                    SEARCH_ATTRIBUTES.get(phase), text.isEmpty() ? LOWEST : text, text + TableKeys.TEXT_MAX, position, false,
                    max - entries.size());
            for (Map<String, AttributeValue> item : range.items()) {
                OrgUser user = UserItems.fromItem(item);
                if (firstMatch(user, text) == phase) {
                    entries.add(new Entry(user, phase + "|" + range.position(item)));
                }
            }
            if (range.next() != null) {
                return new UserSlicePage(entries, phase + "|" + range.next());
            }
        }
        return new UserSlicePage(entries, null);
    }

    /** The first search text (name, last word, email) of the user that starts with the prefix; -1: none. */
    private static int firstMatch(OrgUser user, String text) {
        List<String> texts = UserItems.searchTexts(user);
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) != null && texts.get(i).startsWith(text)) {
                return i;
            }
        }
        return -1;
    }

    /** Below every index key (names are lower-cased text, activity keys start with - 0 1). */
    private static final String LOWEST = " ";
    /** Bounds the reads of one range: DynamoDB answers at most 1 MB per query, a page of 200 rows far less. */
    private static final int MAX_QUERIES = 20;

    /** Items of one index range in order after {@code after}, at most {@code max}, and the position to continue after. */
    private record Range(List<Map<String, AttributeValue>> items, String next, String attribute) {
        String position(Map<String, AttributeValue> item) {
            return str(item, attribute);
        }
    }

    /**
     * Reads {@code [lo, hi]} of one index partition ascending (or descending), continuing after the position
     * {@code after}: at most max + 2 items (the one at {@code after}, if any, and one more to know whether more follow).
     */
    private Range readRange(String partition, String index, String attribute, String lo, String hi, String after,
                            boolean descending, int max) {
        if (after != null && !descending && compareText(after, lo) > 0) {
            lo = after;
        } else if (after != null && descending && compareText(after, hi) < 0) {
            hi = after;
        }
        if (compareText(lo, hi) > 0) {
            return new Range(List.of(), null, attribute);
        }
        Map<String, AttributeValue> values = Map.of(":pk", s(partition), ":lo", s(lo), ":hi", s(hi));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int queries = 0; queries < MAX_QUERIES && items.size() <= max; queries++) {
            Map<String, AttributeValue> from = start;
            int want = max + (after == null ? 1 : 2) - items.size();
            QueryResponse response = dynamo.query(r -> {
                r.tableName(table).indexName(index).limit(want).scanIndexForward(!descending)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .keyConditionExpression(TableKeys.IX_PK + " = :pk AND " + attribute + " BETWEEN :lo AND :hi")
                        .expressionAttributeValues(values);
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            });
            consumed.add(response.consumedCapacity() == null || response.consumedCapacity().capacityUnits() == null
                    ? 0 : response.consumedCapacity().capacityUnits());
            itemsRead.add(response.items().size());
            for (Map<String, AttributeValue> item : response.items()) {
                if (!str(item, attribute).equals(after)) {
                    items.add(item);
                }
            }
            start = response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty() ? null : response.lastEvaluatedKey();
            if (start == null) {
                break;
            }
        }
        if (items.size() > max) {
            List<Map<String, AttributeValue>> page = items.subList(0, max);
            return new Range(page, str(page.get(max - 1), attribute), attribute);
        }
        // Read up to the query ceiling without filling the page: continue after the last item read.
        String next = start == null || items.isEmpty() ? null : str(items.get(items.size() - 1), attribute);
        return new Range(items, next, attribute);
    }

    /** DynamoDB's order of strings (UTF-8 bytes), which is code point order; String.compareTo differs past U+FFFF. */
    static int compareText(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Items the user listings of this reader read so far (index items, user items; tests and the benchmark read it). */
    public long itemsRead() {
        return itemsRead.sum();
    }

    /** Read units the user listings of this reader consumed so far, as DynamoDB reports them (tests and the benchmark read it). */
    public double consumedReadUnits() {
        return consumed.sum();
    }

    /**
     * The user items in key order, after {@code afterAccountId}, at most {@code max} read: the whole-partition read the
     * listings replaced, kept for the benchmark and the tests that compare the indexes with it.
     */
    public ScanStep scanUsers(String tenantId, String afterAccountId, int max) {
        Map<String, AttributeValue> values = Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(TableKeys.USER_PREFIX));
        QueryResponse response = dynamo.query(r -> {
            r.tableName(table).limit(max).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(values);
            if (afterAccountId != null) {
                r.exclusiveStartKey(key(tenantId, TableKeys.user(afterAccountId)));
            }
        });
        consumed.add(response.consumedCapacity() == null || response.consumedCapacity().capacityUnits() == null
                ? 0 : response.consumedCapacity().capacityUnits());
        itemsRead.add(response.items().size());
        List<OrgUser> users = new ArrayList<>();
        response.items().forEach(item -> {
            if (!removed(item)) {
                users.add(UserItems.fromItem(item));
            }
        });
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        String lastId = last == null || last.isEmpty() ? null : str(last, TableKeys.SK).substring(TableKeys.USER_PREFIX.length());
        return new ScanStep(users, lastId);
    }

    /** One scan step: the users read, and the account id to continue after (null at the end). */
    public record ScanStep(List<OrgUser> users, String lastAccountId) {}

    @Override
    public Optional<OrgUser> user(String tenantId, String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, TableKeys.user(accountId)))).item();
        return item == null || item.isEmpty() || removed(item) ? Optional.empty() : Optional.of(UserItems.fromItem(item));
    }

    @Override
    public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
        Map<String, OrgGroup> groups = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(groupIds));
        reads.read(ids.stream().map(id -> key(tenantId, TableKeys.group(id))).toList(), r -> r, item -> {
            if (!removed(item)) {
                OrgGroup g = GroupItems.fromItem(item);
                groups.put(g.id(), g);
            }
        });
        return groups;
    }

    private static boolean removed(Map<String, AttributeValue> item) {
        return item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
    }
}
