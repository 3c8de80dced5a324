package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The counters of the functions' metric lines since the stack started, for the control port's {@code GET /}: what
 * CloudWatch would show, keyed by metric and its most specific dimensions (e.g. {@code SyncsFailed}
 * {@code Integration=atlassian,FailureKind=UNAUTHORIZED}). Counts are summed; other units keep the last value.
 */
final class MetricsSummary implements Consumer<ObjectNode> {
    private final Map<String, Map<String, Long>> values = new TreeMap<>();

    @Override
    public synchronized void accept(ObjectNode line) {
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").path(0);
        JsonNode sets = directive.path("Dimensions");
        JsonNode widest = sets.size() == 0 ? null : sets.get(sets.size() - 1);
        List<String> dims = new ArrayList<>();
        if (widest != null) {
            widest.forEach(name -> dims.add(name.asText() + "=" + line.path(name.asText()).asText()));
        }
        String key = dims.isEmpty() ? "-" : String.join(",", dims);
        for (JsonNode metric : directive.path("Metrics")) {
            String name = metric.path("Name").asText();
            long value = line.path(name).asLong();
            Map<String, Long> byDimensions = values.computeIfAbsent(name, n -> new TreeMap<>());
            if ("Count".equals(metric.path("Unit").asText())) {
                byDimensions.merge(key, value, Long::sum);
            } else {
                byDimensions.put(key, value);
            }
        }
    }

    synchronized Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        values.forEach((name, byDimensions) -> copy.put(name, new TreeMap<>(byDimensions)));
        return copy;
    }
}
