package com.saasspend.integration.api;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler needs from an API Gateway HTTP API (payload 2.0) event: the matched route, its parameters, the body,
 * and who is asking. The tenant comes only from the JWT authorizer's claims, never from the path, body or headers.
 */
public record ApiRequest(
        String routeKey,
        Map<String, String> pathParameters,
        Map<String, String> queryParameters,
        Map<String, String> headers,
        String body,
        String tenantId,
        String actor,
        String requestId) {

    public String path(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw ApiProblem.badRequest("missing_path_parameter", "The path parameter '" + name + "' is missing.");
        }
        return value;
    }

    /** A query parameter as sent, empty value included ({@code ?limit=} is a wrong limit, not a missing one). */
    public Optional<String> query(String name) {
        return Optional.ofNullable(queryParameters.get(name));
    }

    /** Header names arrive lower-cased from API Gateway HTTP APIs; look up case-insensitively all the same. */
    public Optional<String> header(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue)
                .findFirst();
    }
}
