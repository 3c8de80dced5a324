package com.saasspend.integration.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;

/** Reads a request body as a JSON object, or answers the 4xx the caller deserves. */
final class JsonBodies {
    private JsonBodies() {}

    static JsonNode object(ApiRequest request) {
        String contentType = request.header("content-type").orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiProblem(415, "unsupported_media_type", "Unsupported media type",
                    "Send the body as application/json.");
        }
        if (request.body() == null || request.body().isBlank()) {
            throw ApiProblem.badRequest("body_missing", "The request needs a JSON object as its body.");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(request.body());
        } catch (JsonProcessingException e) {
            // Jackson's message can quote the input, which may hold a key: say where, not what.
            throw ApiProblem.badRequest("body_not_json", "The body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("body_not_object", "The body must be a JSON object.");
        }
        return node;
    }
}
