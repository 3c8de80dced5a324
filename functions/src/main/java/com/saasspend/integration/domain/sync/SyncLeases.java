package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Reads who holds an integration's sync lease, for the status the Integrations page shows. */
public interface SyncLeases {
    /** The lease of the integration's running (or interrupted) sync; empty when no run is under way. */
    Optional<Lease> lease(String tenantId, IntegrationType type);

    /**
     * {@code owner} and {@code until}: who holds the lease and until when. {@code owner} null: a run is under way (a
     * checkpoint exists) but no invocation holds it; {@code until} is then when the last one gave it back for its
     * continuation (null if unknown).
     */
    record Lease(String owner, Instant until) {
        public boolean heldAt(Instant now) {
            return owner != null && until != null && until.isAfter(now);
        }

        /**
         * Since when nobody works on the run, or null while somebody does: an invocation holds the lease, or one gave
         * it back less than {@code continuationDue} ago and its continuation is on its way.
         */
        public Instant idleSince(Instant now, Duration continuationDue) {
            if (heldAt(now)) {
                return null;
            }
            if (owner == null && until != null) {
                Instant due = until.plus(continuationDue);
                return due.isAfter(now) ? null : due;
            }
            return until;
        }
    }
}
