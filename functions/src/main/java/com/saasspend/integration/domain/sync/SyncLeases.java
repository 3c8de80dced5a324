package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;
import java.util.Optional;

/** Reads who holds an integration's sync lease, for the status the Integrations page shows. */
public interface SyncLeases {
    /** The lease of the integration's running (or interrupted) sync; empty when no run is under way. */
    Optional<Lease> lease(String tenantId, IntegrationType type);

    /** {@code owner} null: a run is under way (a checkpoint exists) but no invocation holds it right now. */
    record Lease(String owner, Instant until) {
        public boolean heldAt(Instant now) {
            return owner != null && until != null && until.isAfter(now);
        }
    }
}
