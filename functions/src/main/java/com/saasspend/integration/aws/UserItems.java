package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.OrgUser;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A synced user as a DynamoDB item and back. */
public final class UserItems {
    private UserItems() {}

    /**
     * Bumped when the index attributes change shape: a stored user of an older version reads as changed, so the next sync
     * rewrites it. 2: the listing of every user is a copy carrying only the row ({@code UIX#<id>#ALL}), no longer the
     * user item itself, whose claim status, index item keys, hash and sync time every page read (1 had it there).
     * 3: a copy and the user item carry the row as one compact JSON attribute ({@link #ROW}) instead of ~30 nested
     * attribute values.
     */
    static final long INDEX_VERSION = 3;
    /**
     * The oldest layout whose listings the License page can serve: from 1 on, every user is listed once, by its user
     * item (1) or its row copy (2), and a sync writes a user's items in one transaction, so a tenant halfway from 1 to 2
     * lists each user once too. Before 1 (no index items) the listings wait for a sync.
     */
    static final long FIRST_LISTED_INDEX_VERSION = 1;
    static final String INDEX_VERSION_ATTRIBUTE = "ixv";
    /**
     * The row, one JSON array: {@code [name, email, accountType, accountStatus, membershipStatus,
     * [[productKey, resourceId, lastActive], ...], [[groupId, groupName], ...]]} (null where absent). No expression
     * reads inside it (every filter is a key). As one string a row is ~10 % fewer bytes than as attribute values (the
     * read units of every listing page, the storage of four GSIs), and one value to build and decode, not ~30, for
     * our functions and for DynamoDB: a sync writes four such items a user.
     */
    static final String ROW = "row";

    /**
     * The user item: the whole synced user (user detail, reclaim, policies read it), its row packed as a copy's is, with
     * what no row shows beside it; no listing reads it.
     */
    static Map<String, AttributeValue> toItem(String tenantId, OrgUser u, String hash, Instant syncedAt) {
        Map<String, AttributeValue> item = packedRow(tenantId, u, TableKeys.user(u.accountId()));
        item.put("kind", s("user"));
        putIfPresent(item, "claimStatus", u.claimStatus());
        putIfPresent(item, "addedToOrg", u.addedToOrg());
        item.put("orgAdmin", AttributeValue.fromBool(u.orgAdmin()));
        item.put(TableKeys.IX_ITEMS, AttributeValue.fromL(indexItems(tenantId, u).stream().map(i -> i.get(TableKeys.SK)).toList()));
        item.put(INDEX_VERSION_ATTRIBUTE, Items.n(INDEX_VERSION));
        item.put("contentHash", s(hash));
        item.put("syncedAt", s(syncedAt.toString()));
        return item;
    }

    /**
     * The user's index items, each a copy of the row (what a License page row shows, nothing else: a listing page reads
     * every byte of them): one in the listing of every user (scope ALL, also what the search reads), one in the listing
     * of each product key the user holds (on any site), each ordered there by the latest use of those products.
     */
    static List<Map<String, AttributeValue>> indexItems(String tenantId, OrgUser u) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> all = indexItem(tenantId, u, TableKeys.SCOPE_ALL, u.products());
        List<String> search = searchTexts(u);
        if (search.get(1) != null) {
            all.put(TableKeys.IX_WORD, s(search.get(1) + TableKeys.SEPARATOR + u.accountId()));
        }
        if (search.get(2) != null) {
            all.put(TableKeys.IX_EMAIL, s(search.get(2) + TableKeys.SEPARATOR + u.accountId()));
        }
        items.add(all);
        Map<String, List<OrgUser.ProductAccess>> scopes = new LinkedHashMap<>();
        for (OrgUser.ProductAccess p : u.products()) {
            if (p.key() != null) {
                scopes.computeIfAbsent(TableKeys.productKeyScope(p.key()), k -> new ArrayList<>()).add(p);
            }
        }
        scopes.forEach((scope, products) -> items.add(indexItem(tenantId, u, scope, products)));
        return items;
    }

    /** What a search prefix is matched against, as index text, in search order: the name, its last word, the email (null: none). */
    static List<String> searchTexts(OrgUser u) {
        String name = u.name() == null ? null : TableKeys.indexText(u.name());
        String[] words = u.name() == null ? new String[0] : u.name().strip().split("\\s+");
        String word = words.length > 1 ? TableKeys.indexText(words[words.length - 1]) : null;
        String email = u.email() == null ? null : TableKeys.indexText(u.email());
        return java.util.Arrays.asList(name == null || name.isEmpty() ? null : name, word, email == null || email.isEmpty() ? null : email);
    }

    /** The row in one listing ({@code scope}), keyed there by the given products' last use. */
    private static Map<String, AttributeValue> indexItem(String tenantId, OrgUser u, String scope, List<OrgUser.ProductAccess> scopeProducts) {
        // The row and the listing keys only (no "kind"): every page that lists the copy reads every byte of it.
        Map<String, AttributeValue> item = packedRow(tenantId, u, TableKeys.userIndexItem(u.accountId(), scope));
        item.put(TableKeys.IX_PK, s(TableKeys.userIndex(tenantId, scope)));
        item.put(TableKeys.IX_ACTIVE, s(TableKeys.activityKey(!scopeProducts.isEmpty(), latestUse(scopeProducts), u.accountId())));
        item.put(TableKeys.IX_NAME, s(TableKeys.nameKey(u.name(), u.accountId())));
        return item;
    }

    /** The key, the user's id and the row as {@link #ROW} holds it. */
    private static Map<String, AttributeValue> packedRow(String tenantId, OrgUser u, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.licenses(tenantId)));
        item.put(TableKeys.SK, s(sk));
        item.put("accountId", s(u.accountId()));
        item.put(ROW, s(rowJson(u)));
        return item;
    }

    /** The user's row as {@link #ROW} holds it. */
    static String rowJson(OrgUser u) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(text)) {
            json.writeStartArray();
            json.writeString(u.name());
            json.writeString(u.email());
            json.writeString(u.accountType());
            json.writeString(u.accountStatus());
            json.writeString(u.membershipStatus());
            json.writeStartArray();
            for (OrgUser.ProductAccess p : u.products()) {
                json.writeStartArray();
                json.writeString(p.key());
                json.writeString(p.resourceId());
                json.writeString(p.lastActive());
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeStartArray();
            for (OrgUser.GroupRef g : u.groups()) {
                json.writeStartArray();
                json.writeString(g.id());
                json.writeString(g.name());
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** The user of a {@link #ROW}, with what no row shows as the item has it (a copy has none of it). */
    private static OrgUser fromRow(Map<String, AttributeValue> item, String row) {
        JsonNode fields;
        try {
            fields = Json.MAPPER.readTree(row);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable listing row of a stored copy", e);
        }
        List<OrgUser.ProductAccess> products = new ArrayList<>();
        for (JsonNode p : fields.get(5)) {
            products.add(new OrgUser.ProductAccess(text(p.get(0)), text(p.get(1)), text(p.get(2))));
        }
        List<OrgUser.GroupRef> groups = new ArrayList<>();
        for (JsonNode g : fields.get(6)) {
            groups.add(new OrgUser.GroupRef(text(g.get(0)), text(g.get(1))));
        }
        AttributeValue admin = item.get("orgAdmin");
        return new OrgUser(str(item, "accountId"), text(fields.get(0)), text(fields.get(1)), text(fields.get(2)),
                text(fields.get(3)), text(fields.get(4)), str(item, "claimStatus"), admin != null && Boolean.TRUE.equals(admin.bool()),
                str(item, "addedToOrg"), products, groups);
    }

    private static String text(JsonNode value) {
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The latest last use among the products, in epoch millis; null when none was ever used. */
    private static Long latestUse(List<OrgUser.ProductAccess> products) {
        Long latest = null;
        for (OrgUser.ProductAccess p : products) {
            if (p.lastActive() != null) {
                long at = Instant.parse(p.lastActive()).toEpochMilli();
                latest = latest == null ? at : Math.max(latest, at);
            }
        }
        return latest;
    }

    /** The sort keys of the index items the stored user item names (none for items written before the indexes). */
    static List<String> indexItemKeys(Map<String, AttributeValue> userItem) {
        AttributeValue keys = userItem == null ? null : userItem.get(TableKeys.IX_ITEMS);
        return keys == null || !keys.hasL() ? List.of() : keys.l().stream().map(AttributeValue::s).toList();
    }

    /** The user of a user item or a listing copy of any index layout (its row as attribute values before 3). */
    public static OrgUser fromItem(Map<String, AttributeValue> item) {
        AttributeValue row = item.get(ROW);
        if (row != null) {
            return fromRow(item, row.s());
        }
        List<OrgUser.ProductAccess> products = new ArrayList<>();
        for (AttributeValue v : item.getOrDefault("products", AttributeValue.fromL(List.of())).l()) {
            products.add(new OrgUser.ProductAccess(str(v.m(), "key"), str(v.m(), "resourceId"), str(v.m(), "lastActive")));
        }
        List<OrgUser.GroupRef> groups = new ArrayList<>();
        for (AttributeValue v : item.getOrDefault("groups", AttributeValue.fromL(List.of())).l()) {
            groups.add(new OrgUser.GroupRef(str(v.m(), "id"), str(v.m(), "name")));
        }
        AttributeValue admin = item.get("orgAdmin");
        return new OrgUser(str(item, "accountId"), str(item, "name"), str(item, "email"), str(item, "accountType"),
                str(item, "accountStatus"), str(item, "membershipStatus"), str(item, "claimStatus"),
                admin != null && Boolean.TRUE.equals(admin.bool()), str(item, "addedToOrg"), products, groups);
    }
}
