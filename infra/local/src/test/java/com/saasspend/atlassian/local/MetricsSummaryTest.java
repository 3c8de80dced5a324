package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.common.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The control port's metric counters: the functions' EMF lines summed by metric and dimensions. */
class MetricsSummaryTest {

    @Test
    void countsAreSummedByTheirMostSpecificDimensionsAndOtherUnitsKeepTheLastValue() {
        MetricsSummary summary = new MetricsSummary();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.output(new PrintStream(log, true, StandardCharsets.UTF_8));
        Metrics.listen(summary);
        try {
            Metrics.by("Integration", "atlassian").count("SyncsCompleted", 1).value("CredentialDaysLeft", 30).emit();
            Metrics.by("Integration", "atlassian").count("SyncsCompleted", 1).value("CredentialDaysLeft", 29).emit();
            Metrics.by("Integration", "jira").alsoBy("FailureKind", "UNAUTHORIZED").count("SyncsFailed", 1).emit();
        } finally {
            Metrics.unlisten(summary);
            Log.output(System.out);
        }
        Map<String, Map<String, Long>> counters = summary.snapshot();
        assertEquals(Map.of("Integration=atlassian", 2L), counters.get("SyncsCompleted"));
        assertEquals(Map.of("Integration=atlassian", 29L), counters.get("CredentialDaysLeft"));
        assertEquals(Map.of("Integration=jira,FailureKind=UNAUTHORIZED", 1L), counters.get("SyncsFailed"));
        assertEquals(3, log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("\"_aws\"")).count(),
                "the lines are in the stack log too");
    }
}
