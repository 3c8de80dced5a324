package com.saasspend.integration.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import java.util.Map;

/** A response before it becomes an API Gateway payload: status, content type and a JSON body (or none). */
public record ApiResponse(int status, String contentType, String body, Map<String, String> headers) {

    public static ApiResponse json(int status, Object value) {
        try {
            return new ApiResponse(status, "application/json", Json.MAPPER.writeValueAsString(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response could not be serialised", e);
        }
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, null, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> merged = new java.util.HashMap<>(headers);
        merged.put(name, value);
        return new ApiResponse(status, contentType, body, Map.copyOf(merged));
    }
}
