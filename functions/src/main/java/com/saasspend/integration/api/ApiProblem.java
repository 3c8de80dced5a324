package com.saasspend.integration.api;

import java.util.List;

/**
 * A refusal the caller can act on, rendered as application/problem+json (RFC 9457) with a stable {@code code}.
 * Thrown by handlers and services; the message never carries a credential.
 */
public class ApiProblem extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;

    public record FieldError(String field, String message) {}

    public ApiProblem(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public ApiProblem(int status, String code, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public int status() { return status; }
    public String code() { return code; }
    public String title() { return title; }
    public String detail() { return getMessage(); }
    public List<FieldError> errors() { return errors; }

    public static ApiProblem validation(List<FieldError> errors) {
        return new ApiProblem(400, "validation_failed", "The request is not valid",
                "Some fields are missing or invalid; see errors.", errors);
    }

    public static ApiProblem badRequest(String code, String detail) {
        return new ApiProblem(400, code, "Bad request", detail);
    }

    public static ApiProblem notFound(String code, String detail) {
        return new ApiProblem(404, code, "Not found", detail);
    }

    public static ApiProblem conflict(String code, String detail) {
        return new ApiProblem(409, code, "Conflict", detail);
    }
}
