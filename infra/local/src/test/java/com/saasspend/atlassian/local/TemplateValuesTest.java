package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.atlassian.local.testing.TestTemplates;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateValuesTest {
    private final SamTemplate template = TestTemplates.real();
    private final TemplateValues values = new TemplateValues(template, "stk", "us-east-1", "123456789012",
            "http://127.0.0.1:5000", Map.of("FrontEndOrigin", "http://localhost:5173"));

    @Test
    void referencesBecomeLocalNames() {
        assertEquals("stk-StateTable", values.resolve("StateTable"));
        assertEquals("stk-sync", values.resolve("SyncBus"), "the bus's Name: !Sub ${AWS::StackName}-sync");
        assertEquals("http://127.0.0.1:5000/123456789012/stk-SyncDeadLetterQueue", values.resolve("SyncDeadLetterQueue"));
        assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/stk-StateTable", values.resolve("${StateTable.Arn}"));
        assertEquals("arn:aws:dynamodb:us-east-1:123456789012:table/stk-StateTable/index/ConnectedIntegrations",
                values.resolve("${StateTable.Arn}/index/ConnectedIntegrations"));
        assertEquals("arn:aws:events:us-east-1:123456789012:event-bus/stk-sync", values.resolve("SyncBus.Arn"));
    }

    @Test
    void parametersTakeOverridesThenDefaults() {
        assertEquals("tenant_id", values.resolve("TenantClaim"));
        assertEquals("http://localhost:5173", values.resolve("FrontEndOrigin"));
        assertEquals("", values.resolve("JwtIssuer"), "no default, no override");
        assertEquals("literal-text", values.resolve("literal-text"));
    }

    @Test
    void functionsSeeTheGlobalEnvironmentResolved() {
        Map<String, String> env = values.environment("IntegrationsApiFunction");
        assertEquals("stk-StateTable", env.get("TABLE_NAME"));
        assertEquals("stk-sync", env.get("EVENT_BUS_NAME"));
        assertEquals("tenant_id", env.get("TENANT_CLAIM"));
        assertEquals("saasspend/atlassian-integration", env.get("SECRET_NAME_PREFIX"));
    }

    @Test
    void theStacksEnvironmentAddsTheSimulatorRouting() {
        Map<String, String> env = LocalStack.requiredEnvironment(template, values, "http://127.0.0.1:8081");
        assertEquals("stk-StateTable", env.get("TABLE_NAME"));
        assertEquals("http://127.0.0.1:8081", env.get("ATLASSIAN_ADMIN_URL"));
        assertEquals("http://127.0.0.1:8081/site/{host}", env.get("ATLASSIAN_SITE_ROUTE"));
        assertEquals("http://127.0.0.1:8081/trello", env.get("TRELLO_API_URL"));
        assertEquals("http://127.0.0.1:8081/bitbucket", env.get("BITBUCKET_API_URL"));
        assertTrue(LocalStack.exports(Map.of("A", "it's")).contains("export A='it'\\''s'"));
    }

    @Test
    void aMissingVariableStopsTheStartNamingTheExport() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalStack.checkEnvironment(Map.of("TABLE_NAME", "stk-StateTable"), Map.of()));
        assertTrue(e.getMessage().contains("export TABLE_NAME='stk-StateTable'"), e.getMessage());
        LocalStack.checkEnvironment(Map.of("TABLE_NAME", "x"), Map.of("TABLE_NAME", "x", "OTHER", "y"));
    }
}
