package com.saasspend.integration.domain;

import java.util.function.Consumer;

/** Walks every connected integration of every tenant, reading integration records only (never user data). */
public interface ConnectedIntegrations {
    /** Calls {@code onEach} for each connected integration; answers the number of index items read. */
    long forEachConnected(Consumer<SyncRequest> onEach, String reason);
}
