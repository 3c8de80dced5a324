package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.util.Map;

/** Test doubles the org sync's unit tests share: a vault holding one API key, and a tenant on the default settings. */
final class SyncTestDoubles {
    private SyncTestDoubles() {}

    /** Every secret reads as this API key; creating one answers the name "secret". */
    static CredentialVault vaultWithKey(String apiKey) {
        return new CredentialVault() {
            @Override
            public String create(String tenantId, IntegrationType type, Map<String, String> secret) {
                return "secret";
            }

            @Override
            public void replace(String secretName, Map<String, String> secret) {}

            @Override
            public Map<String, String> read(String secretName) {
                return Map.of("apiKey", apiKey);
            }

            @Override
            public void delete(String secretName) {}
        };
    }

    /** Every tenant on {@link TenantSettings#DEFAULTS}; saving is ignored. */
    static TenantSettingsStore defaultSettings() {
        return new TenantSettingsStore() {
            @Override
            public TenantSettings get(String tenantId) {
                return TenantSettings.DEFAULTS;
            }

            @Override
            public void put(String tenantId, TenantSettings s) {}
        };
    }
}
