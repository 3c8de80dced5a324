package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The template's SQS events (event source mappings), as Lambda runs them: a poller per mapping receives up to
 * {@code BatchSize} messages, invokes the function with the SQS event, deletes what succeeded and, with
 * {@code ReportBatchItemFailures}, leaves the reported failures (the whole batch when the function throws) to come
 * back. Locally a failed message comes back after a few seconds instead of the queue's visibility timeout (minutes),
 * so a step that waits for another run is retried while someone watches.
 */
public final class SqsEventSources implements AutoCloseable {
    private static final int LOCAL_RETRY_SECONDS = 5;

    public record Mapping(LambdaFunction function, String eventName, String queueUrl, String queueArn, int batchSize,
                          boolean reportsItemFailures) {}

    private final TemplateValues values;
    private final SqsClient sqs;
    private final List<Mapping> mappings = new ArrayList<>();
    private final QueuePollers pollers = new QueuePollers();

    public SqsEventSources(TemplateValues values, SqsClient sqs) {
        this.values = values;
        this.sqs = sqs;
    }

    public List<Mapping> install(List<LambdaFunction> functions) {
        for (LambdaFunction function : functions) {
            for (SamFunction.Event event : function.definition().eventsOfType("SQS")) {
                JsonNode props = event.properties();
                String arn = values.resolve(props.path("Queue"));
                String name = arn.substring(arn.lastIndexOf(':') + 1);
                String url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
                mappings.add(mapping(function, event, url, arn));
            }
        }
        return List.copyOf(mappings);
    }

    /**
     * The function's first SQS event source polling a queue made outside the template's resources (the benchmarks'
     * own queue on the emulator), with the template's batch size and failure reporting.
     */
    public Mapping add(LambdaFunction function, String queueUrl, String queueArn) {
        SamFunction.Event event = function.definition().eventsOfType("SQS").stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(function.definition().logicalId() + " has no SQS event"));
        Mapping mapping = mapping(function, event, queueUrl, queueArn);
        mappings.add(mapping);
        return mapping;
    }

    private static Mapping mapping(LambdaFunction function, SamFunction.Event event, String url, String arn) {
        JsonNode props = event.properties();
        boolean partial = false;
        for (JsonNode type : props.path("FunctionResponseTypes")) {
            partial |= "ReportBatchItemFailures".equals(type.asText());
        }
        return new Mapping(function, event.name(), url, arn, Math.min(10, props.path("BatchSize").asInt(10)), partial);
    }

    public List<Mapping> mappings() {
        return List.copyOf(mappings);
    }

    public void start() {
        for (Mapping mapping : mappings) {
            int visibility = mapping.function().definition().timeoutSeconds() + 10;
            pollers.start("sqs-" + mapping.function().definition().logicalId() + "." + mapping.eventName(), mapping.queueUrl(),
                    () -> sqs.receiveMessage(r -> r.queueUrl(mapping.queueUrl()).maxNumberOfMessages(mapping.batchSize())
                            .waitTimeSeconds(1).visibilityTimeout(visibility)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages(),
                    messages -> deliver(mapping, messages));
        }
    }

    private void deliver(Mapping mapping, List<Message> messages) {
        ObjectNode event = ApiGatewayEvents.JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body())
                    .put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs").put("eventSourceARN", mapping.queueArn())
                    .put("awsRegion", "us-east-1");
            ObjectNode attributes = record.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            record.putObject("messageAttributes");
        }
        String function = mapping.function().definition().logicalId();
        String requestId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        Set<String> failed = new HashSet<>();
        String outcome;
        try {
            String result = mapping.function().invoke(event.toString(), requestId);
            if (mapping.reportsItemFailures() && result != null && !result.isBlank()) {
                for (JsonNode failure : ApiGatewayEvents.JSON.readTree(result).path("batchItemFailures")) {
                    failed.add(failure.path("itemIdentifier").asText());
                }
            }
            outcome = failed.isEmpty() ? "ok" : failed.size() + " of " + messages.size() + " reported failed";
        } catch (Exception e) {
            HttpApiGateway.reportFailure(function, requestId, e);
            messages.forEach(m -> failed.add(m.messageId()));
            outcome = "FAILED (" + e.getMessage() + ")";
        }
        // One batch call each, as Lambda's poller deletes what succeeded (a batch holds at most 10 messages).
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        List<ChangeMessageVisibilityBatchRequestEntry> again = new ArrayList<>();
        for (Message m : messages) {
            String id = "m" + (done.size() + again.size());
            if (failed.contains(m.messageId())) {
                again.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(id).receiptHandle(m.receiptHandle())
                        .visibilityTimeout(LOCAL_RETRY_SECONDS).build());
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(id).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!again.isEmpty()) {
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(mapping.queueUrl()).entries(again));
        }
        if (!done.isEmpty()) {
            DeleteMessageBatchResponse deleted = sqs.deleteMessageBatch(r -> r.queueUrl(mapping.queueUrl()).entries(done));
            if (deleted.hasFailed() && !deleted.failed().isEmpty()) {
                // Not deleted: delivered again after the visibility timeout, as in Lambda (the function must be idempotent).
                InvocationLog.info(deleted.failed().size() + " message(s) of " + mapping.queueUrl() + " could not be deleted");
            }
        }
        InvocationLog.event("sqs " + messages.size() + " message(s) (" + mapping.eventName() + ")", function, outcome,
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void close() {
        pollers.close();
    }
}
