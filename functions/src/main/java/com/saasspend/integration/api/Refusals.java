package com.saasspend.integration.api;

import com.saasspend.integration.domain.Refusal;

/** The HTTP face of a domain {@link Refusal}. */
final class Refusals {
    private Refusals() {}

    static ApiProblem toProblem(Refusal refusal) {
        int status = switch (refusal.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case REJECTED -> 422;
            case UPSTREAM_UNAVAILABLE -> 502;
            case UPSTREAM_RATE_LIMITED, UPSTREAM_OUT_OF_TIME, NOT_READY -> 503;
        };
        String title = switch (refusal.kind()) {
            case INVALID -> "The request is not valid";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case REJECTED -> "Refused";
            case UPSTREAM_UNAVAILABLE -> "Atlassian unavailable";
            case UPSTREAM_RATE_LIMITED -> "Atlassian rate limit";
            case UPSTREAM_OUT_OF_TIME -> "Atlassian too slow";
            case NOT_READY -> "Not ready yet";
        };
        return new ApiProblem(status, refusal.code(), title, refusal.getMessage(),
                refusal.fields().stream().map(f -> new ApiProblem.FieldError(f.name(), f.message())).toList());
    }
}
