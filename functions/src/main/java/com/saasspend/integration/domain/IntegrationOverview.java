package com.saasspend.integration.domain;

import com.saasspend.integration.domain.sync.SyncLeases;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
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
            String credentialWarning,
            Instant syncResumesBy) {}

    /** The schedule's period (template.yaml: SyncDispatchFunction, rate(15 minutes)). */
    public static final Duration SCHEDULE_EVERY = Duration.ofMinutes(15);
    /** Shown instead of {@code syncing} when no invocation holds the run's lease any more: it crashed or was killed. */
    public static final String STALLED = "stalled";

    /**
     * {@code leases}: each integration's sync lease, if a run is under way. A run shown {@code syncing} whose lease
     * nobody holds any more is {@code stalled}, with {@code syncResumesBy}: the first scheduled tick after the lease
     * expires picks it up from its checkpoint.
     */
    public static IntegrationOverview of(List<Integration> stored, Instant now,
                                         Function<IntegrationType, Optional<SyncLeases.Lease>> leases) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<IntegrationType, Integration> byType = stored.stream()
                .collect(Collectors.toMap(Integration::type, Function.identity(), (a, b) -> a));
        List<Entry> entries = stored.stream()
                .sorted(Comparator.comparing(Integration::type))
                .map(i -> entry(i, today, i.status() == IntegrationStatus.SYNCING ? stalledUntil(leases.apply(i.type()), now) : null))
                .toList();
        List<String> missing = ReclaimGate.missingFor(byType.keySet());
        return new IntegrationOverview(entries, missing.isEmpty(), missing);
    }

    /**
     * When a stalled run resumes at the latest: the first scheduled tick after nobody worked on it any more. Null
     * while it is really syncing: its lease is held, or it was given back moments ago for a continuation.
     */
    private static Instant stalledUntil(Optional<SyncLeases.Lease> lease, Instant now) {
        Instant idleSince = lease.isEmpty() ? now : lease.get().idleSince(now, SyncStateStore.LEASE);
        if (lease.isPresent() && idleSince == null) {
            return null;
        }
        Instant firstTickAfter = idleSince == null ? now.plus(SCHEDULE_EVERY) : idleSince.plus(SCHEDULE_EVERY);
        return firstTickAfter.isBefore(now) ? now.plus(SCHEDULE_EVERY) : firstTickAfter;
    }

    private static Entry entry(Integration i, LocalDate today, Instant stalledUntil) {
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
        return new Entry(i.type().id(), stalledUntil != null ? STALLED : i.status().id(), i.settings(), i.connectedAt(),
                i.connectedBy(), i.lastSuccessfulSyncAt(), i.lastError(), i.credentialExpiresOn(), daysLeft, warning,
                stalledUntil);
    }
}
