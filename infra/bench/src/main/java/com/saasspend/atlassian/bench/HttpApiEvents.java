package com.saasspend.atlassian.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import java.util.HashMap;
import java.util.Map;

/** API Gateway HTTP API (payload 2.0) events as the JWT authorizer passes them to a function. */
public final class HttpApiEvents {
    private HttpApiEvents() {}

    /** e.g. request("POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), json, "tenant-a") */
    public static APIGatewayV2HTTPEvent request(String routeKey, String path, Map<String, String> pathParameters,
                                               Map<String, String> query, String body, String tenantId) {
        String method = routeKey.substring(0, routeKey.indexOf(' '));
        Map<String, String> headers = new HashMap<>(Map.of("accept", "application/json", "authorization", "Bearer (checked by API Gateway)"));
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        Map<String, String> claims = Map.of("tenant_id", tenantId, "email", "admin@" + tenantId + ".example", "sub", "bench-user");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withHeaders(headers)
                .withPathParameters(pathParameters.isEmpty() ? null : new HashMap<>(pathParameters))
                .withQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withRequestId("bench-" + System.nanoTime())
                        .withHttp(RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .withAuthorizer(RequestContext.Authorizer.builder()
                                .withJwt(RequestContext.Authorizer.JWT.builder().withClaims(claims).build()).build())
                        .build())
                .build();
    }

    /** Connects the simulator's demo org (generated worlds reuse its id and key) for a tenant. */
    public static APIGatewayV2HTTPEvent connectAtlassian(String tenantId, String orgId, String apiKey) {
        return request("POST /integrations/{type}", "/integrations/atlassian", Map.of("type", "atlassian"), Map.of(),
                "{\"orgId\":\"" + orgId + "\",\"apiKey\":\"" + apiKey + "\"}", tenantId);
    }

    public static APIGatewayV2HTTPEvent getLicenses(String tenantId) {
        return request("GET /licenses", "/licenses", Map.of(), Map.of(), null, tenantId);
    }
}
