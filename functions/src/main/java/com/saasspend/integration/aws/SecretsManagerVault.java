package com.saasspend.integration.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.TenantIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Credentials in Secrets Manager, one secret per tenant, integration and connection, named
 * {@code <prefix>/<tenant>/<integration>/<connection id>} so IAM can be scoped to the prefix. A fresh name per
 * connection sidesteps "scheduled for deletion" name clashes after a disconnect. Reads go through a short cache so a
 * warm Lambda instance does not call Secrets Manager on every request.
 */
public final class SecretsManagerVault implements CredentialVault {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    static final Duration CACHE_TTL = Duration.ofMinutes(5);

    private final SecretsManagerClient secrets;
    private final String prefix;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Map<String, String> value, Instant until) {}

    public SecretsManagerVault(SecretsManagerClient secrets, String prefix, Clock clock) {
        this.secrets = secrets;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.clock = clock;
    }

    @Override
    public String create(String tenantId, IntegrationType type, Map<String, String> secret) {
        String name = prefix + "/" + safe(tenantId) + "/" + type.id() + "/" + UUID.randomUUID();
        secrets.createSecret(r -> r.name(name)
                .secretString(toJson(secret))
                .description("Credential of the " + type.id() + " integration")
                .tags(Tag.builder().key("tenant").value(safe(tenantId)).build(),
                      Tag.builder().key("integration").value(type.id()).build()));
        remember(name, secret);
        return name;
    }

    @Override
    public void replace(String secretName, Map<String, String> secret) {
        secrets.putSecretValue(r -> r.secretId(secretName).secretString(toJson(secret)));
        remember(secretName, secret);
    }

    @Override
    public Map<String, String> read(String secretName) {
        Cached cached = cache.get(secretName);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return cached.value();
        }
        String json = secrets.getSecretValue(r -> r.secretId(secretName)).secretString();
        Map<String, String> value = fromJson(json);
        remember(secretName, value);
        return value;
    }

    /** Drops a cached value, e.g. after Atlassian rejected it, so the next read sees a rotation done elsewhere. */
    @Override
    public void forget(String secretName) {
        cache.remove(secretName);
    }

    @Override
    public void delete(String secretName) {
        cache.remove(secretName);
        try {
            secrets.deleteSecret(r -> r.secretId(secretName).forceDeleteWithoutRecovery(true));
        } catch (ResourceNotFoundException alreadyGone) {
            // Deleting is idempotent: a repeated disconnect finds nothing to delete.
        }
    }

    private void remember(String name, Map<String, String> value) {
        value.values().forEach(Log::redact);
        cache.put(name, new Cached(Map.copyOf(value), clock.instant().plus(CACHE_TTL)));
    }

    /**
     * Secret names allow [A-Za-z0-9/_+=.@-] and '/' separates the name's parts: a valid tenant id ({@link TenantIds})
     * uses only [A-Za-z0-9._-], so it is one part, unchanged, and no tenant's name can fall under another's.
     */
    static String safe(String tenantId) {
        return TenantIds.require(tenantId);
    }

    private static String toJson(Map<String, String> secret) {
        try {
            return Json.MAPPER.writeValueAsString(secret);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Secret could not be serialised");
        }
    }

    private static Map<String, String> fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            // Never include the secret text in the error.
            throw new IllegalStateException("Stored secret is not a JSON object of strings");
        }
    }
}
