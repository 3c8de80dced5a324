package com.saasspend.integration.domain.reclaim;

import java.time.Instant;
import java.util.Optional;

/** Remembers, per tenant and Idempotency-Key, which request the key was first used for, its reclaim and its answer. */
public interface IdempotencyKeys {
    /**
     * What a key already holds: the request's fingerprint, when it started, the id of the reclaim it started (so a retry
     * after a crash finishes that reclaim instead of starting another; null on keys written before ids were kept), and the
     * answer once there is one.
     */
    record Held(String fingerprint, Instant startedAt, String reclaimId, ReclaimRecord answer) {}

    /**
     * Takes the key for a request with {@code fingerprint} whose reclaim will be {@code reclaimId}, or answers what holds
     * it. A held key that expired ({@code expiresAt} passed, not yet swept by TTL) is taken over.
     */
    Optional<Held> claim(String tenantId, String key, String fingerprint, String reclaimId, Instant now, Instant expiresAt);

    /** Takes over a key whose holder stopped (crashed) without an answer; false if someone else did first. */
    boolean takeOver(String tenantId, String key, Instant heldSince, Instant now, Instant expiresAt);

    void complete(String tenantId, String key, ReclaimRecord answer);

    /** Frees the key: the request was refused before it changed anything, so the key may be used again. */
    void release(String tenantId, String key);
}
