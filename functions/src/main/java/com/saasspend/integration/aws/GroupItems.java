package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.OrgGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A synced group as a DynamoDB item and back. */
public final class GroupItems {
    private GroupItems() {}

    static Map<String, AttributeValue> toItem(String tenantId, OrgGroup g, String hash, Instant syncedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.licenses(tenantId)));
        item.put(TableKeys.SK, s(TableKeys.group(g.id())));
        item.put("kind", s("group"));
        item.put("groupId", s(g.id()));
        putIfPresent(item, "name", g.name());
        putIfPresent(item, "description", g.description());
        putIfPresent(item, "managedBy", g.managedBy());
        putIfPresent(item, "directoryId", g.directoryId());
        item.put("externallyManaged", AttributeValue.fromBool(g.externallyManaged()));
        if (g.memberCount() != null) {
            item.put("memberCount", Items.n(g.memberCount()));
        }
        List<AttributeValue> grants = new ArrayList<>();
        for (OrgGroup.Grant grant : g.grants()) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("resourceId", s(grant.resourceId()));
            putIfPresent(m, "productKey", grant.productKey());
            m.put("roles", AttributeValue.fromL(grant.roles().stream().map(Items::s).toList()));
            m.put("defaultGroup", AttributeValue.fromBool(grant.defaultGroup()));
            grants.add(AttributeValue.fromM(m));
        }
        item.put("grants", AttributeValue.fromL(grants));
        item.put("contentHash", s(hash));
        item.put("syncedAt", s(syncedAt.toString()));
        return item;
    }

    public static OrgGroup fromItem(Map<String, AttributeValue> item) {
        List<OrgGroup.Grant> grants = new ArrayList<>();
        for (AttributeValue v : item.getOrDefault("grants", AttributeValue.fromL(List.of())).l()) {
            Map<String, AttributeValue> m = v.m();
            grants.add(new OrgGroup.Grant(str(m, "resourceId"), str(m, "productKey"),
                    m.getOrDefault("roles", AttributeValue.fromL(List.of())).l().stream().map(AttributeValue::s).toList(),
                    m.containsKey("defaultGroup") && Boolean.TRUE.equals(m.get("defaultGroup").bool())));
        }
        AttributeValue external = item.get("externallyManaged");
        AttributeValue members = item.get("memberCount");
        return new OrgGroup(str(item, "groupId"), str(item, "name"), str(item, "description"), str(item, "managedBy"),
                external != null && Boolean.TRUE.equals(external.bool()),
                members == null ? null : Integer.valueOf(members.n()), grants, str(item, "directoryId"));
    }
}
