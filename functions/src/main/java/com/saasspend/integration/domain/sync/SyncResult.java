package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.UpstreamFailure;
import java.time.LocalDate;

/**
 * What one sync invocation answers. {@code failure}: why a FAILED run failed (an upstream kind; OUT_OF_TIME for a run
 * that took too many invocations), else null. {@code credentialExpiresOn}: the key's or token's expiry as the run read
 * it (null when the run did not start or none was given). The handler turns both into metrics and decides whether to
 * raise.
 */
public record SyncResult(SyncOutcome outcome, SyncRunRecord run, UpstreamFailure.Kind failure, LocalDate credentialExpiresOn) {
    public SyncResult(SyncOutcome outcome, SyncRunRecord run) {
        this(outcome, run, null, null);
    }

    public SyncResult failedBy(UpstreamFailure.Kind kind) {
        return new SyncResult(outcome, run, kind, credentialExpiresOn);
    }

    public SyncResult expiring(LocalDate expiresOn) {
        return new SyncResult(outcome, run, failure, expiresOn);
    }
}
