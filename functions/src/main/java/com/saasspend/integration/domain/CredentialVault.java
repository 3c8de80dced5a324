package com.saasspend.integration.domain;

import java.util.Map;

/** Where credentials live (Secrets Manager): the only place a key or token is ever stored. */
public interface CredentialVault {
    /** Stores a new secret for the tenant's integration and answers its name (kept in the integration record). */
    String create(String tenantId, IntegrationType type, Map<String, String> secret);

    /** Replaces the value of an existing secret (rotation). */
    void replace(String secretName, Map<String, String> secret);

    Map<String, String> read(String secretName);

    /** Deletes at once, without a recovery window: a disconnected customer's key must not linger. Absent is fine. */
    void delete(String secretName);
}
