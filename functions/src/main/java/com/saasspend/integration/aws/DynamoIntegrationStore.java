package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.num;
import static com.saasspend.integration.aws.Items.putIfPresent;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** Integration records in the single table: pk {@code TENANT#t}, sk {@code INTEGRATION#type}. */
public final class DynamoIntegrationStore implements IntegrationStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoIntegrationStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Integration> find(String tenantId, IntegrationType type) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.integration(type.id())))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    @Override
    public List<Integration> list(String tenantId) {
        List<Integration> result = new ArrayList<>();
        QueryRequest query = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":prefix", s(TableKeys.INTEGRATION_PREFIX)))
                .build();
        dynamo.queryPaginator(query).items().forEach(item -> result.add(fromItem(item)));
        return result;
    }

    @Override
    public Integration save(Integration integration, long expectedVersion) {
        Integration stored = new Integration(integration.tenantId(), integration.type(), integration.status(),
                integration.settings(), integration.secretName(), integration.credentialExpiresOn(),
                integration.connectedAt(), integration.connectedBy(), integration.lastSuccessfulSyncAt(),
                integration.lastError(), integration.syncPaused(), expectedVersion + 1);
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(toItem(stored));
        if (expectedVersion == 0) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("version = :expected")
                    .expressionAttributeValues(Map.of(":expected", n(expectedVersion)));
        }
        try {
            dynamo.putItem(put.build());
            return stored;
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentChangeException("The " + integration.type().id() + " integration changed concurrently");
        }
    }

    @Override
    public void delete(String tenantId, IntegrationType type) {
        dynamo.deleteItem(r -> r.tableName(table)
                .key(Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.integration(type.id())))));
    }

    private static Map<String, AttributeValue> toItem(Integration i) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TableKeys.PK, s(TableKeys.tenant(i.tenantId())));
        item.put(TableKeys.SK, s(TableKeys.integration(i.type().id())));
        item.put("kind", s("integration"));
        item.put("tenantId", s(i.tenantId()));
        item.put("type", s(i.type().id()));
        item.put("status", s(i.status().id()));
        Map<String, AttributeValue> settings = new HashMap<>();
        i.settings().forEach((k, v) -> settings.put(k, s(v)));
        item.put("settings", AttributeValue.fromM(settings));
        putIfPresent(item, "secretName", i.secretName());
        putIfPresent(item, "credentialExpiresOn", i.credentialExpiresOn());
        putIfPresent(item, "connectedAt", i.connectedAt());
        putIfPresent(item, "connectedBy", i.connectedBy());
        putIfPresent(item, "lastSuccessfulSyncAt", i.lastSuccessfulSyncAt());
        putIfPresent(item, "lastError", i.lastError());
        item.put("version", n(i.version()));
        item.put("syncPaused", AttributeValue.fromBool(i.syncPaused()));
        // Only integrations the schedule should sync are in the dispatcher's sparse index.
        if (i.syncs()) {
            item.put(TableKeys.CONNECTED_PK, s(TableKeys.CONNECTED_PARTITION));
            item.put(TableKeys.CONNECTED_SK, s(TableKeys.connected(i.tenantId(), i.type().id())));
        }
        return item;
    }

    private static Integration fromItem(Map<String, AttributeValue> item) {
        Map<String, String> settings = new HashMap<>();
        AttributeValue stored = item.get("settings");
        if (stored != null && stored.hasM()) {
            stored.m().forEach((k, v) -> settings.put(k, v.s()));
        }
        String expires = str(item, "credentialExpiresOn");
        String connectedAt = str(item, "connectedAt");
        String lastSync = str(item, "lastSuccessfulSyncAt");
        return new Integration(
                str(item, "tenantId"),
                IntegrationType.fromId(str(item, "type")).orElseThrow(),
                IntegrationStatus.valueOf(str(item, "status").toUpperCase(java.util.Locale.ROOT)),
                settings,
                str(item, "secretName"),
                expires == null ? null : LocalDate.parse(expires),
                connectedAt == null ? null : Instant.parse(connectedAt),
                str(item, "connectedBy"),
                lastSync == null ? null : Instant.parse(lastSync),
                str(item, "lastError"),
                item.containsKey("syncPaused") && Boolean.TRUE.equals(item.get("syncPaused").bool()),
                num(item, "version", 0));
    }
}
