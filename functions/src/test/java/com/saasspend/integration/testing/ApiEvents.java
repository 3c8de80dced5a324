package com.saasspend.integration.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import java.util.HashMap;
import java.util.Map;

/** API Gateway HTTP API events built from the sample event in events/, as the front end's calls would arrive. */
public final class ApiEvents {
    private ApiEvents() {}

    /** e.g. request("POST /integrations/{type}", "/integrations/jira", Map.of("type", "jira"), json, "tenant-a") */
    public static APIGatewayV2HTTPEvent request(String routeKey, String path, Map<String, String> pathParameters,
                                               String body, String tenantId) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/integrations-list.json");
        event.setRouteKey(routeKey);
        event.setRawPath(path);
        event.getRequestContext().setRouteKey(routeKey);
        event.getRequestContext().getHttp().setMethod(routeKey.substring(0, routeKey.indexOf(' ')));
        event.getRequestContext().getHttp().setPath(path);
        event.setPathParameters(pathParameters.isEmpty() ? null : new HashMap<>(pathParameters));
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (body != null) {
            headers.put("content-type", "application/json");
            event.setBody(body);
        }
        event.setHeaders(headers);
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("tenant_id", tenantId);
        claims.put("email", "admin@" + tenantId + ".example");
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return event;
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    public static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody() == null ? "null" : response.getBody());
        } catch (Exception e) {
            throw new AssertionError("response body is not JSON: " + response.getBody(), e);
        }
    }
}
