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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads the license partition {@code TENANT#t#LICENSES}; the partition comes from the tenant, never from input. */
public final class DynamoLicenseReader implements LicenseReader {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoLicenseStore store;

    public DynamoLicenseReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.store = new DynamoLicenseStore(dynamo, table);
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
        return Optional.of(new Summary(counts, (int) Items.num(item, "inactivityDays", 30), at == null ? null : Instant.parse(at)));
    }

    @Override
    public UserScan users(String tenantId, String afterAccountId, int max) {
        Map<String, AttributeValue> values = Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(TableKeys.USER_PREFIX));
        QueryResponse response = dynamo.query(r -> {
            r.tableName(table).limit(max)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(values);
            if (afterAccountId != null) {
                r.exclusiveStartKey(key(tenantId, TableKeys.user(afterAccountId)));
            }
        });
        List<OrgUser> users = new ArrayList<>();
        response.items().forEach(item -> {
            if (!removed(item)) {
                users.add(UserItems.fromItem(item));
            }
        });
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        String lastId = last == null || last.isEmpty() ? null : str(last, TableKeys.SK).substring(TableKeys.USER_PREFIX.length());
        return new UserScan(users, lastId);
    }

    @Override
    public Optional<OrgUser> user(String tenantId, String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId, TableKeys.user(accountId)))).item();
        return item == null || item.isEmpty() || removed(item) ? Optional.empty() : Optional.of(UserItems.fromItem(item));
    }

    @Override
    public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
        Map<String, OrgGroup> groups = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(groupIds));
        for (int from = 0; from < ids.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + 100)).stream()
                    .map(id -> key(tenantId, TableKeys.group(id))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
            while (request != null && !request.isEmpty()) {
                Map<String, KeysAndAttributes> current = request;
                var response = dynamo.batchGetItem(r -> r.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    if (!removed(item)) {
                        OrgGroup g = GroupItems.fromItem(item);
                        groups.put(g.id(), g);
                    }
                });
                request = response.unprocessedKeys();
            }
        }
        return groups;
    }

    private static boolean removed(Map<String, AttributeValue> item) {
        return item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
    }
}
