package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.testing.Template;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** template.yaml and the jar agree: every function's handler exists, and the deployed table is what the code expects. */
class TemplateContractTest {

    @Test
    void everyHandlerInTheTemplateNamesAPublicClassAndMethodInTheJar() throws Exception {
        Map<String, JsonNode> functions = Template.resourcesOfType("AWS::Serverless::Function");
        assertFalse(functions.isEmpty(), "template.yaml declares no function");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            String handler = function.getValue().path("Properties").path("Handler").asText();
            String[] parts = handler.split("::");
            if (parts.length != 2) {
                problems.add(function.getKey() + ": handler '" + handler + "' is not Class::method");
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(parts[0]);
            } catch (ClassNotFoundException e) {
                problems.add(function.getKey() + ": class " + parts[0] + " is not in the jar");
                continue;
            }
            if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
                problems.add(function.getKey() + ": " + parts[0] + " must be a public concrete class");
            }
            try {
                type.getConstructor();
            } catch (NoSuchMethodException e) {
                problems.add(function.getKey() + ": " + parts[0] + " needs a public no-arg constructor for Lambda");
            }
            boolean hasMethod = Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(parts[1])
                    && m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class);
            if (!hasMethod) {
                problems.add(function.getKey() + ": " + parts[0] + " has no public " + parts[1] + "(input, Context)");
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void everyFunctionShipsTheOneJarAndHasItsOwnLogGroup() {
        String codeUri = Template.root().path("Globals").path("Function").path("CodeUri").asText();
        assertEquals("functions/target/functions.jar", codeUri);
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode props = function.path("Properties");
            assertTrue(function.path("Metadata").path("SkipBuild").asBoolean(), id + " must use the prebuilt jar");
            String logGroup = props.path("LoggingConfig").path("LogGroup").asText();
            assertFalse(logGroup.isEmpty(), id + " needs an explicit log group");
            assertEquals("AWS::Logs::LogGroup", Template.resource(logGroup).path("Type").asText(), id);
            assertTrue(Template.resource(logGroup).path("Properties").has("RetentionInDays"), logGroup + " keeps logs forever");
        });
    }

    @Test
    void apiFunctionsUseSnapStartAndEveryRouteIsBehindTheJwtAuthorizer() {
        JsonNode auth = Template.resource("Api").path("Properties").path("Auth");
        String defaultAuthorizer = auth.path("DefaultAuthorizer").asText();
        assertTrue(auth.path("Authorizers").path(defaultAuthorizer).has("JwtConfiguration"), "default authorizer is JWT");
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode props = function.path("Properties");
            boolean servesApi = false;
            for (JsonNode event : props.path("Events")) {
                if ("HttpApi".equals(event.path("Type").asText())) {
                    servesApi = true;
                    JsonNode authorizer = event.path("Properties").path("Auth").path("Authorizer");
                    assertTrue(authorizer.isMissingNode() || authorizer.asText().equals(defaultAuthorizer),
                            id + " exposes a route without the JWT authorizer");
                }
            }
            if (servesApi) {
                assertEquals("PublishedVersions", props.path("SnapStart").path("ApplyOn").asText(), id + " SnapStart");
                assertFalse(props.path("AutoPublishAlias").asText().isEmpty(), id + " SnapStart needs a published alias");
            }
        });
    }

    @Test
    void theTableIsProtectedAgainstLoss() {
        JsonNode table = Template.resource("StateTable");
        JsonNode props = table.path("Properties");
        assertTrue(props.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
        assertTrue(props.path("DeletionProtectionEnabled").asBoolean());
        assertEquals("Retain", table.path("DeletionPolicy").asText());
    }
}
