package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.testing.ApiEvents;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shared HTTP edge: every outcome becomes a clear status and problem+json, never a stack trace. */
class HttpApiHandlerTest {

    private static final class EchoHandler extends HttpApiHandler {
        EchoHandler() {
            super("tenant_id", Map.of(
                    "POST /echo", request -> ApiResponse.json(200, Map.of("body", JsonBodies.object(request), "tenant", request.tenantId())),
                    "GET /boom", request -> {
                        throw new IllegalStateException("secret internals at com.example.Thing");
                    },
                    "GET /refused", request -> {
                        throw new Refusal(Refusal.Kind.UPSTREAM_RATE_LIMITED, "atlassian_rate_limited", "Try again later.", java.util.List.of(), 42L);
                    },
                    "GET /upstream", request -> {
                        throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Atlassian answered with HTTP 503.", null);
                    },
                    "GET /page", request -> {
                        QueryParameters query = new QueryParameters(request, Set.of("limit"));
                        Integer limit = query.integer("limit", 1, 200, 50);
                        query.check();
                        return ApiResponse.json(200, Map.of("limit", limit));
                    },
                    "PUT /settings", request -> ApiResponse.json(200, LicensesApiHandler.parseSettings(JsonBodies.object(request)))));
        }
    }

    private final EchoHandler handler = new EchoHandler();

    private APIGatewayV2HTTPResponse send(String route, String body, String tenant) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(route, route.substring(route.indexOf(' ') + 1), Map.of(), body, tenant == null ? "x" : tenant);
        if (tenant == null) {
            event.getRequestContext().getAuthorizer().getJwt().getClaims().remove("tenant_id");
        }
        return handler.handleRequest(event, null);
    }

    @Test
    void anUnexpectedErrorIsA500WithoutInternals() {
        APIGatewayV2HTTPResponse response = send("GET /boom", null, "t");
        assertEquals(500, response.getStatusCode());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        assertFalse(response.getBody().contains("com.example") || response.getBody().contains("IllegalState"), response.getBody());
    }

    @Test
    void theLargestDocumentedRequestFitsTheBodyLimit() {
        // openapi.yaml: bulk plans and approvals take up to 5,000 ids of up to 128 characters.
        String ids = java.util.stream.IntStream.range(0, 5000).mapToObj(i -> "\"" + "a".repeat(124) + String.format("%04d", i) + "\"")
                .collect(java.util.stream.Collectors.joining(",", "{\"accountIds\":[", "]}"));
        assertEquals(200, send("POST /echo", ids, "t").getStatusCode());
    }

    @Test
    void clientMistakesAreClear4xx() {
        assertEquals(401, send("POST /echo", "{}", null).getStatusCode());
        assertEquals(404, send("GET /nowhere", null, "t").getStatusCode());
        assertEquals(413, send("POST /echo", "{\"a\":\"" + "x".repeat(HttpApiHandler.MAX_BODY_BYTES) + "\"}", "t").getStatusCode());
        APIGatewayV2HTTPEvent plain = ApiEvents.request("POST /echo", "/echo", Map.of(), "{}", "t");
        plain.getHeaders().put("content-type", "text/plain");
        assertEquals(415, handler.handleRequest(plain, null).getStatusCode());
        assertEquals(400, send("POST /echo", "{\"a\":", "t").getStatusCode());
    }

    @Test
    void base64BodiesAreDecodedAndTheTenantComesFromTheToken() {
        APIGatewayV2HTTPEvent event = ApiEvents.request("POST /echo", "/echo", Map.of(), null, "tenant-from-token");
        event.getHeaders().put("content-type", "application/json");
        event.setBody(Base64.getEncoder().encodeToString("{\"tenant_id\":\"forged\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        JsonNode body = ApiEvents.json(handler.handleRequest(event, null));
        assertEquals("tenant-from-token", body.path("tenant").asText());
    }

    @Test
    void atlassianTroubleIsA502Or503WithRetryAfter() {
        APIGatewayV2HTTPResponse limited = send("GET /refused", null, "t");
        assertEquals(503, limited.getStatusCode());
        assertEquals("42", limited.getHeaders().get("Retry-After"));
        APIGatewayV2HTTPResponse down = send("GET /upstream", null, "t");
        assertEquals(502, down.getStatusCode());
        assertTrue(ApiEvents.json(down).path("detail").asText().contains("503"));
    }

    private APIGatewayV2HTTPResponse sendJson(String route, String body, String contentType) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(route, route.substring(route.indexOf(' ') + 1), Map.of(), body, "t");
        event.getHeaders().put("content-type", contentType);
        return handler.handleRequest(event, null);
    }

    private static void assertProblem(int status, String code, APIGatewayV2HTTPResponse response) {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        assertEquals(code, ApiEvents.json(response).path("code").asText(), response.getBody());
    }

    @Test
    void aTenantClaimThatCouldNameAnotherTenantsKeysIsRefusedNamingTheClaim() {
        for (String claim : List.of("X#LICENSES", "x".repeat(1_500), "a/b", "tenant a", "t\u00e9", "x".repeat(65))) {
            APIGatewayV2HTTPResponse response = send("POST /echo", "{}", claim);
            assertProblem(401, "tenant_claim_invalid", response);
            assertTrue(ApiEvents.json(response).path("detail").asText().contains("'tenant_id'"), response.getBody());
            assertFalse(response.getBody().contains("LICENSES"), "the refused value is not echoed: " + response.getBody());
        }
        assertEquals(200, send("POST /echo", "{}", "tenant-a_1.b").getStatusCode());
        assertEquals(200, send("POST /echo", "{}", "x".repeat(64)).getStatusCode());
    }

    @Test
    void everyMalformedJsonIsA400() {
        String deep = "{\"a\":" + "[".repeat(1_000) + "]".repeat(1_000) + "}";
        assertProblem(400, "body_too_complex", send("POST /echo", deep, "t"));
        assertProblem(400, "body_too_complex", send("POST /echo", "{\"a\":" + "[".repeat(JsonBodies.MAX_DEPTH) + "]".repeat(JsonBodies.MAX_DEPTH) + "}", "t"));
        assertProblem(400, "body_too_complex", send("POST /echo", "{\"a\":" + "9".repeat(1_000) + "}", "t"));
        assertProblem(400, "body_too_complex", send("PUT /settings", "{\"seatPrices\":{\"jira\":" + "1".repeat(1_000) + "}}", "t"));
        for (String trailing : List.of("{} {}", "{}x", "{\"a\":1}]", "{} null", "{}\n{}")) {
            assertProblem(400, "body_not_json", send("POST /echo", trailing, "t"));
        }
        assertProblem(400, "body_not_json", send("POST /echo", "{\"a\":1e99999999999}", "t"));
        assertProblem(400, "body_not_object", send("POST /echo", "[]", "t"));
        assertEquals(200, send("POST /echo", " {\"a\":[1,2]} \n", "t").getStatusCode());
    }

    @Test
    void numbersOutOfRangeAreValidationErrorsNot500s() {
        for (String price : List.of("1e400", "-1e400", "1e-400", "100000.00001", "1E+6")) {
            APIGatewayV2HTTPResponse response = send("PUT /settings", "{\"seatPrices\":{\"jira-software\":" + price + "}}", "t");
            assertProblem(400, "validation_failed", response);
        }
        APIGatewayV2HTTPResponse ok = send("PUT /settings", "{\"seatPrices\":{\"jira-software\":7.5}}", "t");
        assertEquals(200, ok.getStatusCode(), ok.getBody());
        assertEquals(7.5, ApiEvents.json(ok).path("seatPrices").path("jira-software").asDouble());
        assertProblem(400, "validation_failed", send("PUT /settings", "{\"inactivityDays\":1e400}", "t"));
        assertProblem(400, "validation_failed", send("PUT /settings", "{\"inactivityDays\":99999999999999999999}", "t"));
    }

    @Test
    void contentTypesAreMatchedExactly() {
        for (String accepted : List.of("application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"")) {
            assertEquals(200, sendJson("POST /echo", "{}", accepted).getStatusCode(), accepted);
        }
        for (String refused : List.of("application/jsonx", "application/json-seq", "application/json+x", "text/json",
                "application/json; charset=latin1", "", "application/problem+json")) {
            assertProblem(415, "unsupported_media_type", sendJson("POST /echo", "{}", refused));
        }
    }

    @Test
    void bodiesThatAreNotBase64OrNotUtf8AreA400() {
        APIGatewayV2HTTPEvent notBase64 = ApiEvents.request("POST /echo", "/echo", Map.of(), "%%%not base64", "t");
        notBase64.setIsBase64Encoded(true);
        assertProblem(400, "body_not_readable", handler.handleRequest(notBase64, null));
        APIGatewayV2HTTPEvent latin1 = ApiEvents.request("POST /echo", "/echo", Map.of(), null, "t");
        latin1.getHeaders().put("content-type", "application/json");
        latin1.setBody(Base64.getEncoder().encodeToString(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE9, '"', '}'}));
        latin1.setIsBase64Encoded(true);
        assertProblem(400, "body_not_utf8", handler.handleRequest(latin1, null));
    }

    @Test
    void numericQueryParametersTakeAsciiDigitsOnly() {
        for (String limit : List.of("\u0665", "\uff15", "\u0661\u0660", "+5", " 5", "5 ", "", "99999999999999999999", "0x10", "5.0")) {
            APIGatewayV2HTTPEvent event = ApiEvents.request("GET /page", "/page", Map.of(), null, "t");
            event.setQueryStringParameters(Map.of("limit", limit));
            assertProblem(400, "validation_failed", handler.handleRequest(event, null));
        }
        APIGatewayV2HTTPEvent event = ApiEvents.request("GET /page", "/page", Map.of(), null, "t");
        event.setQueryStringParameters(Map.of("limit", "150"));
        assertEquals(150, ApiEvents.json(handler.handleRequest(event, null)).path("limit").asInt());
    }
}
