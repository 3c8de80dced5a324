package com.saasspend.integration.domain;

/**
 * Atlassian (or one of its products) did not give us what we asked for, after the retries the caller allowed.
 * The message says what failed in words an admin can act on; it never carries a credential.
 */
public class UpstreamFailure extends RuntimeException {
    public enum Kind {
        /** 401: the key or token is wrong, revoked or expired. Retrying cannot help until it is replaced. */
        UNAUTHORIZED,
        /** 403: the credential is valid but may not do this (scope, role, or an IdP-managed group). */
        FORBIDDEN,
        NOT_FOUND,
        /** 400 on a cursor we sent back: the listing must restart from the beginning. */
        INVALID_CURSOR,
        BAD_REQUEST,
        CONFLICT,
        /** 429 that outlasted the retry budget. */
        RATE_LIMITED,
        /** 5xx, timeouts and connection failures that outlasted the retry budget. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int status;
    private final Long retryAfterSeconds;

    public UpstreamFailure(Kind kind, int status, String message, Long retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() { return kind; }

    /** The HTTP status Atlassian answered, or 0 when no answer came. */
    public int status() { return status; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
