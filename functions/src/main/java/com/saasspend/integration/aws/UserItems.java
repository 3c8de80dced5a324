package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.OrgUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A synced user as a DynamoDB item and back. */
public final class UserItems {
    private UserItems() {}

    static Map<String, AttributeValue> toItem(String tenantId, OrgUser u, String hash, Instant syncedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.licenses(tenantId)));
        item.put(TableKeys.SK, s(TableKeys.user(u.accountId())));
        item.put("kind", s("user"));
        item.put("accountId", s(u.accountId()));
        putIfPresent(item, "name", u.name());
        putIfPresent(item, "email", u.email());
        // Lower-cased copy for the License page's case-insensitive search.
        item.put("search", s(((u.name() == null ? "" : u.name()) + " " + (u.email() == null ? "" : u.email())).toLowerCase(Locale.ROOT)));
        putIfPresent(item, "accountType", u.accountType());
        putIfPresent(item, "accountStatus", u.accountStatus());
        putIfPresent(item, "membershipStatus", u.membershipStatus());
        putIfPresent(item, "claimStatus", u.claimStatus());
        putIfPresent(item, "addedToOrg", u.addedToOrg());
        item.put("orgAdmin", AttributeValue.fromBool(u.orgAdmin()));
        List<AttributeValue> products = new ArrayList<>();
        for (OrgUser.ProductAccess p : u.products()) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("key", s(p.key()));
            m.put("resourceId", s(p.resourceId()));
            putIfPresent(m, "lastActive", p.lastActive());
            products.add(AttributeValue.fromM(m));
        }
        item.put("products", AttributeValue.fromL(products));
        List<AttributeValue> groups = new ArrayList<>();
        for (OrgUser.GroupRef g : u.groups()) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("id", s(g.id()));
            putIfPresent(m, "name", g.name());
            groups.add(AttributeValue.fromM(m));
        }
        item.put("groups", AttributeValue.fromL(groups));
        item.put("contentHash", s(hash));
        item.put("syncedAt", s(syncedAt.toString()));
        return item;
    }

    public static OrgUser fromItem(Map<String, AttributeValue> item) {
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
