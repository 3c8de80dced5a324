package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SyncStateStore in memory with DynamoSyncStateStore's rules: one item per tenant and integration holding
 * checkpoint and lease; saves and renewals only by the lease holder; {@link #revoke} deletes the item as a disconnect
 * does. {@link #holds} is what lease-fenced writes of the in-memory stores check.
 */
public final class InMemorySyncState implements SyncStateStore {
    private record Key(String tenantId, IntegrationType type) {}

    private static final class Item {
        SyncCheckpoint checkpoint;
        String owner;
        Instant until;
    }

    private final Map<Key, Item> items = new HashMap<>();
    private final Clock clock;
    public final List<SyncRunRecord> runs = new ArrayList<>();
    public int saves;
    public int renewals;

    public InMemorySyncState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<SyncCheckpoint> checkpoint(String tenantId, IntegrationType type) {
        Item item = items.get(new Key(tenantId, type));
        return Optional.ofNullable(item == null ? null : item.checkpoint);
    }

    @Override
    public synchronized boolean acquire(String tenantId, IntegrationType type, String owner, Instant until, Instant now) {
        Item item = items.computeIfAbsent(new Key(tenantId, type), k -> new Item());
        if (item.owner != null && item.until.isAfter(now) && !item.owner.equals(owner)) {
            return false;
        }
        item.owner = owner;
        item.until = until;
        return true;
    }

    @Override
    public synchronized boolean save(String tenantId, IntegrationType type, String owner, SyncCheckpoint checkpoint, Instant leaseUntil) {
        Item item = items.get(new Key(tenantId, type));
        if (item == null || !owner.equals(item.owner)) {
            return false;
        }
        item.checkpoint = checkpoint;
        item.until = leaseUntil;
        saves++;
        return true;
    }

    @Override
    public synchronized boolean renew(String tenantId, IntegrationType type, String owner, Instant leaseUntil) {
        Item item = items.get(new Key(tenantId, type));
        if (item == null || !owner.equals(item.owner)) {
            return false;
        }
        item.until = leaseUntil;
        renewals++;
        return true;
    }

    @Override
    public synchronized void finish(String tenantId, IntegrationType type, String owner, SyncRunRecord run) {
        runs.add(run);
        Item item = items.get(new Key(tenantId, type));
        if (item != null && owner.equals(item.owner)) {
            items.remove(new Key(tenantId, type));
        }
    }

    @Override
    public synchronized void release(String tenantId, IntegrationType type, String owner) {
        Key key = new Key(tenantId, type);
        Item item = items.get(key);
        if (item != null && owner.equals(item.owner)) {
            if (item.checkpoint == null) {
                items.remove(key);
            } else {
                item.owner = null;
                item.until = clock.instant();
            }
        }
    }

    @Override
    public synchronized Optional<Lease> lease(String tenantId, IntegrationType type) {
        Item item = items.get(new Key(tenantId, type));
        return item == null ? Optional.empty() : Optional.of(new Lease(item.owner, item.until));
    }

    /** What a disconnect does: the item (checkpoint and lease) is gone. */
    public synchronized void revoke(String tenantId, IntegrationType type) {
        items.remove(new Key(tenantId, type));
    }

    /** Whether {@code fence}'s owner still holds the lease (the condition of a fenced write). */
    public synchronized boolean holds(SyncFence fence) {
        Item item = items.get(new Key(fence.tenantId(), fence.type()));
        return item != null && fence.owner().equals(item.owner);
    }

    /** Sets the lease as a crashed invocation leaves it: held by nobody alive, until {@code until}. */
    public synchronized void leaveLease(String tenantId, IntegrationType type, String owner, Instant until) {
        Item item = items.computeIfAbsent(new Key(tenantId, type), k -> new Item());
        item.owner = owner;
        item.until = until;
    }

    public synchronized boolean isEmpty() {
        return items.isEmpty();
    }

    Instant now() {
        return clock.instant();
    }
}
