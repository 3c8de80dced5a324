package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;

/** One completed (or failed) sync run as the history shows it. */
public record SyncRunRecord(
        String runId,
        IntegrationType type,
        Instant startedAt,
        Instant finishedAt,
        String outcome,
        long users,
        long groups,
        long usersWritten,
        long groupsWritten,
        long removed,
        long apiCalls,
        int invocations,
        String error) {
    /** The run id's prefix of an incremental org run (one read from the audit-event stream, not a full listing). */
    public static final String INCREMENTAL_RUN_PREFIX = "incremental-";

    /** Whether this run read the audit-event stream instead of listing the whole org. */
    public boolean incremental() {
        return runId != null && runId.startsWith(INCREMENTAL_RUN_PREFIX);
    }
}
