package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.sync.SyncWorkerHandler;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.CapturedLines;
import com.saasspend.integration.testing.DeadlineContext;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Follows one correlation id through the logs, as ops would in Logs Insights: the API request id of
 * {@code POST /integrations/atlassian} is in the connect's lines, in the sync request event it publishes, and in every
 * line and metric line of the sync that event triggers.
 */
@ExtendWith(AwsEmulator.class)
class CorrelationIT {
    private static final String API_REQUEST_ID = "Yx3kTgKKoAMEaXw=";

    @Test
    void oneCorrelationIdFollowsAConnectThroughTheSyncItTriggers() throws Exception {
        try (Stack stack = new Stack(SimWorlds.demo(), Clock.systemUTC()); CapturedLines lines = new CapturedLines()) {
            APIGatewayV2HTTPEvent connect = ApiEvents.request("POST /integrations/{type}", "/integrations/atlassian",
                    Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}", "t");
            connect.getRequestContext().setRequestId(API_REQUEST_ID);
            APIGatewayV2HTTPResponse connected = stack.integrations.handleRequest(connect, DeadlineContext.endingIn(Duration.ofSeconds(25)));
            assertEquals(201, connected.getStatusCode(), connected.getBody());

            List<String> events = stack.aws.drainSyncEvents();
            assertEquals(1, events.size());
            Map<String, Object> event = Json.MAPPER.readValue(events.get(0), new TypeReference<>() {});
            assertEquals(API_REQUEST_ID, ApiEvents.parse(events.get(0)).path("detail").path("correlationId").asText(),
                    "the sync request event carries the API request id");

            SyncWorkerHandler worker = new SyncWorkerHandler(Services.of(stack.env, Clock.systemUTC()));
            Map<String, Object> answer = worker.handleRequest(event, DeadlineContext.endingIn(Duration.ofMinutes(14)));
            assertEquals("completed", answer.get("outcome"), answer.toString());

            List<JsonNode> all = lines.lines();
            List<JsonNode> followed = all.stream().filter(l -> API_REQUEST_ID.equals(l.path("correlationId").asText())).toList();
            Set<String> loggers = followed.stream().map(l -> l.path("logger").asText()).collect(Collectors.toSet());
            assertTrue(loggers.contains("HttpApiHandler"), "the connect's line: " + loggers);
            assertTrue(loggers.contains("SyncWorkerHandler"), "the worker's lines: " + loggers);
            assertTrue(loggers.contains("AtlassianOrgSync"), "the sync's lines: " + loggers);
            assertTrue(followed.stream().anyMatch(l -> l.has("SyncsCompleted")), "the sync's metric line");
            assertTrue(followed.stream().anyMatch(l -> "test".equals(l.path("function").asText())
                    && l.path("requestId").asText().equals("test-request")), "lines name the function and its request");
            List<JsonNode> syncLines = followed.stream().filter(l -> "AtlassianOrgSync".equals(l.path("logger").asText())).toList();
            assertFalse(syncLines.isEmpty());
            String runId = syncLines.get(0).path("runId").asText();
            assertFalse(runId.isBlank() || runId.equals("-"), "sync lines carry the run id");
            assertTrue(syncLines.stream().allMatch(l -> runId.equals(l.path("runId").asText())), "one run id on every sync line");
            // The simulator's own lines (Jetty, Javalin: its threads, not an invocation's) are left out.
            assertTrue(all.stream().filter(l -> l.has("level") && !l.path("logger").asText().matches("(org|io)\\..*"))
                            .noneMatch(l -> l.path("correlationId").isMissingNode()),
                    "every line our functions write has a correlation id field");
        }
    }
}
