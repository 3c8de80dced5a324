package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.CapturedLines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refused connect is counted by its problem code (ConnectRefusals by Code); other routes' refusals are not. */
class ConnectRefusalMetricsTest {
    // The refusals here happen while parsing the request, before the service is used.
    private final IntegrationsApiHandler handler = new IntegrationsApiHandler(new Env(Map.of()), null);

    @Test
    void aRefusedConnectIsCountedByItsCode() {
        try (CapturedLines lines = new CapturedLines()) {
            APIGatewayV2HTTPResponse refused = handler.handleRequest(ApiEvents.request("POST /integrations/{type}",
                    "/integrations/atlassian", Map.of("type", "atlassian"), "{\"orgId\":\"o\"}", "t"), null);
            assertEquals(400, refused.getStatusCode(), refused.getBody());
            String code = ApiEvents.json(refused).path("code").asText();

            List<JsonNode> counted = lines.metric("ConnectRefusals");
            assertEquals(1, counted.size(), lines.text());
            assertEquals(List.of(List.of("Code")), CapturedLines.dimensionSets(counted.get(0)));
            assertEquals(code, counted.get(0).path("Code").asText());
            assertEquals(1, counted.get(0).path("ConnectRefusals").asLong());
            assertEquals("Count", CapturedLines.unit(counted.get(0), "ConnectRefusals"));

            handler.handleRequest(ApiEvents.request("PUT /integrations/{type}/credentials", "/integrations/atlassian/credentials",
                    Map.of("type", "atlassian"), "{\"orgId\":\"o\"}", "t"), null);
            assertEquals(1, lines.metric("ConnectRefusals").size(), "a refused rotation is not a connect refusal");
            assertTrue(lines.logLines(l -> "request handled".equals(l.path("message").asText())).size() >= 2);
        }
    }
}
