package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.util.Optional;

/** Keeps each integration's {@link EventStreamState}: one small item, written by the run holding the sync lease. */
public interface EventStreamStateStore {
    Optional<EventStreamState> find(String tenantId, IntegrationType type);

    /**
     * Saves the state of {@code heldBy}'s integration only while {@code heldBy}'s lease is held, as the run's checkpoint
     * is; throws {@link SyncFencedOut} (nothing written) once it is lost.
     */
    void save(SyncFence heldBy, EventStreamState state);
}
