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
import java.util.Map;
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
                    }));
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
}
