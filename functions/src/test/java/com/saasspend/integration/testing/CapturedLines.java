package com.saasspend.integration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Captures what the functions write to their log (log lines and EMF metric lines) while open. */
public final class CapturedLines implements AutoCloseable {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public CapturedLines() {
        Log.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    public String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Every line, parsed (all of them are JSON objects). */
    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (!line.isBlank()) {
                lines.add(ApiEvents.parse(line));
            }
        }
        return lines;
    }

    /** The embedded-metric-format lines. */
    public List<JsonNode> metricLines() {
        return lines().stream().filter(l -> l.has("_aws")).toList();
    }

    /** The EMF lines that carry metric {@code name}. */
    public List<JsonNode> metric(String name) {
        return metricLines().stream().filter(l -> l.has(name)).toList();
    }

    /** The log lines (not metrics) matching {@code filter}. */
    public List<JsonNode> logLines(Predicate<JsonNode> filter) {
        return lines().stream().filter(l -> !l.has("_aws")).filter(filter).toList();
    }

    /** The metric's unit in its line's directive. */
    public static String unit(JsonNode line, String metric) {
        for (JsonNode m : line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")) {
            if (m.path("Name").asText().equals(metric)) {
                return m.path("Unit").asText();
            }
        }
        return null;
    }

    /** The line's dimension sets, e.g. [[Integration], [Integration, FailureKind]]. */
    public static List<List<String>> dimensionSets(JsonNode line) {
        List<List<String>> sets = new ArrayList<>();
        for (JsonNode set : line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions")) {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            sets.add(names);
        }
        return sets;
    }

    @Override
    public void close() {
        Log.output(System.out);
    }
}
