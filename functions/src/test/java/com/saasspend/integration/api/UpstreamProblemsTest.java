package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.UpstreamFailure.Kind;
import com.saasspend.integration.testing.ApiEvents;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A listing that never ends and an Atlassian too slow for the request's time become problem+json, never a 500 or a timeout. */
class UpstreamProblemsTest {

    private static final class Failing extends HttpApiHandler {
        Failing() {
            super("tenant_id", Map.of(
                    "GET /stuck", request -> {
                        throw new UpstreamFailure(Kind.BROKEN_PAGING, 0,
                                "Atlassian's organizations listing returned a page cursor that repeats an earlier one; stopped after 2 pages.", null);
                    },
                    "GET /slow", request -> {
                        throw new UpstreamFailure(Kind.OUT_OF_TIME, 0, "There was no time left in this run for the Atlassian call 'list users'; it was not sent.", null);
                    }));
        }
    }

    private static APIGatewayV2HTTPResponse send(String route) {
        return new Failing().handleRequest(ApiEvents.request(route, route.substring(route.indexOf(' ') + 1), Map.of(), null, "t"), null);
    }

    @Test
    void aBrokenListingIsA502NamingTheListing() {
        APIGatewayV2HTTPResponse response = send("GET /stuck");
        JsonNode body = ApiEvents.json(response);
        assertEquals(502, response.getStatusCode());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        assertEquals("atlassian_listing_broken", body.path("code").asText());
        assertTrue(body.path("detail").asText().contains("organizations listing"), body.toString());
        assertTrue(body.path("detail").asText().contains("Try again later"), "says what to do: " + body);
        assertNull(response.getHeaders().get("Retry-After"));
    }

    @Test
    void outOfTimeIsA503WithRetryAfter() {
        APIGatewayV2HTTPResponse response = send("GET /slow");
        JsonNode body = ApiEvents.json(response);
        assertEquals(503, response.getStatusCode());
        assertEquals("atlassian_too_slow", body.path("code").asText());
        assertEquals("30", response.getHeaders().get("Retry-After"));
        assertTrue(body.path("detail").asText().contains("Try again in 30 seconds"), body.toString());
    }
}
