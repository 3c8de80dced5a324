package com.saasspend.atlassian.sim;

/**
 * A request that fails in an API-specific way. Each API family renders it in its own documented
 * error body (see {@link ErrorDialect}); {@code code} is the admin API's application error code.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    ApiError(int status, String message) {
        this(status, null, message);
    }

    static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }

    static ApiError invalidCursor() {
        return new ApiError(400, "ADMIN-400-1", "Invalid page cursor");
    }

    static ApiError notFound(String code, String message) {
        return new ApiError(404, code, message);
    }
}
