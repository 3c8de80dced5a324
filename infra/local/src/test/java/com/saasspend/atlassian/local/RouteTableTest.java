package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.local.testing.TestTemplates;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private final RouteTable template = new RouteTable(TestTemplates.real().httpRoutes());

    @Test
    void everyHttpApiEventOfTheTemplateIsARoute() {
        List<String> keys = template.routes().stream().map(HttpRoute::routeKey).toList();
        assertTrue(keys.contains("GET /integrations"), keys.toString());
        assertTrue(keys.contains("POST /integrations/{type}"), keys.toString());
        assertTrue(keys.contains("POST /integrations/{type}/sync"), keys.toString());
        assertEquals("IntegrationsApiFunction", template.match("GET", "/integrations").orElseThrow().route().functionLogicalId());
    }

    @Test
    void pathParametersAreBoundAndDecoded() {
        RouteTable.Match match = template.match("POST", "/integrations/jira").orElseThrow();
        assertEquals("POST /integrations/{type}", match.route().routeKey());
        assertEquals(Map.of("type", "jira"), match.pathParameters());

        RouteTable.Match rotate = template.match("PUT", "/integrations/atlassian/credentials").orElseThrow();
        assertEquals("PUT /integrations/{type}/credentials", rotate.route().routeKey());

        assertEquals(Map.of("type", "a b"), template.match("DELETE", "/integrations/a%20b").orElseThrow().pathParameters());
    }

    @Test
    void unknownPathsMethodsAndEmptyParametersMatchNothing() {
        assertTrue(template.match("GET", "/nope").isEmpty());
        assertTrue(template.match("PATCH", "/integrations/jira").isEmpty());
        assertTrue(template.match("POST", "/integrations/").isEmpty(), "an empty {type} is no match");
        assertTrue(template.match("GET", "/integrations/jira/sync/extra").isEmpty());
    }

    @Test
    void theMostSpecificRouteWinsAsInApiGateway() {
        RouteTable table = new RouteTable(List.of(
                new HttpRoute("ANY", "/{proxy+}", "Greedy", "e", null, null),
                new HttpRoute("GET", "/items/{id}", "Param", "e", null, null),
                new HttpRoute("GET", "/items/special", "Literal", "e", null, null),
                new HttpRoute("ANY", "/items/special", "AnyLiteral", "e", null, null),
                new HttpRoute("ANY", "$default", "Default", "e", null, null)));
        assertEquals("Literal", table.match("GET", "/items/special").orElseThrow().route().functionLogicalId());
        assertEquals("AnyLiteral", table.match("POST", "/items/special").orElseThrow().route().functionLogicalId());
        assertEquals("Param", table.match("GET", "/items/7").orElseThrow().route().functionLogicalId());
        RouteTable.Match greedy = table.match("DELETE", "/a/b/c").orElseThrow();
        assertEquals("Greedy", greedy.route().functionLogicalId());
        assertEquals(Map.of("proxy", "a/b/c"), greedy.pathParameters());
        assertEquals("Default", table.match("GET", "/").orElseThrow().route().functionLogicalId());
    }
}
