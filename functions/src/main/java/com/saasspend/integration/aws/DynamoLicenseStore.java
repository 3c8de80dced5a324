package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.sync.SyncFence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The license partition of a tenant, {@code TENANT#t#LICENSES}: {@code USER#id}, {@code GROUP#id},
 * {@code PRODUCT#ari}, {@code DIGEST#USERS#000042}, {@code SUMMARY} (tests and benchmarks count its writes from the
 * DynamoDB client, not through counters here).
 */
public final class DynamoLicenseStore implements LicenseStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter writer;
    private final BatchReader reader;
    /** Puts that may create items; fenced by the sync lease in a store from {@link #fencedBy}. */
    private final CreatingWrites creating;

    public DynamoLicenseStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.writer = new BatchWriter(dynamo, table);
        this.reader = new BatchReader(dynamo, table);
        this.creating = new CreatingWrites(dynamo, table, writer);
    }

    private DynamoLicenseStore(DynamoLicenseStore base, CreatingWrites creating) {
        this.dynamo = base.dynamo;
        this.table = base.table;
        this.writer = base.writer;
        this.reader = base.reader;
        this.creating = creating;
    }

    @Override
    public LicenseStore fencedBy(SyncFence fence) {
        return new DynamoLicenseStore(this, creating.fencedBy(fence));
    }

    private Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.licenses(tenantId)), TableKeys.SK, s(sk));
    }

    private static String prefix(Listing listing) {
        return listing == Listing.USERS ? TableKeys.USER_PREFIX : TableKeys.GROUP_PREFIX;
    }

    private static String digestKey(Listing listing, int page) {
        return TableKeys.digest(listing.name(), page);
    }

    @Override
    public Optional<PageDigest> digest(String tenantId, Listing listing, int page) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, digestKey(listing, page)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        PageDigest digest = DigestItems.read(item);
        if (listing == Listing.USERS && !indexCurrent(item)) {
            // A page recorded before the current index layout: its users may lack index attributes, so none of its
            // hashes vouches for a user (the sync compares each with its stored item, and storedHashes reports a user
            // of an older layout as changed). Ids and reminders stay, so removals are still settled.
            digest = new PageDigest(digest.runId(), digest.entries().stream()
                    .map(e -> new PageDigest.Entry(e.id(), STALE_INDEX + e.hash())).toList(), digest.left());
        }
        return Optional.of(digest);
    }

    /** Marks a digest hash that no fresh hash equals (a content hash is 11 base64url characters, never a colon). */
    private static final String STALE_INDEX = "stale-index:";

    private static boolean indexCurrent(Map<String, AttributeValue> item) {
        return Items.num(item, UserItems.INDEX_VERSION_ATTRIBUTE, 0) == UserItems.INDEX_VERSION;
    }

    @Override
    public void putDigest(String tenantId, Listing listing, int page, PageDigest digest) {
        creating.putOne(digestItem(tenantId, listing, page, digest));
    }

    private Map<String, AttributeValue> digestItem(String tenantId, Listing listing, int page, PageDigest digest) {
        Map<String, AttributeValue> item = DigestItems.write(new HashMap<>(key(tenantId, digestKey(listing, page))), digest);
        if (listing == Listing.USERS) {
            // Written after the page's users: every user of the page now has the current index layout.
            item.put(UserItems.INDEX_VERSION_ATTRIBUTE, Items.n(UserItems.INDEX_VERSION));
        }
        return item;
    }

    /**
     * The page's digest goes in the transaction of its last users (no write of its own): stored exactly when they all
     * are. A new page's users are written without reading their stored index keys, each created only where no item is
     * stored; one that is (a user that moved from a page written earlier in the run) cancels its transaction, and the
     * page is written again the usual way, its stale index items found and deleted.
     */
    @Override
    public void putUsersPage(String tenantId, List<Hashed<OrgUser>> users, boolean newPage, Instant syncedAt, int page,
                             PageDigest digest) {
        if (digest == null) {
            if (!users.isEmpty()) {
                putUsers(tenantId, users, syncedAt);
            }
            return;
        }
        Map<String, AttributeValue> digestItem = digestItem(tenantId, Listing.USERS, page, digest);
        if (newPage) {
            try {
                if (creating.createUnitsThen(items(tenantId, users, syncedAt), digestItem)) {
                    return;
                }
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException storedAlready) {
                // Written again below, reading what is stored.
            }
        }
        writeUsers(tenantId, users, syncedAt, digestItem);
    }

    /** Each user's items as one unit (stored together): its index items and its user item. */
    private static List<List<Map<String, AttributeValue>>> items(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt) {
        List<List<Map<String, AttributeValue>>> units = new ArrayList<>();
        for (Hashed<OrgUser> hashed : users) {
            units.add(userUnit(tenantId, hashed, syncedAt, UserItems.indexItems(tenantId, hashed.item())));
        }
        return units;
    }

    private static List<Map<String, AttributeValue>> userUnit(String tenantId, Hashed<OrgUser> hashed, Instant syncedAt,
                                                              List<Map<String, AttributeValue>> index) {
        List<Map<String, AttributeValue>> unit = new ArrayList<>(index);
        unit.add(UserItems.toItem(tenantId, hashed.item(), hashed.hash(), syncedAt));
        return unit;
    }

    /**
     * A listing's first page digest is written after its users, so once there is one (every tenant synced before) a
     * key read answers; otherwise one Query of at most one key, strongly consistent (removed users are stored too).
     */
    @Override
    public boolean anyUserStored(String tenantId) {
        Map<String, AttributeValue> firstPage = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, digestKey(Listing.USERS, 0))).projectionExpression(TableKeys.SK)).item();
        if (firstPage != null && !firstPage.isEmpty()) {
            return true;
        }
        return dynamo.query(r -> r.tableName(table).consistentRead(true).limit(1).projectionExpression(TableKeys.SK)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(TableKeys.USER_PREFIX))))
                .count() > 0;
    }

    /** The SUMMARY of the last complete sync records the current index layout (what the License page checks too). */
    @Override
    public boolean listingsCurrent(String tenantId) {
        Map<String, AttributeValue> summary = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.SUMMARY)).projectionExpression(UserItems.INDEX_VERSION_ATTRIBUTE)).item();
        return summary == null || summary.isEmpty() || indexCurrent(summary);
    }

    /**
     * Whether every user of the listing has the current index layout: the SUMMARY says so, or else every page digest of
     * the users listing was recorded under it (read once per tenant and layout: the SUMMARY then records it).
     */
    private boolean listingsIndexed(String tenantId) {
        Map<String, AttributeValue> summary = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.SUMMARY)).projectionExpression(UserItems.INDEX_VERSION_ATTRIBUTE)).item();
        if (summary != null && indexCurrent(summary)) {
            return true;
        }
        boolean[] current = {true};
        DigestItems.forEachItem(dynamo, table, TableKeys.licenses(tenantId), TableKeys.digestPrefix(Listing.USERS.name()), item -> {
            if (!indexCurrent(item) && !DigestItems.read(item).entries().isEmpty()) {
                current[0] = false;
            }
        });
        return current[0];
    }

    @Override
    public void deleteDigest(String tenantId, Listing listing, int page) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, digestKey(listing, page))));
    }

    @Override
    public void forEachDigest(String tenantId, Listing listing, BiConsumer<Integer, PageDigest> onDigest) {
        DigestItems.forEach(dynamo, table, TableKeys.licenses(tenantId), TableKeys.digestPrefix(listing.name()), onDigest);
    }

    @Override
    public Map<String, String> storedHashes(String tenantId, Listing listing, Collection<String> ids) {
        Map<String, String> hashes = new HashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
        reader.read(all.stream().map(id -> key(tenantId, prefix(listing) + id)).toList(),
                r -> r.projectionExpression("sk, contentHash, removed, " + UserItems.INDEX_VERSION_ATTRIBUTE), item -> {
                    boolean removed = item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
                    if (!removed) {
                        // A user stored before the current index layout reads as changed, so a sync that compares it rewrites it.
                        boolean staleIndex = listing == Listing.USERS
                                && Items.num(item, UserItems.INDEX_VERSION_ATTRIBUTE, 0) != UserItems.INDEX_VERSION;
                        hashes.put(str(item, TableKeys.SK).substring(prefix(listing).length()),
                                staleIndex ? "index-v" + Items.num(item, UserItems.INDEX_VERSION_ATTRIBUTE, 0) : str(item, "contentHash"));
                    }
                });
        return hashes;
    }

    /**
     * Each changed user with its index items. Index items the user no longer has (a product lost, a renamed token) are
     * deleted first; then each user's index items are put before its user item. A crash anywhere leaves the user item
     * older than its page, so the next sync rewrites it and its index items: the indexes never stay behind the user.
     */
    @Override
    public void putUsers(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt) {
        writeUsers(tenantId, users, syncedAt, null);
    }

    /** {@link #putUsers}, then {@code last} (null: none) in the same write as the last users. */
    private void writeUsers(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt, Map<String, AttributeValue> last) {
        Map<String, List<String>> previous = storedIndexKeys(tenantId, users.stream().map(h -> h.item().accountId()).toList());
        List<WriteRequest> stale = new ArrayList<>();
        List<List<Map<String, AttributeValue>>> units = new ArrayList<>();
        for (Hashed<OrgUser> hashed : users) {
            List<Map<String, AttributeValue>> index = UserItems.indexItems(tenantId, hashed.item());
            Set<String> current = new HashSet<>(index.stream().map(i -> i.get(TableKeys.SK).s()).toList());
            for (String old : previous.getOrDefault(hashed.item().accountId(), List.of())) {
                if (!current.contains(old)) {
                    stale.add(BatchWriter.delete(key(tenantId, old)));
                }
            }
            units.add(userUnit(tenantId, hashed, syncedAt, index));
        }
        // Deletes create nothing, so they need no fence (a disconnect's erase deletes the same items anyway).
        writer.write(stale);
        creating.putUnitsThen(units, last);
    }

    /** The index item keys each stored user item names (strongly consistent: what the last write left). */
    private Map<String, List<String>> storedIndexKeys(String tenantId, Collection<String> accountIds) {
        Map<String, List<String>> keys = new HashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(accountIds));
        reader.read(all.stream().map(id -> key(tenantId, TableKeys.user(id))).toList(),
                r -> r.consistentRead(true).projectionExpression("accountId, " + TableKeys.IX_ITEMS),
                item -> keys.put(str(item, "accountId"), UserItems.indexItemKeys(item)));
        return keys;
    }

    @Override
    public void putGroups(String tenantId, List<Hashed<OrgGroup>> groups, Instant syncedAt) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>();
        for (Hashed<OrgGroup> hashed : groups) {
            puts.add(GroupItems.toItem(tenantId, hashed.item(), hashed.hash(), syncedAt));
        }
        creating.putAll(puts);
    }

    @Override
    public void markRemoved(String tenantId, Listing listing, Collection<String> ids, Instant at) {
        for (String id : ids) {
            if (listing == Listing.USERS) {
                removeUser(tenantId, id, at);
            } else {
                markItemRemoved(tenantId, prefix(listing) + id, at);
            }
        }
    }

    /**
     * Marks the user removed and takes it out of every listing in one transaction: the user item loses its index
     * attributes and its index items are deleted, conditioned on the user item being the one read (a concurrent
     * rewrite would name other index items: read again).
     */
    private void removeUser(String tenantId, String accountId, Instant at) {
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> stored = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(key(tenantId, TableKeys.user(accountId))).projectionExpression("contentHash, " + TableKeys.IX_ITEMS)).item();
            List<String> index = UserItems.indexItemKeys(stored);
            String hash = stored == null ? null : str(stored, "contentHash");
            if (hash == null || index.size() > TRANSACTION_ITEMS - 1) {
                // No user item (the original refusal stands), or more index items than a transaction takes: index first.
                index.forEach(sk -> dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, sk))));
                markItemRemoved(tenantId, TableKeys.user(accountId), at);
                return;
            }
            List<TransactWriteItem> actions = new ArrayList<>();
            actions.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(tenantId, TableKeys.user(accountId)))
                    .updateExpression(REMOVED_UPDATE + " REMOVE " + INDEX_ATTRIBUTES)
                    .conditionExpression("contentHash = :h")
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":at", s(at.toString()), ":h", s(hash)))
                    .build()).build());
            index.forEach(sk -> actions.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(tenantId, sk)).build()).build()));
            try {
                dynamo.transactWriteItems(r -> r.transactItems(actions));
                return;
            } catch (TransactionCanceledException changedMeanwhile) {
                if (attempt >= 5) {
                    throw changedMeanwhile;
                }
            }
        }
    }

    private static final int TRANSACTION_ITEMS = 100;
    private static final String REMOVED_UPDATE = "SET removed = :t, removedAt = :at";
    private static final String INDEX_ATTRIBUTES = String.join(", ", TableKeys.IX_PK, TableKeys.IX_ACTIVE, TableKeys.IX_NAME,
            TableKeys.IX_WORD, TableKeys.IX_EMAIL, TableKeys.IX_ITEMS);

    /** Marks one item removed; a user item also leaves every listing. Refused when the item does not exist. */
    private void markItemRemoved(String tenantId, String sk, Instant at) {
        dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, sk))
                .updateExpression(sk.startsWith(TableKeys.USER_PREFIX) ? REMOVED_UPDATE + " REMOVE " + INDEX_ATTRIBUTES : REMOVED_UPDATE)
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":at", s(at.toString()))));
    }

    @Override
    public List<ProductInstance> products(String tenantId) {
        List<ProductInstance> products = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(TableKeys.PRODUCT_PREFIX))))
                .items()
                .forEach(item -> products.add(new ProductInstance(str(item, "resourceId"), str(item, "type"), str(item, "name"),
                        str(item, "hostUrl"), intOrNull(item, "capacity"), intOrNull(item, "usage"))));
        return products;
    }

    @Override
    public void putProducts(String tenantId, List<ProductInstance> products, Instant syncedAt) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>();
        for (ProductInstance p : products) {
            Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.product(p.id())));
            item.put("kind", s("product"));
            item.put("resourceId", s(p.id()));
            putIfPresent(item, "type", p.type());
            putIfPresent(item, "name", p.name());
            putIfPresent(item, "hostUrl", p.hostUrl());
            if (p.capacity() != null) {
                item.put("capacity", Items.n(p.capacity()));
            }
            if (p.usage() != null) {
                item.put("usage", Items.n(p.usage()));
            }
            item.put("syncedAt", s(syncedAt.toString()));
            puts.add(item);
        }
        creating.putAll(puts);
    }

    @Override
    public void deleteProducts(String tenantId, Collection<String> resourceIds) {
        writer.write(resourceIds.stream().map(id -> BatchWriter.delete(key(tenantId, TableKeys.product(id)))).toList());
    }

    @Override
    public boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                              long expectedAdjustments) {
        return putSummary(tenantId, counts, inactivityDays, at, expectedAdjustments, false);
    }

    @Override
    public boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                              long expectedAdjustments, boolean everyUserWrittenByThisRun) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.SUMMARY));
        item.put("kind", s("summary"));
        item.put("products", countsItem(counts));
        item.put("inactivityDays", Items.n(inactivityDays));
        item.put("computedAt", s(at.toString()));
        // The counter carries on, so an adjustment after this write is seen by the next sync's condition too.
        item.put("adjustments", Items.n(expectedAdjustments));
        // Users this run wrote all have the current layout: no need to read the SUMMARY and every digest to know.
        if (everyUserWrittenByThisRun || listingsIndexed(tenantId)) {
            // The License page serves its listings from the indexes only once this is set (LicenseReader.Summary).
            item.put(UserItems.INDEX_VERSION_ATTRIBUTE, Items.n(UserItems.INDEX_VERSION));
        }
        String condition = expectedAdjustments == 0 ? "attribute_not_exists(adjustments) OR adjustments = :n" : "adjustments = :n";
        Map<String, AttributeValue> values = Map.of(":n", Items.n(expectedAdjustments));
        try {
            creating.putOne(item, condition, values);
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException adjustedMeanwhile) {
            return false;
        }
        return true;
    }

    @Override
    public long summaryAdjustments(String tenantId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.SUMMARY)).projectionExpression("adjustments")).item();
        return item == null ? 0 : Items.num(item, "adjustments", 0);
    }

    private static AttributeValue countsItem(Map<String, ProductCounts> counts) {
        Map<String, AttributeValue> byProduct = new HashMap<>();
        counts.forEach((resourceId, c) -> byProduct.put(resourceId, AttributeValue.fromM(Map.of(
                "assigned", Items.n(c.assigned()), "active", Items.n(c.active()),
                "inactive", Items.n(c.inactive()), "neverUsed", Items.n(c.neverUsed())))));
        return AttributeValue.fromM(byProduct);
    }

    private static Map<String, ProductCounts> counts(AttributeValue products) {
        Map<String, ProductCounts> counts = new HashMap<>();
        if (products != null && products.hasM()) {
            products.m().forEach((resourceId, c) -> counts.put(resourceId, new ProductCounts(Items.num(c.m(), "assigned", 0),
                    Items.num(c.m(), "active", 0), Items.num(c.m(), "inactive", 0), Items.num(c.m(), "neverUsed", 0))));
        }
        return counts;
    }


    @Override
    public void adjustSeats(String tenantId, String accountId, Map<String, ProductCounts> delta, Instant at) {
        if (delta.isEmpty()) {
            return;
        }
        // Recorded before the summary is adjusted: a crash in between makes a sync apply it (the seat is freed at
        // Atlassian already), never lose it.
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId,
                TableKeys.seatAdjustmentFrom(at.toEpochMilli()) + TableKeys.SEPARATOR + java.util.UUID.randomUUID()));
        item.put("kind", s("seatAdjustment"));
        item.put("accountId", s(accountId));
        item.put("products", countsItem(delta));
        item.put("at", s(at.toString()));
        item.put("expiresAt", Items.n(at.plusSeconds(24 * 3600).getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
        adjustSummary(tenantId, delta, at);
    }

    @Override
    public List<SeatAdjustment> seatAdjustmentsSince(String tenantId, Instant since) {
        List<SeatAdjustment> adjustments = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)),
                                ":from", s(TableKeys.seatAdjustmentFrom(since.toEpochMilli())), ":to", s(TableKeys.SEAT_ADJUSTMENT_PREFIX + "~"))))
                .items()
                .forEach(item -> adjustments.add(new SeatAdjustment(str(item, "accountId"), counts(item.get("products")),
                        Instant.parse(str(item, "at")))));
        return adjustments;
    }

    @Override
    public Optional<Hashed<OrgUser>> user(String tenantId, String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.user(accountId)))).item();
        if (item == null || item.isEmpty() || isRemoved(item)) {
            return Optional.empty();
        }
        return Optional.of(new Hashed<>(UserItems.fromItem(item), str(item, "contentHash")));
    }

    /** One BatchGetItem of at most {@link #USERS_PER_READ} users (strongly consistent, as {@link #user} reads). */
    @Override
    public Map<String, Hashed<OrgUser>> users(String tenantId, Collection<String> accountIds) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(accountIds));
        if (all.size() > USERS_PER_READ) {
            throw new IllegalArgumentException("at most " + USERS_PER_READ + " users a read, asked " + all.size());
        }
        Map<String, Hashed<OrgUser>> users = new HashMap<>();
        batchGet(all.stream().map(id -> key(tenantId, TableKeys.user(id))).toList(), item -> {
            if (!isRemoved(item)) {
                OrgUser user = UserItems.fromItem(item);
                users.put(user.accountId(), new Hashed<>(user, str(item, "contentHash")));
            }
        });
        return users;
    }

    @Override
    public Map<String, OrgGroup> groups(String tenantId, Collection<String> ids) {
        Map<String, OrgGroup> groups = new HashMap<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
        batchGet(all.stream().map(id -> key(tenantId, TableKeys.group(id))).toList(), item -> {
            if (!isRemoved(item)) {
                OrgGroup g = GroupItems.fromItem(item);
                groups.put(g.id(), g);
            }
        });
        return groups;
    }

    /** Strongly consistent batch reads ({@link BatchReader}: 100 keys a request, unprocessed keys asked again with backoff). */
    private void batchGet(List<Map<String, AttributeValue>> keys, java.util.function.Consumer<Map<String, AttributeValue>> onItem) {
        reader.read(keys, r -> r.consistentRead(true), onItem);
    }

    /**
     * The user item (conditioned on the hash the caller read) with its index items, stale ones deleted, in one
     * transaction: a reclaim that loses the race writes nothing, one that wins leaves every listing in step.
     */
    @Override
    public boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at) {
        return replaceUser(tenantId, user, expectedHash, at, actions -> dynamo.transactWriteItems(r -> r.transactItems(actions)));
    }

    /**
     * {@link #replaceUser(String, Hashed, String, Instant)} in a transaction that checks the sync's lease first
     * ({@link LeaseFencedWriter}): a run whose lease was taken over writes nothing and gets
     * {@link com.saasspend.integration.domain.sync.SyncFencedOut}.
     */
    @Override
    public boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at, SyncFence heldBy) {
        return replaceUser(tenantId, user, expectedHash, at, actions -> new LeaseFencedWriter(dynamo, table, heldBy).send(actions));
    }

    /** {@code send}: the transaction, as it is (a reclaim) or behind a lease check (a sync); kept apart so IAM follows. */
    private boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at,
                                java.util.function.Consumer<List<TransactWriteItem>> send) {
        String accountId = user.item().accountId();
        Map<String, AttributeValue> stored = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.user(accountId))).projectionExpression("contentHash, removed, " + TableKeys.IX_ITEMS)).item();
        if (stored == null || stored.isEmpty() || isRemoved(stored) || !expectedHash.equals(str(stored, "contentHash"))) {
            return false;
        }
        List<Map<String, AttributeValue>> index = UserItems.indexItems(tenantId, user.item());
        Set<String> current = new HashSet<>(index.stream().map(i -> i.get(TableKeys.SK).s()).toList());
        List<String> stale = UserItems.indexItemKeys(stored).stream().filter(sk -> !current.contains(sk)).toList();
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(UserItems.toItem(tenantId, user.item(), user.hash(), at))
                .conditionExpression("contentHash = :expected AND attribute_not_exists(removed)")
                .expressionAttributeValues(Map.of(":expected", s(expectedHash))).build()).build());
        index.forEach(item -> actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build()));
        // With the write, so a user written outside the listing is always noted (and nothing is noted for an erased one).
        actions.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(writtenOutsideItem(tenantId, Listing.USERS, accountId, at)).build()).build());
        stale.forEach(sk -> actions.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(tenantId, sk)).build()).build()));
        // One place kept for the lease check of a fenced store.
        if (actions.size() > TRANSACTION_ITEMS - 1) {
            throw new IllegalStateException("a user with " + index.size() + " index items does not fit one transaction");
        }
        try {
            send.accept(actions);
        } catch (TransactionCanceledException | ConditionalCheckFailedException raced) {
            // The condition failed (changed meanwhile) or a concurrent write conflicted: the caller reads again.
            return false;
        }
        return true;
    }

    @Override
    public void noteWrittenOutsideListing(String tenantId, Listing listing, Collection<String> ids, Instant at) {
        creating.putAll(new java.util.LinkedHashSet<>(ids).stream().map(id -> writtenOutsideItem(tenantId, listing, id, at)).toList());
    }

    private Map<String, AttributeValue> writtenOutsideItem(String tenantId, Listing listing, String id, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.writtenOutside(listing.name(), id)));
        item.put("id", s(id));
        item.put("at", Items.n(at.toEpochMilli()));
        return item;
    }

    /** One query of the listing's notes: as many as items were written outside listings since the last complete one. */
    @Override
    public Map<String, Instant> writtenOutsideListing(String tenantId, Listing listing) {
        Map<String, Instant> notes = new HashMap<>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)").projectionExpression("id, #at")
                        .expressionAttributeNames(Map.of("#at", "at"))
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)),
                                ":p", s(TableKeys.writtenOutsidePrefix(listing.name())))))
                .items()
                .forEach(item -> notes.put(str(item, "id"), Instant.ofEpochMilli(Items.num(item, "at", 0))));
        return notes;
    }

    /** Each settled note is deleted only while it still holds the time read: one noted again meanwhile stays. */
    @Override
    public void settleWrittenOutsideListing(String tenantId, Listing listing, Instant before) {
        writtenOutsideListing(tenantId, listing).forEach((id, at) -> {
            if (!at.isBefore(before)) {
                return;
            }
            try {
                dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, TableKeys.writtenOutside(listing.name(), id)))
                        .conditionExpression("#at = :at").expressionAttributeNames(Map.of("#at", "at"))
                        .expressionAttributeValues(Map.of(":at", Items.n(at.toEpochMilli()))));
            } catch (ConditionalCheckFailedException notedAgain) {
                // Written outside the listing again since: the next listing compares it.
            }
        });
    }

    /**
     * One UpdateItem per product: SET with arithmetic on the nested counters (ADD only reaches top-level attributes).
     * A product the summary has no entry for gets one, counted from zero.
     */
    @Override
    public void adjustSummary(String tenantId, Map<String, ProductCounts> delta, Instant at) {
        for (Map.Entry<String, ProductCounts> entry : delta.entrySet()) {
            ProductCounts d = entry.getValue();
            Map<String, String> names = Map.of("#p", "products", "#r", entry.getKey());
            try {
                dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.SUMMARY))
                        .updateExpression("SET #p.#r.assigned = #p.#r.assigned + :a, #p.#r.active = #p.#r.active + :c, "
                                + "#p.#r.inactive = #p.#r.inactive + :i, #p.#r.neverUsed = #p.#r.neverUsed + :n, adjustedAt = :at, "
                                + "adjustments = if_not_exists(adjustments, :zero) + :one")
                        .conditionExpression("attribute_exists(#p.#r)")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(Map.of(":a", Items.n(d.assigned()), ":c", Items.n(d.active()),
                                ":i", Items.n(d.inactive()), ":n", Items.n(d.neverUsed()), ":at", s(at.toString()),
                                ":zero", Items.n(0), ":one", Items.n(1))));
            } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException noEntry) {
                try {
                    dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.SUMMARY))
                            .updateExpression("SET #p.#r = :counts, adjustedAt = :at, adjustments = if_not_exists(adjustments, :zero) + :one")
                            .conditionExpression("attribute_exists(#p) AND attribute_not_exists(#p.#r)")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(Map.of(":counts", AttributeValue.fromM(Map.of(
                                    "assigned", Items.n(Math.max(0, d.assigned())), "active", Items.n(Math.max(0, d.active())),
                                    "inactive", Items.n(Math.max(0, d.inactive())), "neverUsed", Items.n(Math.max(0, d.neverUsed())))),
                                    ":at", s(at.toString()), ":zero", Items.n(0), ":one", Items.n(1))));
                } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException noSummary) {
                    // No summary yet (first sync still running) or the entry appeared meanwhile: the sync's count stands.
                }
            }
        }
    }

    private static boolean isRemoved(Map<String, AttributeValue> item) {
        return item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
    }

    private static Integer intOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Integer.valueOf(v.n());
    }
}
