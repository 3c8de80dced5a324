package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the HTTP API payload 2.0 event API Gateway hands a Lambda integration, and reads the function's answer back
 * as API Gateway does. What API Gateway does that the handler can see: header names lower-cased and repeated headers
 * joined with commas, cookies moved out of the headers, repeated query parameters joined with commas, path
 * parameters decoded, non-text bodies base64-encoded, the authorizer's claims as strings.
 */
public final class ApiGatewayEvents {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    /** Where the event says it came from. */
    public record Api(String accountId, String apiId, String domainName) {}

    /** The HTTP response API Gateway sends for a function's answer. */
    public record HttpResponse(int status, Map<String, List<String>> headers, byte[] body) {

        public static HttpResponse message(int status, String message) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("content-type", List.of("application/json"));
            return new HttpResponse(status, headers, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private ApiGatewayEvents() {}

    /**
     * @param claims the verified token's claims, or null when the route has no authorizer
     * @param scopes the token's scopes, or null
     */
    public static ObjectNode request(GatewayRequest request, RouteTable.Match match, Map<String, String> claims,
                                     List<String> scopes, String requestId, Instant now, Api api) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQueryString() == null ? "" : request.rawQueryString());

        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
                continue;
            }
            headers.merge(name, header.getValue(), (a, b) -> a + "," + b);
        }
        if (!cookies.isEmpty()) {
            event.set("cookies", JSON.valueToTree(cookies));
        }
        event.set("headers", JSON.valueToTree(headers));

        Map<String, String> query = queryParameters(request.rawQueryString());
        if (!query.isEmpty()) {
            event.set("queryStringParameters", JSON.valueToTree(query));
        }
        if (!match.pathParameters().isEmpty()) {
            event.set("pathParameters", JSON.valueToTree(match.pathParameters()));
        }

        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", api.accountId());
        context.put("apiId", api.apiId());
        if (claims != null) {
            ObjectNode jwt = context.putObject("authorizer").putObject("jwt");
            jwt.set("claims", JSON.valueToTree(claims));
            jwt.set("scopes", scopes == null ? null : JSON.valueToTree(scopes));
        }
        context.put("domainName", api.domainName());
        context.put("domainPrefix", api.domainName().split("[.:]")[0]);
        ObjectNode http = context.putObject("http");
        http.put("method", request.methodUpper());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", request.header("user-agent").orElse(""));
        context.put("requestId", requestId);
        context.put("routeKey", match.route().routeKey());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        byte[] body = request.body();
        if (body != null && body.length > 0) {
            boolean text = isText(request.header("content-type").orElse(null));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** API Gateway passes these content types as text and base64-encodes every other body. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.endsWith("/json") || type.endsWith("+json") || type.endsWith("/xml")
                || type.endsWith("+xml") || type.equals("application/javascript") || type.equals("application/ecmascript");
    }

    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The function's JSON answer as API Gateway reads a payload 2.0 response: statusCode, headers, multiValueHeaders,
     * cookies, body, isBase64Encoded. An answer without statusCode is itself the body of a 200 JSON response.
     */
    public static HttpResponse response(String resultJson) {
        JsonNode result;
        try {
            result = JSON.readTree(resultJson);
        } catch (Exception e) {
            return HttpResponse.message(500, "Internal Server Error");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (result == null || !result.isObject() || !result.has("statusCode")) {
            headers.put("content-type", List.of("application/json"));
            String body = result == null || result.isNull() ? "" : result.isTextual() ? result.asText() : result.toString();
            return new HttpResponse(200, headers, body.getBytes(StandardCharsets.UTF_8));
        }
        int status = result.path("statusCode").asInt(0);
        if (status < 100 || status > 599) {
            return HttpResponse.message(500, "Internal Server Error");
        }
        result.path("multiValueHeaders").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            headers.put(e.getKey(), values);
        });
        result.path("headers").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                headers.put(e.getKey(), List.of(e.getValue().asText()));
            }
        });
        List<String> cookies = new ArrayList<>();
        result.path("cookies").forEach(c -> cookies.add(c.asText()));
        if (!cookies.isEmpty()) {
            headers.put("set-cookie", cookies);
        }
        JsonNode bodyNode = result.path("body");
        byte[] body;
        if (bodyNode.isMissingNode() || bodyNode.isNull()) {
            body = new byte[0];
        } else if (result.path("isBase64Encoded").asBoolean(false)) {
            body = Base64.getDecoder().decode(bodyNode.asText());
        } else {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        }
        return new HttpResponse(status, headers, body);
    }
}
