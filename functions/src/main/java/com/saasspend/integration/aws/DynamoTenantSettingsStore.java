package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.SettingsChange;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** {@code TENANT#t / SETTINGS}: inactivity threshold, seat prices and the reclaim policies' kill switch. */
public final class DynamoTenantSettingsStore implements TenantSettingsStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoTenantSettingsStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private Map<String, AttributeValue> key(String tenantId) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.SETTINGS));
    }

    @Override
    public TenantSettings get(String tenantId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(tenantId))).item();
        return item == null || item.isEmpty() ? TenantSettings.DEFAULTS : fromItem(item);
    }

    private static TenantSettings fromItem(Map<String, AttributeValue> item) {
        int days = (int) Items.num(item, "inactivityDays", TenantSettings.DEFAULT_INACTIVITY_DAYS);
        Map<String, BigDecimal> prices = new HashMap<>();
        AttributeValue stored = item.get("seatPrices");
        if (stored != null && stored.hasM()) {
            stored.m().forEach((product, price) -> prices.put(product, new BigDecimal(price.n())));
        }
        AttributeValue paused = item.get("policiesPaused");
        return new TenantSettings(days, prices, paused != null && Boolean.TRUE.equals(paused.bool()));
    }

    /** Replaces the settings whole (seeding, tests); requests change them through {@link #update}. */
    @Override
    public void put(String tenantId, TenantSettings settings) {
        Map<String, AttributeValue> item = toItem(tenantId, settings);
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private Map<String, AttributeValue> toItem(String tenantId, TenantSettings settings) {
        Map<String, AttributeValue> prices = new HashMap<>();
        settings.seatPrices().forEach((product, price) -> prices.put(product, AttributeValue.fromN(price.toPlainString())));
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId));
        item.put("kind", s("settings"));
        item.put("inactivityDays", n(settings.inactivityDays()));
        item.put("seatPrices", AttributeValue.fromM(prices));
        item.put("policiesPaused", AttributeValue.fromBool(settings.policiesPaused()));
        return item;
    }

    /**
     * Read, apply, and write back only if nobody wrote in between (the item's {@code version}): two requests changing
     * different settings or different products' prices at once both keep their change.
     */
    @Override
    public TenantSettings update(String tenantId, SettingsChange change) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> stored = dynamo.getItem(r -> r.tableName(table).key(key(tenantId)).consistentRead(true)).item();
            boolean exists = stored != null && !stored.isEmpty();
            long version = exists ? Items.num(stored, VERSION, 0) : 0;
            TenantSettings updated = change.applyTo(exists ? fromItem(stored) : TenantSettings.DEFAULTS);
            Map<String, AttributeValue> item = toItem(tenantId, updated);
            item.put(VERSION, n(version + 1));
            try {
                dynamo.putItem(r -> r.tableName(table).item(item)
                        .conditionExpression(version == 0 ? "attribute_not_exists(#v)" : "#v = :v")
                        .expressionAttributeNames(Map.of("#v", VERSION))
                        .expressionAttributeValues(version == 0 ? null : Map.of(":v", n(version))));
                return updated;
            } catch (ConditionalCheckFailedException changedMeanwhile) {
                // Another request saved first: apply this change to what it saved.
            }
        }
        throw new Refusal(Refusal.Kind.CONFLICT, "settings_busy",
                "The settings kept changing while this change was being saved; nothing of it was saved. Try again.");
    }

    private static final String VERSION = "version";
    private static final int ATTEMPTS = 5;
}
