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
        String error) {}
