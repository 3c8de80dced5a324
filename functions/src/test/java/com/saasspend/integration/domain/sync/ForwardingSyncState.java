package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;
import java.util.Optional;

/** Passes every call to another SyncStateStore; a test overrides the calls it wants to hold or break. */
public class ForwardingSyncState implements SyncStateStore {
    private final SyncStateStore real;

    public ForwardingSyncState(SyncStateStore real) {
        this.real = real;
    }

    @Override public Optional<SyncCheckpoint> checkpoint(String tenantId, IntegrationType type) { return real.checkpoint(tenantId, type); }
    @Override public boolean acquire(String tenantId, IntegrationType type, String owner, Instant until, Instant now) { return real.acquire(tenantId, type, owner, until, now); }
    @Override public boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil) { return real.save(tenantId, type, owner, checkpoint, leaseUntil); }
    @Override public boolean renew(String tenantId, IntegrationType type, String owner, Instant leaseUntil) { return real.renew(tenantId, type, owner, leaseUntil); }
    @Override public void finish(String tenantId, IntegrationType type, String owner, SyncRunRecord run) { real.finish(tenantId, type, owner, run); }
    @Override public void release(String tenantId, IntegrationType type, String owner) { real.release(tenantId, type, owner); }
    @Override public Optional<Lease> lease(String tenantId, IntegrationType type) { return real.lease(tenantId, type); }
}
