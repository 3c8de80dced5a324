package com.saasspend.integration.api;

import com.saasspend.integration.domain.licenses.LicenseService;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The License page's rows as CSV (RFC 4180: CRLF lines, a header row, fields with a comma, quote or line break quoted,
 * quotes doubled), safe to open in a spreadsheet: a cell starting with = + - @ (or a tab or carriage return) is
 * prefixed with ' so it is never run as a formula. Grows row by row within a size budget counted as the text costs in
 * a Lambda response (a JSON string), so what it accepted always fits the response.
 */
final class UserCsv {
    static final List<String> HEADER = List.of("Account ID", "Name", "Email", "Account type", "Account status",
            "Membership status", "Last active", "Products", "Groups");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final StringBuilder text = new StringBuilder();
    private final long maxCost;
    private long cost;
    private int rows;

    UserCsv(long maxCost) {
        this.maxCost = maxCost;
        append(line(HEADER));
    }

    /** Adds the row, or answers false (adding nothing) when it would pass the budget. */
    boolean add(LicenseService.UserRow row) {
        String line = line(List.of(text(row.accountId()), text(row.name()), text(row.email()), text(row.accountType()),
                text(row.accountStatus()), text(row.membershipStatus()), lastActive(row), products(row), groups(row)));
        if (cost + cost(line) > maxCost) {
            return false;
        }
        append(line);
        rows++;
        return true;
    }

    int rows() {
        return rows;
    }

    String text() {
        return text.toString();
    }

    private void append(String line) {
        text.append(line);
        cost += cost(line);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String lastActive(LicenseService.UserRow row) {
        return row.products().stream().map(LicenseService.ProductUse::lastActive).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).map(Instant::toString).orElse("");
    }

    /** "jira-software: inactive since 2026-09-01; confluence: never used; jira-software: active (last 2026-11-29)", in the row's product order. */
    private static String products(LicenseService.UserRow row) {
        return row.products().stream().map(p -> text(p.product()) + ": " + switch (p.status()) {
            case "never" -> "never used";
            case "inactive" -> "inactive since " + DAY.format(p.lastActive());
            default -> "active (last " + DAY.format(p.lastActive()) + ")";
        }).collect(Collectors.joining("; "));
    }

    private static String groups(LicenseService.UserRow row) {
        return row.groups().stream().map(g -> g.name() != null ? g.name() : g.id()).collect(Collectors.joining("; "));
    }

    static String line(List<String> cells) {
        return cells.stream().map(UserCsv::cell).collect(Collectors.joining(",")) + "\r\n";
    }

    /** One field: defused if a spreadsheet would read it as a formula, then quoted if it needs to be. */
    static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0;
        return quote ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
    }

    /**
     * Bytes of {@code s} inside a JSON string at worst: printable ASCII 1 (quote and backslash 2), control characters
     * 6 (\u0000 form), anything else 6 per UTF-16 unit (escaped) — never less than its UTF-8 bytes.
     */
    static long cost(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c == '"' || c == '\\' ? 2 : c >= 0x20 && c < 0x7f ? 1 : 6;
        }
        return n;
    }
}
