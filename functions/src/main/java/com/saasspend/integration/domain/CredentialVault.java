package com.saasspend.integration.domain;

import java.util.Map;
import java.util.function.Predicate;

/** Where credentials live (Secrets Manager): the only place a key or token is ever stored. */
public interface CredentialVault {
    /** Stores a new secret for the tenant's integration and answers its name (kept in the integration record). */
    String create(String tenantId, IntegrationType type, Map<String, String> secret);

    /** Replaces the value of an existing secret (rotation). */
    void replace(String secretName, Map<String, String> secret);

    Map<String, String> read(String secretName);

    /** Drops any cached copy of the secret, so the next {@link #read} fetches the stored value. No cache: nothing to do. */
    default void forget(String secretName) {}

    /**
     * After the upstream rejected the credential used (HTTP 401): drops the cached secret and reads it afresh; true
     * when the stored one is not the one used ({@code isUsed} false: rotated meanwhile), so one retry with it is
     * worthwhile. A vault that cannot be read answers false: the caller handles the 401 as it would have.
     */
    static boolean newerThanUsed(CredentialVault vault, String secretName, Predicate<Map<String, String>> isUsed) {
        try {
            vault.forget(secretName);
            return !isUsed.test(vault.read(secretName));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** Deletes at once, without a recovery window: a disconnected customer's key must not linger. Absent is fine. */
    void delete(String secretName);
}
