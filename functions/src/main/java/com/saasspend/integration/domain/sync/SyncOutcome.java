package com.saasspend.integration.domain.sync;

/** How one invocation of a sync (the org's or a product's) ended; the handler turns it into metrics and events. */
public enum SyncOutcome {
    /** The run finished; the store holds the integration's state. */
    COMPLETED,
    /** Out of time: the checkpoint is saved and a continuation must be requested. */
    CONTINUE,
    /** Another invocation holds the lease; this one did nothing. */
    BUSY,
    /** Nothing to sync (not connected, or paused until the key or token is rotated). */
    SKIPPED,
    /**
     * The upstream failed or refused, or the run took too many invocations; the integration's status says why.
     * Nothing was removed.
     */
    FAILED,
    /**
     * The run lost its lease mid-way (the integration was disconnected, or another invocation took over after the
     * lease lapsed): it stopped without writing anything more.
     */
    FENCED
}
