package com.saasspend.integration.testing;

import com.saasspend.integration.aws.GroupItems;
import com.saasspend.integration.aws.UserItems;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads back what a sync stored for a tenant, to compare with the simulator's truth. */
public final class LicenseItems {
    private LicenseItems() {}

    public static Map<String, OrgUser> users(EmulatedAws aws, String tenant) {
        Map<String, OrgUser> users = new TreeMap<>();
        query(aws.dynamo, aws.table, tenant, "USER#").forEach((sk, item) -> {
            if (!removed(item)) {
                OrgUser u = UserItems.fromItem(item);
                users.put(u.accountId(), u);
            }
        });
        return users;
    }

    public static Map<String, OrgGroup> groups(EmulatedAws aws, String tenant) {
        Map<String, OrgGroup> groups = new TreeMap<>();
        query(aws.dynamo, aws.table, tenant, "GROUP#").forEach((sk, item) -> {
            if (!removed(item)) {
                OrgGroup g = GroupItems.fromItem(item);
                groups.put(g.id(), g);
            }
        });
        return groups;
    }

    public static Map<String, AttributeValue> summary(EmulatedAws aws, String tenant) {
        return query(aws.dynamo, aws.table, tenant, "SUMMARY").values().stream().findFirst().orElse(Map.of());
    }

    private static boolean removed(Map<String, AttributeValue> item) {
        return item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
    }

    private static Map<String, Map<String, AttributeValue>> query(DynamoDbClient dynamo, String table, String tenant, String prefix) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("TENANT#" + tenant + "#LICENSES"), ":p", AttributeValue.fromS(prefix))))
                .items().forEach(item -> items.put(item.get("sk").s(), item));
        return items;
    }
}
