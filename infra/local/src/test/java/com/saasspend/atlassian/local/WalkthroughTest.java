package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.local.testing.TestTemplates;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WalkthroughTest {

    private static String render(Set<String> routes, boolean rules) {
        return String.join("\n", Walkthrough.render(new Walkthrough.Facts(routes, rules, true), "http://api", "http://control", "t"));
    }

    @Test
    void stepsShowOnlyForRoutesTheTemplateHas() {
        Set<String> routes = TestTemplates.real().httpRoutes().stream().map(HttpRoute::routeKey).collect(Collectors.toSet());
        String text = render(routes, false);
        assertTrue(text.contains("curl -s -X POST \"$API/integrations/atlassian\""), text);
        assertTrue(text.contains("\"$API/integrations/jira\""), text);
        assertTrue(text.contains("\"$API/integrations/confluence\""), text);
        assertTrue(text.contains("curl -s \"$API/integrations\" -H \"Authorization: Bearer $TOKEN\""), text);
        if (!routes.contains("GET /users")) {
            assertFalse(text.contains("/users"), text);
        }
        if (!routes.contains("POST /reclaims")) {
            assertFalse(text.contains("/reclaims"), text);
        }
    }

    @Test
    void laterFeaturesAppearWithTheirRoutes() {
        String text = render(Set.of("GET /users", "GET /users/{accountId}/access-groups", "POST /reclaims/plan",
                "POST /reclaims", "POST /reclaims/{id}/undo", "GET /savings", "GET /savings/history"), true);
        assertTrue(text.contains("\"$API/users?status=inactive\""), text);
        assertTrue(text.contains("export ACCOUNT_ID=$(curl -s \"$API/users?status=inactive&limit=1\""), text);
        assertTrue(text.contains("\"$API/reclaims/plan\""), text);
        assertTrue(text.contains("-H \"Idempotency-Key: "), text);
        assertTrue(text.contains("\"$API/reclaims/$RECLAIM_ID/undo\""), text);
        assertTrue(text.contains("\"$API/savings\""), text);
        assertTrue(text.contains("\"$API/savings/history\""), text);
        assertTrue(text.contains("\"$CONTROL/tick\""), text);
        assertFalse(text.contains("/integrations/atlassian\""), text);
        assertFalse(text.contains("/policies"), "no policy step before its routes exist");
        String policies = render(Set.of("POST /policies", "POST /policies/{id}/preview", "GET /policy-actions",
                "POST /policy-actions/{id}/approve", "PUT /policies/{id}", "POST /integrations/{type}/sync", "PUT /settings"), true);
        assertTrue(policies.contains("export POLICY_ID=$(curl -s -X POST \"$API/policies\""), policies);
        assertTrue(policies.contains("\"$API/policy-actions/$ACTION_ID/approve\""), policies);
        assertTrue(policies.contains("\"mode\":\"auto\",\"graceDays\":0"), policies);
        assertTrue(policies.contains("policiesPaused"), policies);
        assertFalse(policies.contains("/policy-actions/approve\""), "no bulk approval step before its route exists");
        String bulk = render(Set.of("POST /policies", "POST /policy-actions/approve", "GET /reclaim-jobs/{id}"), true);
        assertTrue(bulk.contains("export POLICY_JOB_ID=$(curl -s -X POST \"$API/policy-actions/approve\""), bulk);
        assertTrue(bulk.contains("\"$API/reclaim-jobs/$POLICY_JOB_ID\""), bulk);
        assertFalse(render(Set.of("POST /reclaims/plan"), false).contains("/reclaims/plan"),
                "a step shows only when every route it calls exists");
    }
}
