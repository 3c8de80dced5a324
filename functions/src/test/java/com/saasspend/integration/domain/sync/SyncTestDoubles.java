package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.util.Map;

/**
 * Test doubles the sync unit tests share (the org's and the products'): vaults, and a tenant on the default settings.
 */
public final class SyncTestDoubles {
    private SyncTestDoubles() {}

    /** A vault whose writes do nothing (creating a secret answers the name "secret"); a test says what a read answers. */
    public abstract static class ReadOnlyVault implements CredentialVault {
        @Override
        public String create(String tenantId, IntegrationType type, Map<String, String> secret) {
            return "secret";
        }

        @Override
        public void replace(String secretName, Map<String, String> secret) {}

        @Override
        public void delete(String secretName) {}
    }

    /** Every secret reads as {@code secret}. */
    public static CredentialVault vaultHolding(Map<String, String> secret) {
        return new ReadOnlyVault() {
            @Override
            public Map<String, String> read(String secretName) {
                return secret;
            }
        };
    }

    /** Every secret reads as this API key. */
    public static CredentialVault vaultWithKey(String apiKey) {
        return vaultHolding(Map.of("apiKey", apiKey));
    }

    /** Every tenant on {@link TenantSettings#DEFAULTS}; saving is ignored. */
    public static TenantSettingsStore defaultSettings() {
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
