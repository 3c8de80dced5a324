package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.testing.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * IAM in template.yaml grants each function what it uses and nothing more. A new function, or a new permission on an
 * existing one, fails this test until it is added to {@link #GRANTS} on purpose.
 */
class LeastPrivilegeTest {

    /** Per function: SAM policy templates by name, inline actions by name. */
    private static final Map<String, Set<String>> GRANTS = Map.of(
            "IntegrationsApiFunction", Set.of("DynamoDBCrudPolicy", "EventBridgePutEventsPolicy",
                    "secretsmanager:CreateSecret", "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue",
                    "secretsmanager:DeleteSecret", "secretsmanager:TagResource"),
            "LicensesApiFunction", Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"),
            "ReclaimApiFunction", Set.of("DynamoDBCrudPolicy", "EventBridgePutEventsPolicy", "AWSSecretsManagerGetSecretValuePolicy"),
            "SyncDispatchFunction", Set.of("dynamodb:Query", "EventBridgePutEventsPolicy"),
            "ReclaimSweepFunction", Set.of("DynamoDBCrudPolicy", "EventBridgePutEventsPolicy", "AWSSecretsManagerGetSecretValuePolicy"),
            "AtlassianSyncFunction", Set.of("DynamoDBCrudPolicy", "EventBridgePutEventsPolicy", "AWSSecretsManagerGetSecretValuePolicy"),
            "ProductSyncFunction", Set.of("DynamoDBCrudPolicy", "AWSSecretsManagerGetSecretValuePolicy"));

    private static final Set<String> SECRET_WRITES = Set.of("secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret", "secretsmanager:TagResource");

    @Test
    void everyFunctionHoldsExactlyThePermissionsItUses() {
        List<String> problems = new ArrayList<>();
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            Set<String> expected = GRANTS.get(id);
            if (expected == null) {
                problems.add(id + " is not in the least-privilege table: decide what it may do and add it");
                return;
            }
            Set<String> held = new TreeSet<>();
            for (JsonNode policy : function.path("Properties").path("Policies")) {
                if (policy.isTextual()) {
                    problems.add(id + " uses the managed policy " + policy.asText() + "; use a scoped template or statement");
                    continue;
                }
                policy.fieldNames().forEachRemaining(name -> {
                    if (!name.equals("Statement")) {
                        held.add(name);
                    }
                });
                for (JsonNode statement : policy.path("Statement")) {
                    statement.path("Action").forEach(a -> held.add(a.asText()));
                    if (statement.path("Action").isTextual()) {
                        held.add(statement.path("Action").asText());
                    }
                }
            }
            if (!held.equals(expected)) {
                problems.add(id + " holds " + held + " but should hold " + new TreeSet<>(expected));
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void noWildcardActionsOrResourcesAndSecretsScopedToTheProductPrefix() {
        List<String> problems = new ArrayList<>();
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            for (JsonNode policy : function.path("Properties").path("Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    List<String> actions = new ArrayList<>();
                    if (statement.path("Action").isTextual()) {
                        actions.add(statement.path("Action").asText());
                    }
                    statement.path("Action").forEach(a -> actions.add(a.asText()));
                    actions.stream().filter(a -> a.contains("*")).forEach(a -> problems.add(id + ": wildcard action " + a));
                    String resource = statement.path("Resource").toString();
                    if (resource.equals("\"*\"")) {
                        problems.add(id + ": wildcard resource for " + actions);
                    }
                    if (actions.stream().anyMatch(a -> a.startsWith("secretsmanager:")) && !resource.contains("${SecretNamePrefix}/*")) {
                        problems.add(id + ": secrets access not scoped to the product's secret name prefix: " + resource);
                    }
                }
                JsonNode secretTemplate = policy.path("AWSSecretsManagerGetSecretValuePolicy");
                if (!secretTemplate.isMissingNode() && !secretTemplate.path("SecretArn").asText().contains("${SecretNamePrefix}/*")) {
                    problems.add(id + ": GetSecretValue not scoped to the prefix");
                }
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void onlyTheIntegrationsFunctionMayWriteSecrets() {
        GRANTS.forEach((function, grants) -> {
            boolean writes = grants.stream().anyMatch(SECRET_WRITES::contains);
            assertEquals(function.equals("IntegrationsApiFunction"), writes, function + " and secret writes");
        });
    }

    @Test
    void noRouteOptsOutOfTheAuthorizer() {
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> function.path("Properties").path("Events")
                .forEach(event -> {
                    if ("HttpApi".equals(event.path("Type").asText())) {
                        String authorizer = event.path("Properties").path("Auth").path("Authorizer").asText("");
                        assertTrue(authorizer.isEmpty() || authorizer.equals("TenantJwt"), id + " has a route with authorizer " + authorizer);
                        assertEquals("Api", event.path("Properties").path("ApiId").asText(), id + " route on another API");
                    }
                }));
        JsonNode api = Template.resource("Api").path("Properties");
        assertEquals("TenantJwt", api.path("Auth").path("DefaultAuthorizer").asText());
        assertTrue(api.path("CorsConfiguration").path("AllowOrigins").toString().contains("FrontEndOrigin"), "CORS only for the front end");
    }
}
