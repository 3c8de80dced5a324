package com.saasspend.integration.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the Integrations page shows: each integration's health and whether reclaim is open. */
public record IntegrationOverview(List<Entry> integrations, boolean reclaimEnabled, List<String> reclaimRequires) {

    /** Inside this many days of its expiry a credential is flagged so the admin rotates it in time. */
    public static final int EXPIRY_WARNING_DAYS = 14;

    public record Entry(
            String type,
            String status,
            Map<String, String> settings,
            Instant connectedAt,
            String connectedBy,
            Instant lastSuccessfulSyncAt,
            String lastError,
            LocalDate credentialExpiresOn,
            Long credentialDaysLeft,
            String credentialWarning) {}

    public static IntegrationOverview of(List<Integration> stored, LocalDate today) {
        Map<IntegrationType, Integration> byType = stored.stream()
                .collect(Collectors.toMap(Integration::type, Function.identity(), (a, b) -> a));
        List<Entry> entries = stored.stream()
                .sorted(Comparator.comparing(Integration::type))
                .map(i -> entry(i, today))
                .toList();
        List<String> missing = ReclaimGate.missingFor(byType.keySet());
        return new IntegrationOverview(entries, missing.isEmpty(), missing);
    }

    private static Entry entry(Integration i, LocalDate today) {
        Long daysLeft = null;
        String warning = null;
        if (i.credentialExpiresOn() != null) {
            daysLeft = ChronoUnit.DAYS.between(today, i.credentialExpiresOn());
            if (daysLeft < 0) {
                warning = "The " + i.type().id() + " credential expired on " + i.credentialExpiresOn()
                        + ". Create a new one and rotate it here.";
            } else if (daysLeft <= EXPIRY_WARNING_DAYS) {
                warning = "The " + i.type().id() + " credential expires in " + daysLeft + " day(s), on "
                        + i.credentialExpiresOn() + ". Create a new one and rotate it here before then.";
            }
        }
        return new Entry(i.type().id(), i.status().id(), i.settings(), i.connectedAt(), i.connectedBy(),
                i.lastSuccessfulSyncAt(), i.lastError(), i.credentialExpiresOn(), daysLeft, warning);
    }
}
