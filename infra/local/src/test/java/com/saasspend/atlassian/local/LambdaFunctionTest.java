package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.saasspend.atlassian.local.testing.RecordingEventHandler;
import com.saasspend.atlassian.local.testing.ScheduledEventHandler;
import com.saasspend.atlassian.local.testing.SlowHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaFunctionTest {
    private static final String TEMPLATE = """
            Globals:
              Function: {Runtime: java17, Timeout: 30, MemorySize: 512}
            Resources:
              Dispatch:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: com.saasspend.atlassian.local.testing.ScheduledEventHandler::handleRequest
                  Events:
                    Tick: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(5 minutes)}}
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: com.saasspend.atlassian.local.testing.RecordingEventHandler
              Missing:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: com.example.DoesNotExist::handleRequest
              Slow:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: com.saasspend.atlassian.local.testing.SlowHandler::handleRequest
                  Timeout: 1
            """;

    private static LambdaFunction function(SamTemplate template, String id) {
        return new LambdaFunction(template.function(id).orElseThrow(), id, "arn", LambdaFunctionTest.class.getClassLoader());
    }

    @Test
    void aScheduledEventReachesTheHandlerAsTheRuntimeDeserializesIt() throws Exception {
        SamTemplate template = SamTemplate.parse(TEMPLATE);
        TemplateValues values = new TemplateValues(template, "s", "eu-west-1", "123456789012", null, Map.of());
        LambdaFunction dispatch = function(template, "Dispatch");
        List<Scheduler.Schedule> schedules = Scheduler.fromTemplate(List.of(dispatch));
        assertEquals(1, schedules.size());
        Scheduler scheduler = new Scheduler(schedules, values, Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC));

        List<Scheduler.Tick> ticks = scheduler.tickNow(null);
        assertEquals(1, ticks.size());
        assertEquals("{\"ticks\":1}", ticks.get(0).result());
        ScheduledEvent event = ScheduledEventHandler.LAST.get();
        assertEquals("Scheduled Event", event.getDetailType(), "detail-type needs the runtime's mixin");
        assertEquals("aws.scheduler", event.getSource());
        assertEquals("eu-west-1", event.getRegion());
        assertEquals(Instant.parse("2026-11-28T18:00:00Z").toEpochMilli(), event.getTime().getMillis());
        assertEquals(List.of("arn:aws:scheduler:eu-west-1:123456789012:schedule/default/s-DispatchTick"), event.getResources());
    }

    @Test
    void anEventBridgeEventReachesAMapHandler() throws Exception {
        LambdaFunction worker = function(SamTemplate.parse(TEMPLATE), "Worker");
        String result = worker.invoke("{\"detail-type\":\"IntegrationSyncRequested\",\"detail\":{\"tenantId\":\"t\"}}", "r1");
        assertEquals("{\"recorded\":true}", result);
        Map<String, Object> event = RecordingEventHandler.EVENTS.poll();
        assertEquals("IntegrationSyncRequested", event.get("detail-type"));
        assertEquals(Map.of("tenantId", "t"), event.get("detail"));
    }

    @Test
    void failuresCarryLambdasErrorType() {
        LambdaFunction worker = function(SamTemplate.parse(TEMPLATE), "Worker");
        LambdaFunction.InvocationFailure thrown = assertThrows(LambdaFunction.InvocationFailure.class,
                () -> worker.invoke("{\"detail\":{\"reason\":\"fail\"}}", "r2"));
        assertEquals(IllegalStateException.class.getName(), thrown.errorType());
        LambdaFunction.InvocationFailure missing = assertThrows(LambdaFunction.InvocationFailure.class,
                () -> function(SamTemplate.parse(TEMPLATE), "Missing").invoke("{}", "r3"));
        assertEquals("Runtime.ImportModuleError", missing.errorType());
        RecordingEventHandler.EVENTS.clear();
    }

    @Test
    void aFunctionIsStoppedAtItsTemplateTimeoutAndItsInstanceNeverServesAgain() throws Exception {
        LambdaFunction slow = function(SamTemplate.parse(TEMPLATE), "Slow");
        int constructedBefore = SlowHandler.CONSTRUCTED.get();
        SlowHandler.FINISHED.set(false);
        LambdaFunction.InvocationFailure timedOut = assertThrows(LambdaFunction.TimedOut.class,
                () -> slow.invoke("{\"mode\":\"spin\"}", "r4"));
        assertEquals("Sandbox.Timedout", timedOut.errorType());
        assertEquals("Task timed out after 1.00 seconds", timedOut.getMessage());
        // Stopped where it was, as a Lambda killed at its timeout: the thread is gone and the rest never ran.
        Thread invocation = SlowHandler.THREAD.get();
        assertNotNull(invocation);
        invocation.join(5_000);
        assertFalse(invocation.isAlive(), "the invocation still runs after its timeout");
        int steps = SlowHandler.STEPS.get();
        assertEquals(steps, SlowHandler.STEPS.get());
        assertFalse(SlowHandler.FINISHED.get(), "the handler ran past its timeout");
        // The next invocation gets a fresh instance (Lambda resets the environment after a timeout).
        assertEquals("\"quick\"", slow.invoke("{\"mode\":\"quick\"}", "r5"));
        assertEquals(constructedBefore + 2, SlowHandler.CONSTRUCTED.get());
    }
}
