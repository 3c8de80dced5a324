package com.saasspend.integration.atlassian;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per Atlassian key, filled from what Atlassian's answers say: {@code X-RateLimit-Remaining} calls are
 * left until {@code X-RateLimit-Reset}, so calls are spread evenly over that time instead of spent in a burst that
 * ends in 429s; after a 429, nothing is sent on the key before its {@code Retry-After} (or reset) has passed. A key
 * whose answers carry no such headers is not paced. Calls sent and not yet answered count against what is left, so
 * concurrent callers on one key share its budget.
 *
 * <p>Pure logic: time is passed in, nothing sleeps here ({@link AtlassianHttp} waits what {@link #reserve} answers).
 * Keys are opaque strings (a hash of the credential and host, never the credential).
 */
final class RatePacing {
    /** Keys remembered at most (a worker serving many tenants forgets the least recently used). */
    static final int MAX_KEYS = 1_000;

    /** What one key's answers said, and its calls under way. */
    private static final class Bucket {
        /** Calls left until {@link #resetAt} as of the last answer; -1: unknown. */
        long remaining = -1;
        Instant resetAt;
        /** Calls sent (reserved) whose answer has not been recorded yet. */
        int inFlight;
        /** Earliest time of the next call: one interval after the last one reserved. */
        Instant nextSlot = Instant.MIN;
        /** After a 429: nothing before this. */
        Instant blockedUntil = Instant.MIN;
    }

    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /**
     * Takes the next call's slot on {@code key}: answers how long to wait from {@code now} before sending it (zero:
     * at once). Every reservation must be followed by {@link #answered} or {@link #notSent}.
     */
    synchronized Duration reserve(String key, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket());
        Instant start = latest(now, bucket.nextSlot, bucket.blockedUntil);
        if (bucket.remaining >= 0 && bucket.resetAt != null && bucket.resetAt.isAfter(start)) {
            long tokens = bucket.remaining - bucket.inFlight;
            if (tokens <= 0) {
                // Nothing left in this window: the first call of the next one learns its budget.
                start = bucket.resetAt;
                bucket.nextSlot = start;
            } else {
                // Spread what is left evenly until the reset.
                bucket.nextSlot = start.plus(Duration.between(start, bucket.resetAt).dividedBy(tokens));
            }
        } else {
            bucket.nextSlot = start;
        }
        bucket.inFlight++;
        return Duration.between(now, start);
    }

    /** A reserved call was not sent after all (no time left): its slot is given back. */
    synchronized void notSent(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket != null && bucket.inFlight > 0) {
            bucket.inFlight--;
        }
    }

    /**
     * A reserved call was answered (or failed without an answer: all null). {@code remaining} and {@code resetAt}
     * from the rate-limit headers; {@code retryAfter}: the wait a 429 asked for, null otherwise.
     */
    synchronized void answered(String key, Instant now, Long remaining, Instant resetAt, Duration retryAfter) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket());
        if (bucket.inFlight > 0) {
            bucket.inFlight--;
        }
        if (remaining != null && resetAt != null) {
            bucket.remaining = Math.max(0, remaining);
            bucket.resetAt = resetAt;
        }
        if (retryAfter != null) {
            Instant until = now.plus(retryAfter);
            bucket.blockedUntil = latest(bucket.blockedUntil, until, until);
            bucket.remaining = 0;
            bucket.resetAt = latest(until, bucket.resetAt == null ? until : bucket.resetAt, until);
        }
    }

    private static Instant latest(Instant a, Instant b, Instant c) {
        Instant max = a.isAfter(b) ? a : b;
        return max.isAfter(c) ? max : c;
    }
}
