package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
class IntegrationsApiIT {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private static DynamoIntegrationStore store;
    private static IntegrationsApiHandler handler;

    @BeforeAll
    static void setUp() {
        EmulatedAws aws = new EmulatedAws();
        store = new DynamoIntegrationStore(aws.dynamo, aws.table);
        Env env = new Env(aws.env());
        handler = new IntegrationsApiHandler(Services.of(env, NOW));
    }

    private static APIGatewayV2HTTPEvent sampleEvent(String tenant) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/integrations-list.json");
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        if (tenant == null) {
            claims.remove("tenant_id");
        } else {
            claims.put("tenant_id", tenant);
        }
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return event;
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.MAPPER.readTree(response.getBody());
    }

    @Test
    void aNewTenantSeesNoIntegrationAndReclaimClosedWithWhatToConnect() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sampleEvent("tenant-new"), null);
        assertEquals(200, response.getStatusCode());
        JsonNode body = body(response);
        assertEquals(0, body.path("integrations").size());
        assertFalse(body.path("reclaimEnabled").asBoolean());
        assertEquals("[\"atlassian\",\"jira\",\"confluence\"]", body.path("reclaimRequires").toString());
    }

    @Test
    void aTenantSeesOnlyItsOwnIntegrationsWithExpiryWarning() throws Exception {
        store.save(new Integration("tenant-a", IntegrationType.ATLASSIAN, IntegrationStatus.CONNECTED,
                Map.of("orgId", "org-a"), "prefix/tenant-a/atlassian", LocalDate.parse("2026-12-05"),
                Instant.parse("2026-11-01T00:00:00Z"), "admin@a.example", null, null, false, 0), 0);
        store.save(new Integration("tenant-b", IntegrationType.ATLASSIAN, IntegrationStatus.CONNECTED,
                Map.of("orgId", "org-b"), "prefix/tenant-b/atlassian", null,
                Instant.parse("2026-11-01T00:00:00Z"), "admin@b.example", null, null, false, 0), 0);

        JsonNode body = body(handler.handleRequest(sampleEvent("tenant-a"), null));
        assertEquals(1, body.path("integrations").size());
        JsonNode atlassian = body.path("integrations").get(0);
        assertEquals("org-a", atlassian.path("settings").path("orgId").asText());
        assertEquals(7, atlassian.path("credentialDaysLeft").asInt());
        assertTrue(atlassian.path("credentialWarning").asText().contains("expires in 7 day(s)"));
        assertFalse(body.toString().contains("org-b"), "tenant A must not see tenant B's org");
    }

    @Test
    void aRequestWithoutTenantClaimIsUnauthenticatedAsProblemJson() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sampleEvent(null), null);
        assertEquals(401, response.getStatusCode());
        assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
        assertEquals("unauthenticated", body(response).path("code").asText());
    }

    @Test
    void anUnknownRouteIsA404ProblemNotA500() throws Exception {
        APIGatewayV2HTTPEvent event = sampleEvent("tenant-a");
        event.setRouteKey("GET /nowhere");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(404, response.getStatusCode());
        assertEquals("route_not_found", body(response).path("code").asText());
    }
}
