package com.saasspend.atlassian.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportMergeTest {
    private static final String REPORT = """
            # Benchmarks

            Written by `infra/scripts/bench` (full run) on Mon.

            ## Summary

            | # | figure | goal | measured: median (min–max, runs) | verdict |
            |---|---|---|---|---|
            | 1 | Calls | ≤ 1.05 | ×1.0 | met |
            | I | A day | ≤ 2 % | 9 % | **missed** |

            ## Machine and command

            - Load average:

              - figure 1: 1 → 2 (5 s)

            Reproduce:

            ## 1. Calls

            old one
            ## I. A day

            old day
            """;

    @Test
    void replacesTheMeasuredFiguresRowAndSectionAndKeepsTheRest() {
        Map<String, String> loads = new LinkedHashMap<>();
        loads.put("figure I, N=100,000", "3 → 4 (60 s)");
        String merged = ReportMerge.merge(REPORT, List.of(new Figure("I", "A day", "≤ 2 %", "1.5 %", "met", "new day\n")), loads,
                "infra/scripts/bench --only I", "Tue");

        assertEquals("""
                # Benchmarks

                Written by `infra/scripts/bench` (full run) on Mon.
                Figure(s) I re-measured on Tue by `infra/scripts/bench --only I` and merged into this file (`--update`); the other figures are from the run above.

                ## Summary

                | # | figure | goal | measured: median (min–max, runs) | verdict |
                |---|---|---|---|---|
                | 1 | Calls | ≤ 1.05 | ×1.0 | met |
                | I | A day | ≤ 2 % | 1.5 % | met |

                ## Machine and command

                - Load average:

                  - figure 1: 1 → 2 (5 s)
                  - figure I, N=100,000 (re-measured Tue by `infra/scripts/bench --only I`): 3 → 4 (60 s)

                Reproduce:

                ## 1. Calls

                old one
                ## I. A day

                new day
                """, merged);
    }

    @Test
    void addsAFigureTheReportDidNotHave() {
        String merged = ReportMerge.merge(REPORT, List.of(new Figure("J", "A job", "≤ 1.05", "×1.01", "met", "job table")), Map.of(),
                "infra/scripts/bench --only J", "Tue");

        String[] lines = merged.split("\n", -1);
        assertEquals("| J | A job | ≤ 1.05 | ×1.01 | met |", lines[11]);
        assertEquals(List.of("", "## J. A job", "", "job table", ""),
                List.of(lines).subList(lines.length - 5, lines.length));
    }

    @Test
    void saysTheFirstRunsFailuresAreItsOwn() {
        String withFailure = REPORT.replace("## Machine and command", "**Steps that failed in this run:** figure I: timed out\n\tat x\n\n## Machine and command");
        String merged = ReportMerge.merge(withFailure, List.of(new Figure("I", "A day", "≤ 2 %", "1.5 %", "met", "new day")), Map.of(),
                "infra/scripts/bench --only I", "Tue");

        List<String> lines = List.of(merged.split("\n", -1));
        int failed = lines.indexOf("**Steps that failed in this run:** figure I: timed out");
        assertEquals("(Those failures are the first run's; figure(s) I were measured again since, see their rows.)", lines.get(failed + 2));
        assertEquals("", lines.get(failed + 3));
    }

    @Test
    void refusesAFileWithoutTheReportsShape() {
        assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge("# notes\n", List.of(), Map.of(), "x", "Tue"));
    }
}
