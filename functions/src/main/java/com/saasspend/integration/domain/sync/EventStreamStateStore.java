package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.util.Optional;

/** Keeps each integration's {@link EventStreamState}: one small item, written by the run holding the sync lease. */
public interface EventStreamStateStore {
    Optional<EventStreamState> find(String tenantId, IntegrationType type);

    void save(String tenantId, IntegrationType type, EventStreamState state);
}
