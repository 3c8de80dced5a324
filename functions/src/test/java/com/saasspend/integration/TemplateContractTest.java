package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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

    /** An evaluation's claim on a sync run is honoured for as long as its holder can run: the function's timeout. */
    @Test
    void thePolicyEvaluationClaimLastsAsLongAsThePolicyEvaluationFunctionMayRun() {
        JsonNode function = Template.resource("PolicyEvaluationFunction");
        assertEquals(com.saasspend.integration.domain.policies.PolicyService.EVALUATION_TIMEOUT.toSeconds(),
                function.path("Properties").path("Timeout").asLong(-1), "PolicyEvaluationFunction's Timeout");
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

    /**
     * Every function logs JSON (Lambda filters our lines by their level, AWS_LAMBDA_LOG_LEVEL) at a level that keeps the
     * metric lines, which carry no level and count as INFO; every function is traced by Lambda (no X-Ray SDK).
     */
    @Test
    void everyFunctionLogsJsonAtALevelThatKeepsMetricLinesAndIsTraced() {
        JsonNode globals = Template.root().path("Globals").path("Function");
        JsonNode logging = globals.path("LoggingConfig");
        assertEquals("JSON", logging.path("LogFormat").asText());
        assertEquals("INFO", logging.path("SystemLogLevel").asText(), "REPORT lines carry Init and Restore Duration");
        JsonNode level = Template.root().path("Parameters").path(logging.path("ApplicationLogLevel").asText());
        assertEquals("INFO", level.path("Default").asText());
        level.path("AllowedValues").forEach(value -> assertTrue(List.of("TRACE", "DEBUG", "INFO").contains(value.asText()),
                value.asText() + " would drop the metric lines (Lambda reads a line without a level as INFO)"));
        assertEquals("Active", globals.path("Tracing").asText());
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode props = function.path("Properties");
            assertFalse(props.path("LoggingConfig").has("LogFormat"), id + " overrides the log format");
            assertFalse(props.path("LoggingConfig").has("ApplicationLogLevel"), id + " overrides the log level");
            assertFalse(props.has("Tracing"), id + " overrides tracing");
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
    void everyAsynchronouslyInvokedFunctionKeepsItsFailuresInAQueue() {
        List<String> problems = new ArrayList<>();
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            JsonNode props = function.path("Properties");
            boolean async = false;
            for (JsonNode event : props.path("Events")) {
                String type = event.path("Type").asText();
                async |= ASYNC_SOURCES.contains(type);
                if (type.startsWith("Schedule") && !isQueueArn(event.path("Properties").path("DeadLetterConfig").path("Arn").asText())) {
                    problems.add(id + ": the schedule has no dead-letter queue (a tick it cannot deliver is dropped)");
                }
                if (type.equals("EventBridgeRule") && !isQueueArn(event.path("Properties").path("DeadLetterConfig").path("Arn").asText())) {
                    problems.add(id + ": an EventBridge rule without a dead-letter queue");
                }
            }
            JsonNode invoke = props.path("EventInvokeConfig");
            if (async) {
                JsonNode onFailure = invoke.path("DestinationConfig").path("OnFailure");
                if (!"SQS".equals(onFailure.path("Type").asText()) || !isQueueArn(onFailure.path("Destination").asText())) {
                    problems.add(id + " is invoked asynchronously but has no EventInvokeConfig OnFailure SQS destination in this"
                            + " template (Lambda drops the event after its retries)");
                }
                if (!invoke.has("MaximumRetryAttempts") || !invoke.has("MaximumEventAgeInSeconds")) {
                    problems.add(id + ": EventInvokeConfig must state MaximumRetryAttempts and MaximumEventAgeInSeconds");
                }
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void syncWorkersHaveReservedConcurrencyFromAParameter() {
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            boolean worker = false;
            for (JsonNode event : function.path("Properties").path("Events")) {
                worker |= event.path("Type").asText().equals("EventBridgeRule");
            }
            if (worker) {
                String reserved = function.path("Properties").path("ReservedConcurrentExecutions").asText();
                assertTrue(Template.root().path("Parameters").has(reserved), id + " reserved concurrency must come from a parameter, not " + reserved);
            }
        });
    }

    @Test
    void everyFunctionAndQueueIsAlarmedAndEveryAlarmNotifiesTheTopic() {
        Map<String, JsonNode> alarms = Template.resourcesOfType("AWS::CloudWatch::Alarm");
        List<String> problems = new ArrayList<>();
        alarms.forEach((id, alarm) -> {
            String actions = alarm.path("Properties").path("AlarmActions").toString();
            if (!actions.contains("CreateAlarmTopic") || !actions.contains("AlarmTopicArn")) {
                problems.add(id + " does not notify the alarm topic (created, or the AlarmTopicArn parameter)");
            }
        });
        Template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(function -> {
            for (String metric : List.of("Errors", "Throttles")) {
                if (alarmsOn(alarms, "AWS/Lambda", metric).noneMatch(a -> a.path("Dimensions").toString().contains("\"" + function + "\""))) {
                    problems.add(function + " has no " + metric + " alarm");
                }
            }
        });
        Template.resourcesOfType("AWS::SQS::Queue").keySet().forEach(queue -> {
            if (alarmsOn(alarms, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
                    .noneMatch(a -> a.path("Dimensions").toString().contains("\"" + queue + ".QueueName\""))) {
                problems.add("queue " + queue + " has no messages-visible alarm");
            }
        });
        JsonNode topic = Template.resource("AlarmTopic");
        assertEquals("CreateAlarmTopic", topic.path("Condition").asText(), "the topic is created only when none is given");
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** The metrics the code emits (embedded metric format) that alarms read: names, namespace and dimension agreed here. */
    @Test
    void theSyncAlarmsReadTheProductMetricsByIntegration() {
        Map<String, JsonNode> alarms = Template.resourcesOfType("AWS::CloudWatch::Alarm");
        assertEquals("SaasSpend/AtlassianIntegration", Template.root().path("Parameters").path("MetricsNamespace").path("Default").asText());
        Map<String, String> missingData = Map.of("SyncsFailed", "notBreaching", "SyncsCompleted", "breaching", "CredentialDaysLeft", "notBreaching");
        missingData.forEach((metric, treatMissing) -> {
            List<JsonNode> reading = alarms.values().stream().filter(a -> {
                for (JsonNode query : a.path("Properties").path("Metrics")) {
                    JsonNode m = query.path("MetricStat").path("Metric");
                    if (metric.equals(m.path("MetricName").asText()) && "MetricsNamespace".equals(m.path("Namespace").asText())
                            && m.path("Dimensions").toString().contains("\"Integration\"")) {
                        return true;
                    }
                }
                return false;
            }).toList();
            assertEquals(1, reading.size(), "one alarm on " + metric);
            JsonNode props = reading.get(0).path("Properties");
            assertEquals(treatMissing, props.path("TreatMissingData").asText(), metric);
            List<String> integrations = new ArrayList<>();
            props.path("Metrics").forEach(q -> q.path("MetricStat").path("Metric").path("Dimensions")
                    .forEach(d -> integrations.add(d.path("Value").asText())));
            assertEquals(List.of("atlassian", "jira", "confluence", "trello", "bitbucket"), integrations, metric + " by every integration");
        });
        assertEquals(com.saasspend.integration.domain.IntegrationOverview.EXPIRY_WARNING_DAYS,
                Template.resource("CredentialsExpiringAlarm").path("Properties").path("Threshold").asInt(),
                "the alarm fires when Settings > Integrations starts warning the admin");
        assertEquals("MetricsNamespace", Template.root().path("Globals").path("Function").path("Environment").path("Variables")
                .path("METRICS_NAMESPACE").asText(), "the functions learn the namespace the alarms read");
    }

    @Test
    void theApiWritesAnAccessLogLineWithTheRequestIdAndAuthorizerErrors() {
        JsonNode logs = Template.resource("Api").path("Properties").path("AccessLogSettings");
        String format = logs.path("Format").asText();
        for (String field : List.of("$context.requestId", "$context.status", "$context.routeKey", "$context.integrationErrorMessage",
                "$context.authorizer.error")) {
            assertTrue(format.contains(field), "access log lacks " + field);
        }
        assertDoesNotThrow(() -> com.saasspend.integration.common.Json.MAPPER.readTree(format.replace("${TenantClaim}", "tenant_id")),
                "access log format is JSON");
        String group = logs.path("DestinationArn").asText().replace(".Arn", "");
        assertTrue(Template.resource(group).path("Properties").has("RetentionInDays"), group + " keeps logs forever");
    }

    @Test
    void theDashboardIsValidJsonOverTheStacksOwnResources() throws Exception {
        String body = Template.resource("Dashboard").path("Properties").path("DashboardBody").asText();
        // Every ${...} of the !Sub names a parameter, a pseudo parameter, or a resource (attribute) of this template.
        java.util.regex.Matcher reference = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(body);
        List<String> unknown = new ArrayList<>();
        while (reference.find()) {
            String name = reference.group(1).split("\\.")[0];
            if (!name.startsWith("AWS::") && !Template.root().path("Parameters").has(name) && !Template.root().path("Resources").has(name)) {
                unknown.add(reference.group(1));
            }
        }
        assertEquals(List.of(), unknown, "dashboard references outside the template");
        JsonNode dashboard = com.saasspend.integration.common.Json.MAPPER.readTree(body.replaceAll("\\$\\{[^}]+}", "x"));
        assertTrue(dashboard.path("widgets").size() >= 10, "dashboard widgets");
        String widgets = dashboard.toString();
        for (String metric : List.of("SyncsCompleted", "SyncsFailed", "CredentialDaysLeft", "ApproximateNumberOfMessagesVisible", "5xx")) {
            assertTrue(widgets.contains(metric), "dashboard shows " + metric);
        }
        Template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(function ->
                assertTrue(body.contains("${" + function + "}"), "dashboard shows " + function));
    }

    private static final java.util.Set<String> ASYNC_SOURCES = java.util.Set.of("EventBridgeRule", "Schedule", "ScheduleV2", "S3", "SNS",
            "CloudWatchEvent", "CloudWatchLogs", "IoTRule");

    private static boolean isQueueArn(String getAtt) {
        return getAtt.endsWith(".Arn") && Template.root().path("Resources").path(getAtt.replace(".Arn", "")).path("Type").asText()
                .equals("AWS::SQS::Queue");
    }

    private static java.util.stream.Stream<JsonNode> alarmsOn(Map<String, JsonNode> alarms, String namespace, String metric) {
        return alarms.values().stream().map(a -> a.path("Properties"))
                .filter(p -> namespace.equals(p.path("Namespace").asText()) && metric.equals(p.path("MetricName").asText()));
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
