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
        UNAVAILABLE,
        /**
         * A listing that does not advance: a cursor or next link repeated, an empty page that claims more, or more
         * pages than any org can have. Retrying the same listing cannot help; the message names the listing.
         */
        BROKEN_PAGING,
        /** The invocation's remaining time does not allow another call or wait; nothing was sent for this attempt. */
        OUT_OF_TIME
    }

    private final Kind kind;
    private final int status;
    private final Long retryAfterSeconds;
    private final String errorCode;

    public UpstreamFailure(Kind kind, int status, String message, Long retryAfterSeconds) {
        this(kind, status, message, retryAfterSeconds, null);
    }

    /** {@code errorCode}: Atlassian's own error code from the body (e.g. ADMIN-409-3), or null when it gave none. */
    public UpstreamFailure(Kind kind, int status, String message, Long retryAfterSeconds, String errorCode) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.errorCode = errorCode;
    }

    public Kind kind() { return kind; }

    /** The HTTP status Atlassian answered, or 0 when no answer came. */
    public int status() { return status; }

    public Long retryAfterSeconds() { return retryAfterSeconds; }

    /** Atlassian's error code (e.g. {@code ADMIN-409-3}, {@code ADMIN-400-1}), or null. */
    public String errorCode() { return errorCode; }

    /** True when Atlassian's error code is one of {@code codes}. */
    public boolean hasCode(String... codes) {
        for (String code : codes) {
            if (code.equals(errorCode)) {
                return true;
            }
        }
        return false;
    }
}
