package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InputTransformer;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The template's EventBridgeRule events, as deployed: for each one a rule on the bus with the template's own pattern,
 * so the emulator decides what matches. The emulator cannot invoke Lambda, so the rule's target is a queue that this
 * router polls, invoking the function with the event, as Lambda's asynchronous invocation does: one request id for the
 * event (its retries keep it), a failed event retried (MaximumRetryAttempts of the function's EventInvokeConfig,
 * default 2), and then sent to the function's OnFailure SQS destination as Lambda's invocation record
 * ({@link #onFailureRecord}), or else to its DeadLetterQueue as the event itself with the RequestID, ErrorCode and
 * ErrorMessage attributes.
 */
public final class EventRuleRouter implements AutoCloseable {
    private static final int DEFAULT_RETRIES = 2;

    /**
     * Where an event goes after its last failed attempt: {@code record} for an OnFailure destination (Lambda's
     * invocation record), false for a dead-letter queue (the event as it came).
     */
    public record FailureQueue(String queueUrl, boolean record) {}

    /** One EventBridgeRule event, wired; {@code failure} is null when the function has neither destination nor DLQ. */
    public record Route(LambdaFunction function, String eventName, String busName, String pattern, String ruleName,
                        String queueUrl, int maxRetries, FailureQueue failure) {
        public String id() {
            return function.definition().logicalId() + "." + eventName;
        }
    }

    private final SamTemplate template;
    private final TemplateValues values;
    private final EventBridgeClient events;
    private final SqsClient sqs;
    private final List<Route> routes = new ArrayList<>();
    private final QueuePollers pollers = new QueuePollers();

    public EventRuleRouter(SamTemplate template, TemplateValues values, EventBridgeClient events, SqsClient sqs) {
        this.template = template;
        this.values = values;
        this.events = events;
        this.sqs = sqs;
    }

    /** Creates a queue and a rule (the template's pattern, on the template's bus) per EventBridgeRule event. */
    public List<Route> install(List<LambdaFunction> functions) {
        for (LambdaFunction function : functions) {
            for (SamFunction.Event event : function.definition().eventsOfType("EventBridgeRule", "CloudWatchEvent")) {
                routes.add(install(function, event));
            }
        }
        return List.copyOf(routes);
    }

    private Route install(LambdaFunction function, SamFunction.Event event) {
        JsonNode props = event.properties();
        String bus = props.has("EventBusName") ? values.resolve(props.get("EventBusName")) : "default";
        String pattern = props.path("Pattern").toString();
        String base = values.stackName() + "-" + function.definition().logicalId() + "-" + event.name();
        String ruleName = LocalNames.bounded(base, 64);
        String queueName = LocalNames.bounded(base, 80);
        String queueUrl = sqs.createQueue(r -> r.queueName(queueName)).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name(ruleName).eventBusName(bus).eventPattern(pattern)
                .state("DISABLED".equals(props.path("State").asText()) || props.path("Enabled").asText("true").equals("false")
                        ? "DISABLED" : "ENABLED"));
        Target.Builder target = Target.builder().id("local-lambda").arn(queueArn);
        if (props.has("Input")) {
            target.input(values.resolve(props.get("Input")));
        }
        if (props.has("InputPath")) {
            target.inputPath(props.path("InputPath").asText());
        }
        if (props.has("InputTransformer")) {
            JsonNode transformer = props.path("InputTransformer");
            Map<String, String> paths = new java.util.LinkedHashMap<>();
            transformer.path("InputPathsMap").fields().forEachRemaining(e -> paths.put(e.getKey(), e.getValue().asText()));
            target.inputTransformer(InputTransformer.builder().inputPathsMap(paths)
                    .inputTemplate(transformer.path("InputTemplate").asText()).build());
        }
        events.putTargets(r -> r.rule(ruleName).eventBusName(bus).targets(target.build()));
        JsonNode invokeConfig = template.resource(function.definition().logicalId()).path("Properties").path("EventInvokeConfig");
        int retries = invokeConfig.path("MaximumRetryAttempts").asInt(DEFAULT_RETRIES);
        return new Route(function, event.name(), bus, pattern, ruleName, queueUrl, retries, failureQueue(function, invokeConfig));
    }

    /** The function's OnFailure SQS destination, else its SQS DeadLetterQueue, as a local queue; null when neither. */
    private FailureQueue failureQueue(LambdaFunction function, JsonNode invokeConfig) {
        JsonNode onFailure = invokeConfig.path("DestinationConfig").path("OnFailure");
        JsonNode dlq = template.resource(function.definition().logicalId()).path("Properties").path("DeadLetterQueue");
        String arn = null;
        boolean record = false;
        if ("SQS".equals(onFailure.path("Type").asText())) {
            arn = values.resolve(onFailure.path("Destination"));
            record = true;
        } else if ("SQS".equals(dlq.path("Type").asText())) {
            arn = values.resolve(dlq.path("TargetArn"));
        }
        if (arn == null || arn.isBlank()) {
            return null;
        }
        String queueName = arn.substring(arn.lastIndexOf(':') + 1);
        return new FailureQueue(sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl(), record);
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** One polling thread per route. */
    public void start() {
        for (Route route : routes) {
            int visibility = route.function().definition().timeoutSeconds() + 10;
            pollers.start("events-" + route.id(), route.ruleName(),
                    () -> sqs.receiveMessage(r -> r.queueUrl(route.queueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .visibilityTimeout(visibility)
                            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages(),
                    messages -> messages.forEach(message -> deliver(route, message)));
        }
    }

    private void deliver(Route route, Message message) {
        // Lambda keeps an asynchronous event's request id across its retries: the queue message stands for the event.
        String requestId = message.messageId();
        String trigger = "event " + describe(message.body()) + " (rule " + route.id() + ")";
        String function = route.function().definition().logicalId();
        long started = System.nanoTime();
        try {
            String result = route.function().invoke(message.body(), requestId);
            InvocationLog.event(trigger, function, "ok " + result, (System.nanoTime() - started) / 1_000_000);
            sqs.deleteMessage(r -> r.queueUrl(route.queueUrl()).receiptHandle(message.receiptHandle()));
        } catch (Exception e) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            int attempt = Integer.parseInt(message.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
            HttpApiGateway.reportFailure(function, requestId, e);
            if (attempt <= route.maxRetries()) {
                int delay = Math.min(30, 1 << attempt);
                InvocationLog.event(trigger, function, "FAILED attempt " + attempt + ", retry in " + delay + " s", ms);
                sqs.changeMessageVisibility(r -> r.queueUrl(route.queueUrl()).receiptHandle(message.receiptHandle()).visibilityTimeout(delay));
                return;
            }
            FailureQueue failure = route.failure();
            if (failure == null) {
                InvocationLog.event(trigger, function, "FAILED " + attempt + " times, dropped (no failure destination)", ms);
            } else if (failure.record()) {
                String record = onFailureRecord(route.function().functionArn(), requestId, attempt, message.body(), e, Instant.now());
                sqs.sendMessage(r -> r.queueUrl(failure.queueUrl()).messageBody(record));
                InvocationLog.event(trigger, function, "FAILED " + attempt + " times, record sent to " + failure.queueUrl(), ms);
            } else {
                sqs.sendMessage(r -> r.queueUrl(failure.queueUrl()).messageBody(message.body())
                        .messageAttributes(deadLetterAttributes(requestId, e)));
                InvocationLog.event(trigger, function, "FAILED " + attempt + " times, sent to " + failure.queueUrl(), ms);
            }
            sqs.deleteMessage(r -> r.queueUrl(route.queueUrl()).receiptHandle(message.receiptHandle()));
        }
    }

    /**
     * What Lambda sends to an OnFailure destination after an asynchronous invocation's last attempt (AWS Lambda
     * Developer Guide, "Capturing records of Lambda asynchronous invocations"): the event under {@code requestPayload},
     * the unqualified invocation's ARN with {@code $LATEST}, and the Java runtime's error payload (errorMessage,
     * errorType, stackTrace) under {@code responsePayload}.
     */
    static String onFailureRecord(String functionArn, String requestId, int invokeCount, String event, Throwable failure,
                                  Instant at) {
        ObjectNode record = ApiGatewayEvents.JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS)));
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", requestId);
        context.put("functionArn", functionArn + ":$LATEST");
        context.put("condition", "RetriesExhausted");
        context.put("approximateInvokeCount", invokeCount);
        try {
            record.set("requestPayload", ApiGatewayEvents.JSON.readTree(event));
        } catch (java.io.IOException notJson) {
            record.put("requestPayload", event);
        }
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        record.set("responsePayload", errorPayload(failure));
        return record.toString();
    }

    /** The Java runtime's answer for an unhandled error: the function's own exception, not the local invoker's wrapper. */
    private static ObjectNode errorPayload(Throwable failure) {
        ObjectNode payload = ApiGatewayEvents.JSON.createObjectNode();
        Throwable thrown = failure instanceof LambdaFunction.InvocationFailure && failure.getCause() != null ? failure.getCause() : failure;
        String type = failure instanceof LambdaFunction.InvocationFailure invocation ? invocation.errorType() : thrown.getClass().getName();
        payload.put("errorMessage", String.valueOf(failure.getMessage()));
        payload.put("errorType", type);
        ArrayNode trace = payload.putArray("stackTrace");
        for (StackTraceElement frame : thrown.getStackTrace()) {
            trace.add(frame.toString());
        }
        return payload;
    }

    /**
     * The attributes Lambda puts on an event it sends to the function's dead-letter queue: RequestID, ErrorCode (the
     * invocation's status code: 200 for a function error) and the first 1 KB of ErrorMessage.
     */
    private static Map<String, MessageAttributeValue> deadLetterAttributes(String requestId, Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return Map.of(
                "RequestID", MessageAttributeValue.builder().dataType("String").stringValue(requestId).build(),
                "ErrorCode", MessageAttributeValue.builder().dataType("Number").stringValue("200").build(),
                "ErrorMessage", MessageAttributeValue.builder().dataType("String")
                        .stringValue(message.length() > 1024 ? message.substring(0, 1024) : message).build());
    }

    /** "IntegrationSyncRequested {tenantId=...}" for the log line; the raw body when it is not an event. */
    private static String describe(String body) {
        try {
            JsonNode event = ApiGatewayEvents.JSON.readTree(body);
            String detail = event.path("detail").toString();
            return event.path("detail-type").asText("?") + " " + (detail.length() > 120 ? detail.substring(0, 117) + "..." : detail);
        } catch (Exception e) {
            return body.length() > 60 ? body.substring(0, 57) + "..." : body;
        }
    }

    /** Stops polling; an invocation under way gets a few seconds to finish (as Lambda would not be cut off mid-call). */
    @Override
    public void close() {
        pollers.close();
    }
}
