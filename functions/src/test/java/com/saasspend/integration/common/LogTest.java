package com.saasspend.integration.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.testing.CapturedLines;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log line's fields, its level control, stack traces without secrets, and the AWS SDK's slf4j lines routed here. */
class LogTest {
    private static final String SECRET = "ATCTT3xLogTestSecret0123456789";
    private final CapturedLines lines = new CapturedLines();
    private final Log log = Log.of(LogTest.class);

    @AfterEach
    void reset() {
        lines.close();
        Log.level(Log.Level.INFO);
        Log.clearContext();
    }

    private JsonNode last() {
        List<JsonNode> all = lines.lines();
        return all.get(all.size() - 1);
    }

    @Test
    void aLineCarriesTheInvocationContext() {
        Log.begin("my-function", "req-1", "tenant-a");
        Log.put("correlationId", "corr-1");
        Log.put("runId", "run-1");
        log.info("hello", "k", "v");
        JsonNode line = last();
        assertEquals("INFO", line.path("level").asText());
        assertEquals("LogTest", line.path("logger").asText());
        assertEquals("my-function", line.path("function").asText());
        assertTrue(line.path("coldStart").asText().matches("true|false"));
        assertEquals("req-1", line.path("requestId").asText());
        assertEquals("tenant-a", line.path("tenant").asText());
        assertEquals("corr-1", line.path("correlationId").asText());
        assertEquals("run-1", line.path("runId").asText());
        assertEquals("v", line.path("k").asText());
    }

    @Test
    void onlyTheFirstInvocationOfTheEnvironmentIsAColdStart() {
        Log.begin("f", "r1", "t");
        Log.begin("f", "r2", "t");
        log.info("second");
        assertEquals("false", last().path("coldStart").asText());
    }

    @Test
    void afterASnapStartPrimingTheFirstRealInvocationIsAColdStartAgain() {
        Log.begin("f", "priming", "t");
        Log.nextInvocationIsCold();
        Log.begin("f", "r1", "t");
        log.info("first after restore");
        assertEquals("true", last().path("coldStart").asText());
        Log.begin("f", "r2", "t");
        log.info("second");
        assertEquals("false", last().path("coldStart").asText());
    }

    /** With LogFormat JSON, Lambda filters by a line's "level" and keeps its "timestamp" only if it is RFC 3339. */
    @Test
    void everyLineCarriesTheLevelAndAnRfc3339TimestampLambdaFiltersBy() {
        log.warn("w");
        JsonNode line = last();
        assertEquals("WARN", line.path("level").asText());
        assertTrue(line.path("timestamp").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z"),
                line.path("timestamp").asText());
    }

    @Test
    void theLevelComesFromLambdasLogLevelSetting() {
        assertEquals(Log.Level.DEBUG, Log.parseLevel("DEBUG"));
        assertEquals(Log.Level.DEBUG, Log.parseLevel("trace"));
        assertEquals(Log.Level.WARN, Log.parseLevel("WARN"));
        assertEquals(Log.Level.ERROR, Log.parseLevel("FATAL"));
        assertEquals(Log.Level.INFO, Log.parseLevel(null));
        Log.level(Log.Level.WARN);
        log.info("dropped");
        log.debug("dropped");
        log.warn("kept");
        assertEquals(1, lines.lines().size());
        assertEquals("kept", last().path("message").asText());
        Log.level(Log.Level.DEBUG);
        log.debug("now kept");
        assertEquals("DEBUG", last().path("level").asText());
    }

    @Test
    void anErrorCarriesItsStackTraceWithEverySecretRedacted() {
        Log.redact(SECRET);
        log.error("failed", new IllegalStateException("the key " + SECRET + " was refused", new RuntimeException("cause " + SECRET)));
        JsonNode line = last();
        String trace = line.path("stackTrace").asText();
        assertTrue(trace.contains("IllegalStateException") && trace.contains("LogTest.java"), trace);
        assertTrue(trace.contains("Caused by: java.lang.RuntimeException"), trace);
        assertFalse(lines.text().contains(SECRET), "no line carries the secret");
        assertTrue(trace.contains("[REDACTED]"));
    }

    @Test
    void theAwsSdksSlf4jLinesBecomeOurJsonLines() {
        Log.begin("f", "req-9", "t");
        Log.redact(SECRET);
        LoggerFactory.getLogger("software.amazon.awssdk.request").warn("Retrying {} after {}", "GetItem " + SECRET, "throttling");
        JsonNode line = last();
        assertEquals("WARN", line.path("level").asText());
        assertEquals("software.amazon.awssdk.request", line.path("logger").asText());
        assertEquals("Retrying GetItem [REDACTED] after throttling", line.path("message").asText());
        assertEquals("req-9", line.path("requestId").asText());
        LoggerFactory.getLogger("software.amazon.awssdk.request").debug("below the level");
        assertFalse(lines.text().contains("below the level"));
    }
}
