package com.saasspend.integration.aws;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small readers and writers for low-level DynamoDB attribute maps (the enhanced client costs cold-start time). */
final class Items {
    private Items() {}

    /** The key of one integration's item in its tenant's own partition: {@code TENANT#<id> / <sk>}. */
    static Map<String, AttributeValue> integrationKey(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(sk));
    }

    /** The item under {@code key}, read consistently (the writer may be another invocation); empty when there is none. */
    static Map<String, AttributeValue> readConsistently(DynamoDbClient dynamo, String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key)).item();
        return item == null ? Map.of() : item;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
        if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static long num(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? fallback : Long.parseLong(value.n());
    }
}
