package com.saasspend.integration.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * One connected integration of one tenant, as stored. Holds where its credential lives ({@code secretName}), never the
 * credential itself. {@code settings} are the non-secret connection facts (org id, site, workspace, admin email).
 * {@code syncPaused}: the credential was rejected, so syncs wait until it is rotated instead of failing every tick.
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
        boolean syncPaused,
        long version) {

    public Integration {
        settings = Map.copyOf(settings);
    }

    /** Whether syncs run for it: connected (in any state) and not paused until its credential is rotated. */
    public boolean syncs() {
        return status != IntegrationStatus.DISCONNECTED && !syncPaused;
    }

    public String setting(String name) {
        return settings.get(name);
    }

    public Integration withStatus(IntegrationStatus newStatus, String error) {
        return new Integration(tenantId, type, newStatus, settings, secretName, credentialExpiresOn, connectedAt,
                connectedBy, lastSuccessfulSyncAt, error, syncPaused, version);
    }

    /** The record with one setting set (a fact about the connection, shown with it). */
    public Integration withSetting(String name, String value) {
        Map<String, String> changed = new java.util.HashMap<>(settings);
        changed.put(name, value);
        return new Integration(tenantId, type, status, changed, secretName, credentialExpiresOn, connectedAt, connectedBy,
                lastSuccessfulSyncAt, lastError, syncPaused, version);
    }

    /** After a sync: its outcome, the error in words (or null), whether syncs wait for a rotated credential. */
    public Integration afterSync(IntegrationStatus newStatus, Instant succeededAt, String error, boolean paused) {
        return new Integration(tenantId, type, newStatus, settings, secretName, credentialExpiresOn, connectedAt,
                connectedBy, succeededAt != null ? succeededAt : lastSuccessfulSyncAt, error, paused, version);
    }
}
