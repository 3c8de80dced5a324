package com.saasspend.integration.sync;

import com.saasspend.integration.atlassian.AtlassianTraffic;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * What a sync invocation tells ops, shared by the org and product sync handlers: its metrics (the alarms read
 * {@code SyncsCompleted}, {@code SyncsFailed}, {@code CredentialDaysLeft} by {@code Integration}), its ERROR line for a
 * failure that will not fix itself, and whether a failure is worth Lambda's retries.
 *
 * <p>Failure semantics: RATE_LIMITED and UNAVAILABLE (429s and 5xx/timeouts that outlasted the client's retries) are
 * transient: the handler throws, Lambda retries the event twice, then hands it to the failure queue. Every other kind
 * is permanent for this event (revoked key, no access, org or site gone, a listing that does not advance, a run out of
 * time as a whole): retrying the same event gives the same answer, so it is counted and logged at ERROR, not raised.
 */
final class SyncReport {
    static final String INTERNAL = "INTERNAL";
    private static final Log LOG = Log.of(SyncReport.class);

    private SyncReport() {}

    /** A failure Lambda should retry: thrown by the handler after the metrics are written. */
    static final class TransientSyncFailure extends RuntimeException {
        TransientSyncFailure(String message) {
            super(message);
        }
    }

    static boolean transientKind(UpstreamFailure.Kind kind) {
        return kind == UpstreamFailure.Kind.RATE_LIMITED || kind == UpstreamFailure.Kind.UNAVAILABLE;
    }

    /**
     * After a sync ran ({@code result} null: none did, nothing to report): its metrics, then {@link #failed} for a
     * failed run (which raises a transient failure so Lambda retries it).
     */
    static void after(SyncRequest request, SyncResult result, Clock clock) {
        if (result == null) {
            return;
        }
        emit(request.type(), result.outcome() == SyncOutcome.COMPLETED, result.run(),
                result.failure() != null ? result.failure().name() : null, result.credentialExpiresOn(), clock);
        if (result.outcome() == SyncOutcome.FAILED) {
            failed(request.type(), request.tenantId(), result.failure());
        }
    }

    /**
     * Writes the invocation's metrics. {@code completed}: the run finished; {@code run}: its record when it ended;
     * {@code failureKind}: why it failed (an {@link UpstreamFailure.Kind} name or {@link #INTERNAL}), else null.
     */
    static void emit(IntegrationType type, boolean completed, SyncRunRecord run, String failureKind, LocalDate expiresOn,
                     Clock clock) {
        AtlassianTraffic.Counts traffic = AtlassianTraffic.current();
        if (!completed && run == null && failureKind == null && expiresOn == null && traffic.calls() == 0) {
            return; // skipped (paused, not connected) or busy: nothing happened worth a data point
        }
        Metrics.Line line = Metrics.by("Integration", type.id())
                .count("AtlassianCalls", traffic.calls())
                .count("Atlassian429s", traffic.throttled())
                .count("AtlassianRetries", traffic.retries())
                .milliseconds("AtlassianPacing", traffic.pacedMillis());
        if (completed) {
            line.count("SyncsCompleted", 1);
        }
        if (run != null) {
            line.milliseconds("SyncDuration", Math.max(0, Duration.between(run.startedAt(), run.finishedAt()).toMillis()))
                    .count("ItemsWritten", run.usersWritten() + run.groupsWritten())
                    .count("UsersSynced", run.users());
        }
        if (expiresOn != null) {
            line.value("CredentialDaysLeft", ChronoUnit.DAYS.between(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), expiresOn));
        }
        line.emit();
        if (completed && run != null) {
            // How many runs read the audit-event stream against full listings: a tenant whose stream stopped being
            // usable shows as full runs every tick (its reason is in GET /integrations, settings.eventStream).
            Metrics.by("Integration", type.id()).alsoBy("RunKind", run.incremental() ? "incremental" : "full")
                    .count("SyncRuns", 1).emit();
        }
        if (failureKind != null) {
            Metrics.by("Integration", type.id()).alsoBy("FailureKind", failureKind).count("SyncsFailed", 1).emit();
        }
    }

    /**
     * After a failed run: a transient kind throws {@link TransientSyncFailure} (Lambda retries, then the failure
     * queue); a permanent one is logged at ERROR and the handler returns normally.
     */
    static void failed(IntegrationType type, String tenantId, UpstreamFailure.Kind kind) {
        if (kind != null && transientKind(kind)) {
            LOG.warn("sync failed on a transient upstream failure; raising so Lambda retries it", "integration", type.id(),
                    "kind", kind);
            throw new TransientSyncFailure("The " + type.id() + " sync of tenant " + tenantId + " failed (" + kind
                    + ", after the client's retries); Lambda retries the event, then sends it to the failure queue.");
        }
        LOG.error("sync failed and is not retried (retrying the same event cannot help)", null, "integration", type.id(),
                "kind", kind == null ? "UNKNOWN" : kind);
    }
}
