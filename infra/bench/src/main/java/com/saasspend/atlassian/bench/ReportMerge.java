package com.saasspend.atlassian.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts the figures of a partial run into an existing BENCHMARKS.md ({@code infra/scripts/bench --only I --update}):
 * each measured figure's summary row and section are replaced (or added), the rest is kept, and the header and the
 * load list say which figures were re-measured, when, by which command and under what load. A full run takes most of
 * an hour here; one figure re-measured should not need another.
 */
final class ReportMerge {
    private ReportMerge() {
    }

    static String merge(String existing, List<Figure> figures, Map<String, String> loads, String command, String startedAt) {
        List<String> lines = new ArrayList<>(List.of(existing.split("\n", -1)));
        List<String> numbers = figures.stream().map(Figure::number).toList();
        for (Figure f : figures) {
            replaceRow(lines, f);
            replaceSection(lines, f);
        }
        int failed = firstStartingWith(lines, "**Steps that failed in this run:**");
        if (failed >= 0) {
            int end = failed;
            while (end + 1 < lines.size() && !lines.get(end + 1).isEmpty()) {
                end++;
            }
            lines.add(end + 1, "(Those failures are the first run's; figure(s) " + String.join(", ", numbers)
                    + " were measured again since, see their rows.)");
        }
        int reproduce = lines.indexOf("Reproduce:");
        if (reproduce < 0) {
            throw new IllegalArgumentException("no \"Reproduce:\" line in the report to merge into");
        }
        int at = reproduce - 1; // the blank line closing the load list
        for (Map.Entry<String, String> load : loads.entrySet()) {
            lines.add(at++, "  - " + load.getKey() + " (re-measured " + startedAt + " by `" + command + "`): " + load.getValue());
        }
        int written = firstStartingWith(lines, "Written by ");
        if (written < 0) {
            throw new IllegalArgumentException("no \"Written by\" line in the report to merge into");
        }
        lines.add(written + 1, "Figure(s) " + String.join(", ", numbers) + " re-measured on " + startedAt + " by `" + command
                + "` and merged into this file (`--update`); the other figures are from the run above.");
        return String.join("\n", lines);
    }

    private static void replaceRow(List<String> lines, Figure f) {
        String row = "| " + f.number() + " | " + f.title() + " | " + f.goal() + " | " + f.measured() + " | " + f.verdict() + " |";
        int existing = firstStartingWith(lines, "| " + f.number() + " | ");
        if (existing >= 0) {
            lines.set(existing, row);
            return;
        }
        int header = lines.indexOf("| # | figure | goal | measured: median (min–max, runs) | verdict |");
        if (header < 0) {
            throw new IllegalArgumentException("no summary table in the report to merge into");
        }
        int end = header + 2;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        lines.add(end, row);
    }

    private static void replaceSection(List<String> lines, Figure f) {
        String text = ("## " + f.number() + ". " + f.title() + "\n\n" + f.details()).stripTrailing();
        List<String> section = new ArrayList<>(List.of(text.split("\n", -1)));
        section.add("");
        int start = firstStartingWith(lines, "## " + f.number() + ". ");
        if (start < 0) {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            lines.add("");
            lines.addAll(section);
            return;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        lines.subList(start, end).clear();
        lines.addAll(start, section);
    }

    /** The index of the first line starting with {@code prefix}, or -1. */
    private static int firstStartingWith(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
