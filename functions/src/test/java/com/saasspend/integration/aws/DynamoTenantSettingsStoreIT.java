package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.saasspend.integration.domain.licenses.SettingsChange;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The settings item on moto: a change is applied to what is stored, and a change racing another keeps both. */
@ExtendWith(AwsEmulator.class)
class DynamoTenantSettingsStoreIT {
    private static final String TENANT = "tenant-settings";

    private final EmulatedAws aws = new EmulatedAws();
    private final DynamoTenantSettingsStore store = new DynamoTenantSettingsStore(aws.dynamo, aws.table);

    @AfterEach
    void drop() {
        aws.deleteTable();
    }

    /** A client that runs {@code meanwhile} once, right after the first item read, as another request would. */
    private DynamoDbClient racedBy(AtomicReference<Runnable> meanwhile) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(aws.dynamo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("getItem")) {
                        Runnable once = meanwhile.getAndSet(null);
                        if (once != null) {
                            once.run();
                        }
                    }
                    return result;
                });
    }

    @Test
    void twoRequestsPricingDifferentProductsAtOnceBothKeepTheirPrice() {
        store.update(TENANT, new SettingsChange(45, Map.of("confluence", BigDecimal.ONE), null));
        AtomicReference<Runnable> other = new AtomicReference<>(
                () -> store.update(TENANT, new SettingsChange(null, Map.of("trello", BigDecimal.valueOf(2)), true)));

        TenantSettings saved = new DynamoTenantSettingsStore(racedBy(other), aws.table)
                .update(TENANT, new SettingsChange(null, Map.of("jira-software", BigDecimal.TEN), null));

        TenantSettings expected = new TenantSettings(45, Map.of("confluence", BigDecimal.ONE, "trello", BigDecimal.valueOf(2),
                "jira-software", BigDecimal.TEN), true);
        assertEquals(expected, saved, "applied again to what the other request saved");
        assertEquals(expected, store.get(TENANT));

        Map<String, BigDecimal> removal = new HashMap<>();
        removal.put("trello", null);
        assertEquals(new TenantSettings(45, Map.of("confluence", BigDecimal.ONE, "jira-software", BigDecimal.TEN), true),
                store.update(TENANT, new SettingsChange(null, removal, null)));
    }
}
