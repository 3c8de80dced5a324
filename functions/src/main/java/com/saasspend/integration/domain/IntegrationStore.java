package com.saasspend.integration.domain;

import java.util.List;
import java.util.Optional;

/** Where integration records live. Writes are conditional so that racing requests leave one consistent record. */
public interface IntegrationStore {
    Optional<Integration> find(String tenantId, IntegrationType type);

    List<Integration> list(String tenantId);

    /**
     * Creates the record when {@code expectedVersion} is 0 (and none exists), else replaces the record only while it is
     * still at {@code expectedVersion}. The stored version becomes {@code expectedVersion + 1}.
     *
     * @throws ConcurrentChangeException when another request changed the record first
     */
    Integration save(Integration integration, long expectedVersion);

    void delete(String tenantId, IntegrationType type);

    /** Thrown when a conditional write lost a race. */
    class ConcurrentChangeException extends RuntimeException {
        public ConcurrentChangeException(String message) {
            super(message);
        }
    }
}
