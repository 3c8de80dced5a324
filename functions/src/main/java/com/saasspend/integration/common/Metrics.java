package com.saasspend.integration.common;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout per {@link Line#emit()}, which CloudWatch
 * Logs turns into metrics in the namespace {@code METRICS_NAMESPACE} (default {@value #DEFAULT_NAMESPACE}). The line
 * also carries the log context (tenant, request, correlation and run ids) as properties, so a metric's data point can
 * be found in Logs Insights; dimensions stay low-cardinality (never the tenant).
 *
 * <p>Hand-written rather than Powertools metrics: the format is a dozen lines of JSON, and Powertools adds jars, a
 * default {@code Service} dimension the alarms would have to match, and a flush-at-end model this code does not need
 * (each line is written when its event happens, so a function that dies later loses nothing already counted).
 */
public final class Metrics {
    public static final String DEFAULT_NAMESPACE = "SaasSpend/AtlassianIntegration";

    /** The CloudWatch units this product uses. */
    public enum Unit { Count, Milliseconds, None }

    private static final String NAMESPACE = namespace(System.getenv("METRICS_NAMESPACE"));
    /** The local stack listens to show counters; production has none. */
    private static final List<Consumer<ObjectNode>> LISTENERS = new CopyOnWriteArrayList<>();

    private Metrics() {}

    static String namespace(String configured) {
        return configured == null || configured.isBlank() ? DEFAULT_NAMESPACE : configured.trim();
    }

    public static String namespace() {
        return NAMESPACE;
    }

    /** A line whose metrics are aggregated by one dimension (name = value). */
    public static Line by(String dimension, String value) {
        return new Line().dimension(dimension, value);
    }

    /** Every emitted line (as its JSON object) also goes to {@code listener}: the local stack sums counters. */
    public static void listen(Consumer<ObjectNode> listener) {
        LISTENERS.add(listener);
    }

    public static void unlisten(Consumer<ObjectNode> listener) {
        LISTENERS.remove(listener);
    }

    /** One EMF line: its dimensions, its dimension sets, its metric values. */
    public static final class Line {
        private final Map<String, String> dimensions = new LinkedHashMap<>();
        private final List<List<String>> dimensionSets = new ArrayList<>();
        private final Map<String, Number> values = new LinkedHashMap<>();
        private final Map<String, Unit> units = new LinkedHashMap<>();

        private Line() {}

        private Line dimension(String name, String value) {
            dimensions.put(name, value);
            dimensionSets.add(List.copyOf(dimensions.keySet()));
            return this;
        }

        /**
         * Adds a dimension and a second dimension set (the ones so far plus this one): the metrics are aggregated both
         * without it (what alarms read) and with it (what the dashboard breaks down).
         */
        public Line alsoBy(String name, String value) {
            return dimension(name, value);
        }

        public Line count(String name, long value) {
            return put(name, value, Unit.Count);
        }

        public Line milliseconds(String name, long value) {
            return put(name, value, Unit.Milliseconds);
        }

        public Line value(String name, long value) {
            return put(name, value, Unit.None);
        }

        private Line put(String name, Number value, Unit unit) {
            values.put(name, value);
            units.put(name, unit);
            return this;
        }

        /** Writes the line (nothing when it holds no metric). */
        public void emit() {
            if (values.isEmpty()) {
                return;
            }
            ObjectNode line = Json.MAPPER.createObjectNode();
            ObjectNode aws = line.putObject("_aws");
            aws.put("Timestamp", Instant.now().toEpochMilli());
            ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
            directive.put("Namespace", NAMESPACE);
            ArrayNode sets = directive.putArray("Dimensions");
            dimensionSets.forEach(set -> set.forEach(sets.addArray()::add));
            ArrayNode metrics = directive.putArray("Metrics");
            units.forEach((name, unit) -> metrics.addObject().put("Name", name).put("Unit", unit.name()));
            Log.contextFields().forEach(line::put);
            dimensions.forEach(line::put);
            values.forEach((name, value) -> line.put(name, value.longValue()));
            Log.println(line.toString());
            LISTENERS.forEach(listener -> listener.accept(line));
        }
    }
}
