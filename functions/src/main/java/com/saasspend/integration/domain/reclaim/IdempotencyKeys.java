package com.saasspend.integration.domain.reclaim;

import java.time.Instant;
import java.util.Optional;

/** Remembers, per tenant and Idempotency-Key, which request the key was first used for and what it answered. */
public interface IdempotencyKeys {
    /** What a key already holds: the request's fingerprint, when it started, and the answer once there is one. */
    record Held(String fingerprint, Instant startedAt, ReclaimRecord answer) {}

    /**
     * Takes the key for a request with {@code fingerprint}, or answers what holds it. A held key that expired
     * ({@code expiresAt} passed, not yet swept by TTL) is taken over.
     */
    Optional<Held> claim(String tenantId, String key, String fingerprint, Instant now, Instant expiresAt);

    /** Takes over a key whose holder stopped (crashed) without an answer; false if someone else did first. */
    boolean takeOver(String tenantId, String key, Instant heldSince, Instant now, Instant expiresAt);

    void complete(String tenantId, String key, ReclaimRecord answer);

    /** Frees the key: the request was refused before it changed anything, so the key may be used again. */
    void release(String tenantId, String key);
}
