package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import com.saasspend.integration.testing.Template;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * infra/scripts/replay-failures (README, Operating it) against moto: the sync requests kept in a failure queue, as
 * Lambda's OnFailure records and as EventBridge dead letters, go back on the bus and leave the queue; a tick is
 * dropped as superseded; a message it does not understand stays.
 */
@ExtendWith(AwsEmulator.class)
class ReplayFailuresIT {
    private static final Path ROOT = Template.path().getParent();

    @Test
    void replaysSyncRequestsDropsTicksAndKeepsWhatItDoesNotKnow() throws Exception {
        EmulatedAws aws = new EmulatedAws();
        String queue = aws.sqs.createQueue(r -> r.queueName("failures-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();

        JsonNode jira = sample("sync-requested-jira.json");
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("version", "1.0");
        record.putObject("requestContext").put("condition", "RetriesExhausted").put("approximateInvokeCount", 3);
        record.set("requestPayload", jira);
        record.putObject("responsePayload").put("errorMessage", "Atlassian answered 503 three times");
        send(aws, queue, record.toString(), null);

        JsonNode atlassian = sample("sync-requested-atlassian.json");
        send(aws, queue, atlassian.toString(), "Throttled");

        ObjectNode tick = Json.MAPPER.createObjectNode();
        tick.set("requestPayload", sample("sync-schedule.json"));
        send(aws, queue, tick.toString(), null);

        String foreign = "{\"hello\":\"not ours\"}";
        send(aws, queue, foreign, null);

        Run run = replay(queue, aws.bus, "--max", "10");
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.strip().endsWith("{\"replayed\": 2, \"superseded\": 1, \"left\": 1}"), run.output);

        List<String> published = new ArrayList<>();
        for (String body : aws.drainSyncEvents()) {
            published.add(Json.MAPPER.readTree(body).path("detail").toString());
        }
        published.sort(String::compareTo);
        List<String> expected = new ArrayList<>(List.of(atlassian.path("detail").toString(), jira.path("detail").toString()));
        expected.sort(String::compareTo);
        assertEquals(expected, published, "both sync requests are back on the bus, unchanged");

        List<Message> left = aws.sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0)
                .waitTimeSeconds(0)).messages();
        assertEquals(List.of(foreign), left.stream().map(Message::body).toList(), "only the unknown message stays");
    }

    @Test
    void aDryRunChangesNothingAndMaxBoundsTheRun() throws Exception {
        EmulatedAws aws = new EmulatedAws();
        String queue = aws.sqs.createQueue(r -> r.queueName("failures-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
        for (int i = 0; i < 3; i++) {
            send(aws, queue, sample("sync-requested-trello.json").toString(), null);
        }
        Run dry = replay(queue, aws.bus, "--dry-run");
        assertEquals(0, dry.exit, dry.output);
        assertTrue(dry.output.strip().endsWith("{\"replayed\": 0, \"superseded\": 0, \"left\": 0}"), dry.output);
        assertEquals(List.of(), aws.drainSyncEvents(), "a dry run publishes nothing");

        Run bounded = replay(queue, aws.bus, "--max", "1");
        assertEquals(0, bounded.exit, bounded.output);
        assertEquals(1, aws.drainSyncEvents().size(), "--max 1 replays one message");
    }

    private record Run(int exit, String output) {}

    private static Run replay(String queueUrl, String bus, String... extra) throws Exception {
        Path python = ROOT.resolve(".venv/bin/python");
        assertTrue(Files.isExecutable(python), "the project venv (boto3) is missing: source infra/scripts/lib.sh && ensure_venv");
        List<String> command = new ArrayList<>(List.of(python.toString(), ROOT.resolve("infra/scripts/replay-failures").toString(),
                "--queue-url", queueUrl, "--bus", bus));
        command.addAll(List.of(extra));
        // The child inherits AWS_ENDPOINT_URL and the dummy credentials the test run points at moto.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "replay-failures did not finish");
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static JsonNode sample(String file) throws Exception {
        return Json.MAPPER.readTree(Files.readString(ROOT.resolve("events").resolve(file)));
    }

    private static void send(EmulatedAws aws, String queue, String body, String errorCode) {
        aws.sqs.sendMessage(r -> {
            r.queueUrl(queue).messageBody(body);
            if (errorCode != null) {
                r.messageAttributes(java.util.Map.of("ERROR_CODE", MessageAttributeValue.builder().dataType("String").stringValue(errorCode).build()));
            }
        });
    }
}
