package com.saasspend.integration.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.policies.PolicyJobSettlement;
import com.saasspend.integration.domain.policies.PolicyService;
import com.saasspend.integration.domain.policies.PolicyStore;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluation function takes only a completed Atlassian org sync of a valid tenant; anything else reads nothing. */
class PolicyEvaluationHandlerTest {
    private final List<String> tenantsRead = new ArrayList<>();
    private final TenantSettingsStore settings = new TenantSettingsStore() {
        @Override public TenantSettings get(String tenantId) { tenantsRead.add(tenantId); return new TenantSettings(30, Map.of(), true); }
        @Override public void put(String tenantId, TenantSettings s) { }
    };
    private final PolicyStore unused = (PolicyStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PolicyStore.class},
            (proxy, method, args) -> { throw new AssertionError("paused: no policy is read, " + method.getName()); });
    private final PolicyEvaluationHandler handler = new PolicyEvaluationHandler(new PolicyService(unused,
            new LicenseService(new InMemoryLicenseReader(), settings, new InMemoryIntegrations(), Clock.systemUTC()), null, null, settings,
            Clock.systemUTC()), new PolicyJobSettlement(unused, null, settings, Clock.systemUTC()));

    private static Map<String, Object> event(String detailType, Object tenant, String integration) {
        Map<String, Object> detail = new java.util.HashMap<>();
        detail.put("tenantId", tenant);
        detail.put("integration", integration);
        return Map.of("detail-type", detailType, "detail", detail);
    }

    @Test
    void onlyACompletedAtlassianSyncOfAValidTenantIsEvaluated() {
        assertEquals("ignored", handler.handleRequest(event("IntegrationSyncRequested", "t1", "atlassian"), null).get("outcome"));
        assertEquals("ignored", handler.handleRequest(event("IntegrationSyncCompleted", "t1", "jira"), null).get("outcome"));
        assertEquals("ignored", handler.handleRequest(event("IntegrationSyncCompleted", "t#1", "atlassian"), null).get("outcome"));
        assertEquals("ignored", handler.handleRequest(event("IntegrationSyncCompleted", 7, "atlassian"), null).get("outcome"));
        assertEquals("ignored", handler.handleRequest(null, null).get("outcome"));
        assertEquals(List.of(), tenantsRead);

        // The tenant's kill switch is on: evaluated means nothing was read past the settings.
        Map<String, Object> answer = handler.handleRequest(event("IntegrationSyncCompleted", "t1", "atlassian"), null);
        assertEquals("evaluated", answer.get("outcome"));
        assertEquals(0, answer.get("policies"));
        assertEquals(List.of("t1"), tenantsRead.stream().distinct().toList());
    }
}
