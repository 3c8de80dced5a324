package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.OrgUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** User items as index layouts 1 and 2 stored them (the row as attribute values), for the tests of reading and migrating them. */
final class LegacyUserItems {
    private LegacyUserItems() {}

    /** A stored item of layout 3 (a user item or a copy) as layout 2 had it: the same attributes, the row unpacked. */
    static Map<String, AttributeValue> unpacked(String tenantId, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> legacy = new HashMap<>(item);
        legacy.remove(UserItems.ROW);
        legacy.putAll(row(tenantId, UserItems.fromItem(item), item.get(TableKeys.SK).s()));
        return legacy;
    }

    /** The attributes a License page row shows (LicenseService.UserRow), under the item's key, as layouts 1 and 2 had them. */
    static Map<String, AttributeValue> row(String tenantId, OrgUser u, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.licenses(tenantId)));
        item.put(TableKeys.SK, s(sk));
        item.put("accountId", s(u.accountId()));
        putIfPresent(item, "name", u.name());
        putIfPresent(item, "email", u.email());
        putIfPresent(item, "accountType", u.accountType());
        putIfPresent(item, "accountStatus", u.accountStatus());
        putIfPresent(item, "membershipStatus", u.membershipStatus());
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
        return item;
    }
}
