package com.saasspend.integration.domain;

import java.util.List;

/**
 * The domain's "no", with a stable code and a message that tells the admin exactly what to fix. The API edge turns
 * each {@link Kind} into an HTTP status; the domain knows nothing of HTTP.
 */
public class Refusal extends RuntimeException {
    public enum Kind {
        /** The input itself is wrong (a field, a date). */
        INVALID,
        /** Atlassian said no to the credential or the org does not qualify. */
        REJECTED,
        /** The request conflicts with what exists (wrong order, another org connected). */
        CONFLICT,
        NOT_FOUND,
        /** Atlassian is failing; try again later. */
        UPSTREAM_UNAVAILABLE,
        /** Atlassian is rate limiting us; try again after retryAfterSeconds. */
        UPSTREAM_RATE_LIMITED,
        /** Atlassian answered too slowly for this request's time limit; try again after retryAfterSeconds. */
        UPSTREAM_OUT_OF_TIME,
        /** What the request reads is still being built by a sync; try again after retryAfterSeconds. */
        NOT_READY
    }

    public record Field(String name, String message) {}

    private final Kind kind;
    private final String code;
    private final List<Field> fields;
    private final Long retryAfterSeconds;

    public Refusal(Kind kind, String code, String message) {
        this(kind, code, message, List.of(), null);
    }

    public Refusal(Kind kind, String code, String message, List<Field> fields, Long retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.fields = List.copyOf(fields);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() { return kind; }
    public String code() { return code; }
    public List<Field> fields() { return fields; }
    public Long retryAfterSeconds() { return retryAfterSeconds; }

    /** How long an admin should wait after a request ran out of time waiting for Atlassian. */
    public static final long OUT_OF_TIME_RETRY_AFTER_SECONDS = 30;

    /**
     * Atlassian failing, rate limiting, sending a listing that never ends, or too slow for the request's time limit,
     * said in words; anything else from upstream is for the caller to word.
     */
    public static Refusal fromUnavailable(UpstreamFailure failure, String what) {
        if (failure.kind() == UpstreamFailure.Kind.BROKEN_PAGING) {
            return new Refusal(Kind.UPSTREAM_UNAVAILABLE, "atlassian_listing_broken",
                    "Atlassian sent a listing that does not end while we " + what + ": " + failure.getMessage()
                            + " This is a fault on Atlassian's side; we stopped instead of reading the same page forever. "
                            + "Try again later; if it keeps happening, contact Atlassian support and quote this listing.");
        }
        if (failure.kind() == UpstreamFailure.Kind.OUT_OF_TIME) {
            return new Refusal(Kind.UPSTREAM_OUT_OF_TIME, "atlassian_too_slow",
                    "Atlassian answered too slowly for us to finish within this request's time limit while we " + what
                            + "; we stopped before the limit. Try again in " + OUT_OF_TIME_RETRY_AFTER_SECONDS + " seconds.",
                    List.of(), OUT_OF_TIME_RETRY_AFTER_SECONDS);
        }
        if (failure.kind() == UpstreamFailure.Kind.RATE_LIMITED) {
            return new Refusal(Kind.UPSTREAM_RATE_LIMITED, "atlassian_rate_limited",
                    "Atlassian is rate limiting requests while we " + what + ". Try again in "
                            + (failure.retryAfterSeconds() == null ? "a minute" : failure.retryAfterSeconds() + " seconds") + ".",
                    List.of(), failure.retryAfterSeconds());
        }
        return new Refusal(Kind.UPSTREAM_UNAVAILABLE, "atlassian_unavailable",
                "Atlassian did not answer properly while we " + what + " (" + failure.getMessage()
                        + ") Nothing was saved; try again in a few minutes.");
    }
}
