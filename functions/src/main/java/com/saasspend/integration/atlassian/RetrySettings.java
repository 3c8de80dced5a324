package com.saasspend.integration.atlassian;

import java.time.Duration;

/**
 * How hard a caller tries before giving up. An API request has seconds to answer the admin; a sync worker can wait
 * out a rate limit. Both back off with jitter and honour Retry-After / X-RateLimit-Reset, and both stop
 * {@code deadlineMargin} before the invocation's end ({@link InvocationDeadline}): the time the caller keeps to answer
 * or to save its place after the last Atlassian call.
 */
public record RetrySettings(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration requestTimeout,
                            Duration deadlineMargin) {

    /**
     * API functions run behind API Gateway's 29 s integration timeout (template.yaml Timeout: 29): Atlassian calls end
     * 3 s before, so the function still answers problem+json (and connect still saves) instead of being cut off.
     */
    public static RetrySettings forApiRequests() {
        return new RetrySettings(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(3));
    }

    /**
     * Sync workers stop taking pages SAFETY_MARGIN (60-120 s) before their end; this is the hard floor under that,
     * leaving time to record the failure or checkpoint and free the lease.
     */
    public static RetrySettings forSync() {
        return new RetrySettings(8, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofSeconds(20));
    }

    /** The defaults, with the longest wait between attempts overridable (ATLASSIAN_RETRY_MAX_DELAY_MS) for tests and local runs. */
    public RetrySettings withOverrides(com.saasspend.integration.common.Env env) {
        Duration max = env.find("ATLASSIAN_RETRY_MAX_DELAY_MS").map(v -> Duration.ofMillis(Long.parseLong(v))).orElse(maxDelay);
        Duration base = max.compareTo(baseDelay) < 0 ? max : baseDelay;
        return new RetrySettings(maxAttempts, base, max, requestTimeout, deadlineMargin);
    }
}
