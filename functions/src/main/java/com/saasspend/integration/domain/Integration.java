package com.saasspend.integration.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * One connected integration of one tenant, as stored. Holds where its credential lives ({@code secretName}), never the
 * credential itself. {@code settings} are the non-secret connection facts (org id, site, workspace, admin email).
 */
public record Integration(
        String tenantId,
        IntegrationType type,
        IntegrationStatus status,
        Map<String, String> settings,
        String secretName,
        LocalDate credentialExpiresOn,
        Instant connectedAt,
        String connectedBy,
        Instant lastSuccessfulSyncAt,
        String lastError,
        long version) {

    public Integration {
        settings = Map.copyOf(settings);
    }

    public String setting(String name) {
        return settings.get(name);
    }

    public Integration withStatus(IntegrationStatus newStatus, String error) {
        return new Integration(tenantId, type, newStatus, settings, secretName, credentialExpiresOn, connectedAt,
                connectedBy, lastSuccessfulSyncAt, error, version);
    }
}
