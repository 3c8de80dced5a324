package com.saasspend.integration.atlassian;

import java.time.Duration;

/**
 * How hard a caller tries before giving up. An API request has seconds to answer the admin; a sync worker can wait
 * out a rate limit. Both back off with jitter and honour Retry-After / X-RateLimit-Reset.
 */
public record RetrySettings(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration requestTimeout) {

    public static RetrySettings forApiRequests() {
        return new RetrySettings(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(8));
    }

    public static RetrySettings forSync() {
        return new RetrySettings(8, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(20));
    }

    /** The defaults, with the longest wait between attempts overridable (ATLASSIAN_RETRY_MAX_DELAY_MS) for tests and local runs. */
    public RetrySettings withOverrides(com.saasspend.integration.common.Env env) {
        Duration max = env.find("ATLASSIAN_RETRY_MAX_DELAY_MS").map(v -> Duration.ofMillis(Long.parseLong(v))).orElse(maxDelay);
        Duration base = max.compareTo(baseDelay) < 0 ? max : baseDelay;
        return new RetrySettings(maxAttempts, base, max, requestTimeout);
    }
}
