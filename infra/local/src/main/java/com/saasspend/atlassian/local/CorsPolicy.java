package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An HttpApi's CorsConfiguration as API Gateway applies it: it answers preflight requests itself (before routes and
 * authorizers) and sets the CORS headers of every response to an allowed origin, replacing the function's own.
 */
public record CorsPolicy(Set<String> allowOrigins, List<String> allowHeaders, List<String> allowMethods,
                         List<String> exposeHeaders, Integer maxAge, boolean allowCredentials) {

    public static final CorsPolicy NONE = new CorsPolicy(Set.of(), List.of(), List.of(), List.of(), null, false);

    /** From the template's CorsConfiguration (true means allow any origin), plus origins the developer adds locally. */
    public static CorsPolicy from(JsonNode cors, TemplateValues values, List<String> extraOrigins) {
        if (cors == null || cors.isMissingNode() || cors.isNull() || (cors.isBoolean() && !cors.asBoolean())) {
            return extraOrigins.isEmpty() ? NONE
                    : new CorsPolicy(new LinkedHashSet<>(extraOrigins), List.of("*"), List.of("*"), List.of(), null, false);
        }
        if (cors.isBoolean()) {
            return new CorsPolicy(Set.of("*"), List.of("*"), List.of("*"), List.of(), null, false);
        }
        Set<String> origins = new LinkedHashSet<>(strings(cors.path("AllowOrigins"), values));
        origins.addAll(extraOrigins);
        return new CorsPolicy(origins,
                strings(cors.path("AllowHeaders"), values),
                strings(cors.path("AllowMethods"), values),
                strings(cors.path("ExposeHeaders"), values),
                cors.has("MaxAge") ? cors.path("MaxAge").asInt() : null,
                cors.path("AllowCredentials").asBoolean(false));
    }

    private static List<String> strings(JsonNode node, TemplateValues values) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(values.resolve(n)));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(values.resolve(node));
        }
        return out;
    }

    public boolean enabled() {
        return !allowOrigins.isEmpty();
    }

    public boolean allows(String origin) {
        return origin != null && (allowOrigins.contains("*") || allowOrigins.contains(origin));
    }

    public boolean isPreflight(GatewayRequest request) {
        return enabled() && "OPTIONS".equals(request.methodUpper()) && request.header("origin").isPresent()
                && request.header("access-control-request-method").isPresent();
    }

    /** API Gateway's 204 answer to a preflight request. */
    public ApiGatewayEvents.HttpResponse preflight(GatewayRequest request) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        String origin = request.header("origin").orElse(null);
        if (allows(origin)) {
            headers.put("access-control-allow-origin", List.of(allowOrigins.contains("*") && !allowCredentials ? "*" : origin));
            headers.put("access-control-allow-methods", List.of(allowMethods.isEmpty() ? "*" : String.join(",", allowMethods)));
            String requested = request.header("access-control-request-headers").orElse("");
            if (!allowHeaders.isEmpty()) {
                headers.put("access-control-allow-headers", List.of(allowHeaders.contains("*") && !requested.isEmpty()
                        ? requested.toLowerCase(Locale.ROOT) : String.join(",", allowHeaders)));
            }
            if (maxAge != null) {
                headers.put("access-control-max-age", List.of(Integer.toString(maxAge)));
            }
            if (allowCredentials) {
                headers.put("access-control-allow-credentials", List.of("true"));
            }
            headers.put("vary", List.of("origin"));
        }
        return new ApiGatewayEvents.HttpResponse(204, headers, new byte[0]);
    }

    /** Replaces the function's CORS headers with the API's, for an allowed origin. */
    public ApiGatewayEvents.HttpResponse apply(GatewayRequest request, ApiGatewayEvents.HttpResponse response) {
        if (!enabled()) {
            return response;
        }
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        response.headers().forEach((name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).startsWith("access-control-")) {
                headers.put(name, value);
            }
        });
        String origin = request.header("origin").orElse(null);
        if (allows(origin)) {
            headers.put("access-control-allow-origin", List.of(allowOrigins.contains("*") && !allowCredentials ? "*" : origin));
            if (!exposeHeaders.isEmpty()) {
                headers.put("access-control-expose-headers", List.of(String.join(",", exposeHeaders)));
            }
            if (allowCredentials) {
                headers.put("access-control-allow-credentials", List.of("true"));
            }
            headers.put("vary", List.of("origin"));
        }
        return new ApiGatewayEvents.HttpResponse(response.status(), headers, response.body());
    }
}
