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
        UPSTREAM_RATE_LIMITED
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

    /** Atlassian failing or rate limiting, said in words; anything else from upstream is for the caller to word. */
    public static Refusal fromUnavailable(UpstreamFailure failure, String what) {
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
