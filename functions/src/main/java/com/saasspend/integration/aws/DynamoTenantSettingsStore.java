package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
        if (item == null || item.isEmpty()) {
            return TenantSettings.DEFAULTS;
        }
        int days = (int) Items.num(item, "inactivityDays", TenantSettings.DEFAULT_INACTIVITY_DAYS);
        Map<String, BigDecimal> prices = new HashMap<>();
        AttributeValue stored = item.get("seatPrices");
        if (stored != null && stored.hasM()) {
            stored.m().forEach((product, price) -> prices.put(product, new BigDecimal(price.n())));
        }
        AttributeValue paused = item.get("policiesPaused");
        return new TenantSettings(days, prices, paused != null && Boolean.TRUE.equals(paused.bool()));
    }

    @Override
    public void put(String tenantId, TenantSettings settings) {
        Map<String, AttributeValue> prices = new HashMap<>();
        settings.seatPrices().forEach((product, price) -> prices.put(product, AttributeValue.fromN(price.toPlainString())));
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId));
        item.put("kind", s("settings"));
        item.put("inactivityDays", n(settings.inactivityDays()));
        item.put("seatPrices", AttributeValue.fromM(prices));
        item.put("policiesPaused", AttributeValue.fromBool(settings.policiesPaused()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }
}
