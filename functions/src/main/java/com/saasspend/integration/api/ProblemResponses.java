package com.saasspend.integration.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.integration.common.Json;
import java.util.Map;

/** Renders {@link ApiProblem}s as application/problem+json; the one place that shape is written. */
final class ProblemResponses {
    private ProblemResponses() {}

    static ApiResponse of(ApiProblem problem, String requestId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", "https://docs.saasspend.example/problems/" + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("code", problem.code());
        body.put("detail", problem.detail());
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        try {
            return new ApiResponse(problem.status(), "application/problem+json", Json.MAPPER.writeValueAsString(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ApiResponse internalError(String requestId) {
        return of(new ApiProblem(500, "internal_error", "Internal error",
                "Something went wrong on our side. Quote the request id if you contact support."), requestId);
    }
}
