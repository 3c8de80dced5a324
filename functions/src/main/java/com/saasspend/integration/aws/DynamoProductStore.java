package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.products.BitbucketMember;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.products.JiraRole;
import com.saasspend.integration.domain.products.ProductGroup;
import com.saasspend.integration.domain.products.ProductListing;
import com.saasspend.integration.domain.products.ProductStore;
import com.saasspend.integration.domain.products.ProductSummary;
import com.saasspend.integration.domain.products.TrelloMember;
import com.saasspend.integration.domain.sync.ContentHash;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.sync.SyncFence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Product sync data in the tenant's license partition {@code TENANT#t#LICENSES} (erased with it on disconnect):
 * <ul>
 *   <li>{@code PRODUCTSYNC#jira#ROLE#<key>}: a Jira application role (seats, user count, groups);</li>
 *   <li>{@code PRODUCTSYNC#jira#GROUP#<id>}, {@code PRODUCTSYNC#confluence#GROUP#<id>}: a group with its member
 *       account ids, inline up to {@value #CHUNK} members; a bigger group keeps them in
 *       {@code PRODUCTSYNC#<p>#GROUPMEMBERS#<id>#<bucket>} items (DynamoDB items stop at 400 KB);</li>
 *   <li>{@code PRODUCTSYNC#trello#MEMBER#<memberId>}, {@code PRODUCTSYNC#bitbucket#MEMBER#<uuid>};</li>
 *   <li>{@code PRODUCTSYNC#<p>#SUMMARY}: instance, linked-to-org flag and counts;</li>
 *   <li>{@code PRODUCTSYNC#<p>#DIGEST#<kind>#<page>}: the page digests of a listing.</li>
 * </ul>
 * Tests see what it wrote from the table itself (no test-only counters here).
 */
public final class DynamoProductStore implements ProductStore {
    /** Members kept inline in a group item; ~45 bytes an account id keeps a full item near 90 KB. */
    static final int CHUNK = 2000;
    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};

    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter writer;
    private final BatchReader reader;
    /** Puts that may create items; fenced by the sync lease in a store from {@link #fencedBy}. */
    private final CreatingWrites creating;

    public DynamoProductStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.writer = new BatchWriter(dynamo, table);
        this.reader = new BatchReader(dynamo, table);
        this.creating = new CreatingWrites(dynamo, table, writer);
    }

    private DynamoProductStore(DynamoProductStore base, CreatingWrites creating) {
        this.dynamo = base.dynamo;
        this.table = base.table;
        this.writer = base.writer;
        this.reader = base.reader;
        this.creating = creating;
    }

    @Override
    public ProductStore fencedBy(SyncFence fence) {
        return new DynamoProductStore(this, creating.fencedBy(fence));
    }

    // ------------------------------------------------------------------ keys

    private static String product(ProductListing listing) {
        return listing.product().id();
    }

    static String itemKey(ProductListing listing, String id) {
        return TableKeys.productSyncItem(product(listing), listing.itemKind(), id);
    }

    private static String chunkKey(ProductListing listing, String groupId, int bucket) {
        return TableKeys.productSyncGroupMembers(product(listing), groupId, bucket);
    }

    private static String digestPrefix(ProductListing listing) {
        return TableKeys.productSyncDigestPrefix(product(listing), listing.itemKind());
    }

    private static String summaryKey(IntegrationType product) {
        return TableKeys.productSyncSummary(product.id());
    }

    private Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.licenses(tenantId)), TableKeys.SK, s(sk));
    }

    private Map<String, AttributeValue> newItem(String tenantId, String sk, String kind, String hash, Instant syncedAt) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, sk));
        item.put("kind", s(kind));
        item.put("contentHash", s(hash));
        item.put("syncedAt", s(syncedAt.toString()));
        return item;
    }

    // ------------------------------------------------------------------ digests

    @Override
    public Optional<PageDigest> digest(String tenantId, ProductListing listing, int page) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(key(tenantId, digestPrefix(listing) + pageNumber(page)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(DigestItems.read(item));
    }

    private static String pageNumber(int page) {
        return String.format(Locale.ROOT, "%06d", page);
    }

    @Override
    public void putDigest(String tenantId, ProductListing listing, int page, PageDigest digest) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, digestPrefix(listing) + pageNumber(page)));
        item.put("kind", s("productDigest"));
        DigestItems.write(item, digest);
        creating.putOne(item);
    }

    @Override
    public void deleteDigest(String tenantId, ProductListing listing, int page) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, digestPrefix(listing) + pageNumber(page))));
    }

    @Override
    public void forEachDigest(String tenantId, ProductListing listing, BiConsumer<Integer, PageDigest> onDigest) {
        DigestItems.forEach(dynamo, table, TableKeys.licenses(tenantId), digestPrefix(listing), onDigest);
    }

    // ------------------------------------------------------------------ items

    @Override
    public Map<String, String> storedHashes(String tenantId, ProductListing listing, Collection<String> ids) {
        Map<String, String> hashes = new HashMap<>();
        String prefix = itemKey(listing, "");
        List<String> all = List.copyOf(new LinkedHashSet<>(ids));
        reader.read(all.stream().map(id -> key(tenantId, prefix + id)).toList(), r -> r.projectionExpression("sk, contentHash, removed"),
                item -> {
                    if (!removed(item) && str(item, "contentHash") != null) {
                        hashes.put(str(item, TableKeys.SK).substring(prefix.length()), str(item, "contentHash"));
                    }
                });
        return hashes;
    }

    private static boolean removed(Map<String, AttributeValue> item) {
        return item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
    }

    @Override
    public void putRoles(String tenantId, List<Hashed<JiraRole>> roles, Instant syncedAt) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>();
        for (Hashed<JiraRole> hashed : roles) {
            JiraRole role = hashed.item();
            Map<String, AttributeValue> item = newItem(tenantId, itemKey(ProductListing.JIRA_ROLES, role.key()), "jiraRole", hashed.hash(), syncedAt);
            item.put("key", s(role.key()));
            putIfPresent(item, "name", role.name());
            if (role.numberOfSeats() != null) {
                item.put("numberOfSeats", n(role.numberOfSeats()));
            }
            if (role.remainingSeats() != null) {
                item.put("remainingSeats", n(role.remainingSeats()));
            }
            item.put("userCount", n(role.userCount()));
            item.put("hasUnlimitedSeats", AttributeValue.fromBool(role.hasUnlimitedSeats()));
            item.put("groups", groupRefs(role.groups()));
            item.put("defaultGroups", groupRefs(role.defaultGroups()));
            puts.add(item);
        }
        creating.putAll(puts);
    }

    private static AttributeValue groupRefs(List<GroupRef> refs) {
        List<AttributeValue> list = new ArrayList<>();
        for (GroupRef ref : refs) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("groupId", s(ref.id()));
            putIfPresent(m, "name", ref.name());
            list.add(AttributeValue.fromM(m));
        }
        return AttributeValue.fromL(list);
    }

    /**
     * A small group is one item. A big one is a header plus member buckets (by account id hash, so one membership
     * change rewrites one bucket): the header first loses its hashes, then changed buckets are written, then the
     * header, so a crash midway leaves a group the next run sees as changed and rewrites in full.
     */
    @Override
    public void putGroup(String tenantId, ProductListing listing, Hashed<ProductGroup> hashed, Instant syncedAt) {
        ProductGroup group = hashed.item();
        String headerKey = itemKey(listing, group.id());
        Map<String, AttributeValue> old = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, headerKey))
                .projectionExpression("memberChunks, chunkHashes")).item();
        int oldChunks = old == null ? 0 : (int) Items.num(old, "memberChunks", 0);
        List<String> oldHashes = old == null || !old.containsKey("chunkHashes") ? List.of()
                : old.get("chunkHashes").l().stream().map(AttributeValue::s).toList();

        Map<String, AttributeValue> header = newItem(tenantId, headerKey, "productGroup", hashed.hash(), syncedAt);
        header.put("groupId", s(group.id()));
        putIfPresent(header, "name", group.name());
        header.put("memberCount", n(group.memberIds().size()));
        header.put("inactiveCount", n(group.inactiveMemberIds().size()));
        int chunks = group.memberIds().size() <= CHUNK ? 0 : bucketsFor(group.memberIds().size());
        List<Map<String, AttributeValue>> writes = new ArrayList<>();
        List<WriteRequest> deletes = new ArrayList<>();
        if (chunks == 0) {
            header.put("members", s(String.join("\n", group.memberIds())));
            header.put("inactiveMembers", s(String.join("\n", group.inactiveMemberIds())));
        } else {
            if (oldChunks > 0) {
                dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, headerKey)).updateExpression("REMOVE contentHash, chunkHashes"));
            }
            List<List<String>> members = buckets(group.memberIds(), chunks);
            List<List<String>> inactive = buckets(group.inactiveMemberIds(), chunks);
            List<AttributeValue> hashes = new ArrayList<>();
            for (int b = 0; b < chunks; b++) {
                String chunkHash = ContentHash.of(String.join("\n", members.get(b)) + "\n#\n" + String.join("\n", inactive.get(b)));
                hashes.add(s(chunkHash));
                if (chunks == oldChunks && b < oldHashes.size() && chunkHash.equals(oldHashes.get(b))) {
                    continue;
                }
                Map<String, AttributeValue> chunk = new HashMap<>(key(tenantId, chunkKey(listing, group.id(), b)));
                chunk.put("kind", s("productGroupMembers"));
                chunk.put("members", s(String.join("\n", members.get(b))));
                chunk.put("inactiveMembers", s(String.join("\n", inactive.get(b))));
                writes.add(chunk);
            }
            header.put("chunkHashes", AttributeValue.fromL(hashes));
        }
        header.put("memberChunks", n(chunks));
        for (int b = chunks; b < oldChunks; b++) {
            deletes.add(BatchWriter.delete(key(tenantId, chunkKey(listing, group.id(), b))));
        }
        creating.putAll(writes);
        writer.write(deletes);
        creating.putOne(header);
    }

    /** A power of two, so buckets hold about half to one CHUNK of members each. */
    static int bucketsFor(int members) {
        int needed = (members + CHUNK - 1) / CHUNK;
        return Integer.highestOneBit(needed - 1) << 1;
    }

    static int bucketOf(String accountId, int buckets) {
        // String.hashCode is specified by the JLS, so buckets are stable across JVMs and releases.
        return Math.floorMod(accountId.hashCode(), buckets);
    }

    private static List<List<String>> buckets(List<String> ids, int buckets) {
        List<List<String>> out = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            out.add(new ArrayList<>());
        }
        ids.forEach(id -> out.get(bucketOf(id, buckets)).add(id));
        return out;
    }

    @Override
    public void putTrelloMembers(String tenantId, List<Hashed<TrelloMember>> members, Instant syncedAt) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>();
        for (Hashed<TrelloMember> hashed : members) {
            TrelloMember m = hashed.item();
            Map<String, AttributeValue> item = newItem(tenantId, itemKey(ProductListing.TRELLO_MEMBERS, m.id()), "trelloMember", hashed.hash(), syncedAt);
            item.put("memberId", s(m.id()));
            putIfPresent(item, "fullName", m.fullName());
            putIfPresent(item, "username", m.username());
            putIfPresent(item, "email", m.email());
            item.put("licensed", AttributeValue.fromBool(m.licensed()));
            item.put("deactivated", AttributeValue.fromBool(m.deactivated()));
            item.put("collaborator", AttributeValue.fromBool(m.collaborator()));
            item.put("managed", AttributeValue.fromBool(m.managed()));
            item.put("admin", AttributeValue.fromBool(m.admin()));
            putIfPresent(item, "lastActiveAt", m.lastActiveAt());
            puts.add(item);
        }
        creating.putAll(puts);
    }

    @Override
    public void putBitbucketMembers(String tenantId, List<Hashed<BitbucketMember>> members, Instant syncedAt) {
        List<Map<String, AttributeValue>> puts = new ArrayList<>();
        for (Hashed<BitbucketMember> hashed : members) {
            BitbucketMember m = hashed.item();
            Map<String, AttributeValue> item = newItem(tenantId, itemKey(ProductListing.BITBUCKET_MEMBERS, m.uuid()), "bitbucketMember", hashed.hash(), syncedAt);
            item.put("uuid", s(m.uuid()));
            putIfPresent(item, "accountId", m.accountId());
            putIfPresent(item, "displayName", m.displayName());
            putIfPresent(item, "nickname", m.nickname());
            putIfPresent(item, "permission", m.permission());
            puts.add(item);
        }
        creating.putAll(puts);
    }

    @Override
    public void markRemoved(String tenantId, ProductListing listing, Collection<String> ids, Instant at) {
        for (String id : ids) {
            try {
                dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, itemKey(listing, id)))
                        .updateExpression("SET removed = :t, removedAt = :at")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":at", s(at.toString()))));
            } catch (ConditionalCheckFailedException neverStored) {
                // Listed once but never written (a run failed between digest and write): nothing to mark.
            }
        }
    }

    @Override
    public Optional<String> summaryHash(String tenantId, IntegrationType product) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, summaryKey(product)))
                .projectionExpression("contentHash")).item();
        return item == null ? Optional.empty() : Optional.ofNullable(str(item, "contentHash"));
    }

    @Override
    public void putSummary(String tenantId, IntegrationType product, Hashed<ProductSummary> hashed, Instant syncedAt) {
        ProductSummary summary = hashed.item();
        Map<String, AttributeValue> item = newItem(tenantId, summaryKey(product), "productSummary", hashed.hash(), syncedAt);
        item.put("product", s(product.id()));
        putIfPresent(item, "instance", summary.instance());
        putIfPresent(item, "instanceName", summary.instanceName());
        item.put("linkedToOrg", AttributeValue.fromBool(summary.linkedToOrg()));
        try {
            item.put("counts", s(Json.MAPPER.writeValueAsString(summary.counts())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        creating.putOne(item);
    }

    // ------------------------------------------------------------------ reads (the License page and tests)

    /** The stored, not removed, items of a listing as raw items keyed by id. */
    private Map<String, Map<String, AttributeValue>> items(String tenantId, ProductListing listing) {
        String prefix = itemKey(listing, "");
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(prefix))))
                .items().forEach(item -> {
                    if (!removed(item)) {
                        items.put(str(item, TableKeys.SK).substring(prefix.length()), item);
                    }
                });
        return items;
    }

    /** Ids of the items of a listing that are marked removed. */
    public List<String> removedIds(String tenantId, ProductListing listing) {
        String prefix = itemKey(listing, "");
        List<String> ids = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(prefix))))
                .items().forEach(item -> {
                    if (removed(item)) {
                        ids.add(str(item, TableKeys.SK).substring(prefix.length()));
                    }
                });
        return ids;
    }

    public Map<String, JiraRole> jiraRoles(String tenantId) {
        Map<String, JiraRole> roles = new TreeMap<>();
        items(tenantId, ProductListing.JIRA_ROLES).forEach((id, item) -> roles.put(id, new JiraRole(str(item, "key"),
                str(item, "name"), intOrNull(item, "numberOfSeats"), intOrNull(item, "remainingSeats"),
                (int) Items.num(item, "userCount", 0), bool(item, "hasUnlimitedSeats"),
                groupRefsOf(item.get("groups")), groupRefsOf(item.get("defaultGroups")))));
        return roles;
    }

    /** Groups of JIRA_GROUPS or CONFLUENCE_GROUPS with their members, by id (reads every group: for tests and exports). */
    public Map<String, ProductGroup> groups(String tenantId, ProductListing listing) {
        Map<String, ProductGroup> groups = new TreeMap<>();
        items(tenantId, listing).forEach((id, item) -> {
            List<String> members = new ArrayList<>();
            List<String> inactive = new ArrayList<>();
            int chunks = (int) Items.num(item, "memberChunks", 0);
            if (chunks == 0) {
                members.addAll(lines(str(item, "members")));
                inactive.addAll(lines(str(item, "inactiveMembers")));
            }
            for (int b = 0; b < chunks; b++) {
                Map<String, AttributeValue> chunkKey = key(tenantId, chunkKey(listing, id, b));
                Map<String, AttributeValue> chunk = dynamo.getItem(get -> get.tableName(table).key(chunkKey)).item();
                members.addAll(lines(str(chunk, "members")));
                inactive.addAll(lines(str(chunk, "inactiveMembers")));
            }
            groups.put(id, new ProductGroup(id, str(item, "name"), members, inactive));
        });
        return groups;
    }

    public Map<String, TrelloMember> trelloMembers(String tenantId) {
        Map<String, TrelloMember> members = new TreeMap<>();
        items(tenantId, ProductListing.TRELLO_MEMBERS).forEach((id, item) -> members.put(id, new TrelloMember(id,
                str(item, "fullName"), str(item, "username"), str(item, "email"), bool(item, "licensed"),
                bool(item, "deactivated"), bool(item, "collaborator"), bool(item, "managed"), bool(item, "admin"),
                str(item, "lastActiveAt") == null ? null : Instant.parse(str(item, "lastActiveAt")))));
        return members;
    }

    public Map<String, BitbucketMember> bitbucketMembers(String tenantId) {
        Map<String, BitbucketMember> members = new TreeMap<>();
        items(tenantId, ProductListing.BITBUCKET_MEMBERS).forEach((id, item) -> members.put(id, new BitbucketMember(id,
                str(item, "accountId"), str(item, "displayName"), str(item, "nickname"), str(item, "permission"))));
        return members;
    }

    public Optional<ProductSummary> summary(String tenantId, IntegrationType product) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, summaryKey(product)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProductSummary(str(item, "instance"), str(item, "instanceName"), bool(item, "linkedToOrg"),
                    Json.MAPPER.readValue(str(item, "counts"), COUNTS)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored product summary is unreadable", e);
        }
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static Integer intOrNull(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? null : Integer.valueOf(value.n());
    }

    private static List<GroupRef> groupRefsOf(AttributeValue list) {
        List<GroupRef> refs = new ArrayList<>();
        if (list != null && list.hasL()) {
            list.l().forEach(v -> refs.add(new GroupRef(str(v.m(), "groupId"), str(v.m(), "name"))));
        }
        return refs;
    }
}
