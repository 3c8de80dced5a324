package com.saasspend.atlassian.local;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Schedule expressions and the developer's "--schedule-every" value, as durations. */
public final class ScheduleRate {
    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private ScheduleRate() {}

    /**
     * The period of an EventBridge / Scheduler "rate(N unit)" expression; empty for cron(...) and at(...), which the
     * local stack fires only on demand. Rejects a zero rate and malformed expressions, as AWS does.
     */
    public static Optional<Duration> parse(String expression) {
        String text = expression == null ? "" : expression.trim();
        if (text.startsWith("cron(") || text.startsWith("at(")) {
            return Optional.empty();
        }
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a schedule expression: '" + expression + "' (expected rate(N minutes|hours|days), cron(...) or at(...))");
        }
        long value = Long.parseLong(m.group(1));
        if (value <= 0) {
            throw new IllegalArgumentException("A rate must be positive: " + expression);
        }
        return Optional.of(switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(value);
            case "hour", "hours" -> Duration.ofHours(value);
            default -> Duration.ofDays(value);
        });
    }

    /** "90s", "5m", "1h", "500ms", "2d", a bare number of seconds, or ISO-8601 ("PT1M"). */
    public static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("pt") || value.startsWith("p")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher m = SHORT.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a duration: '" + text + "' (e.g. 60s, 5m, 1h)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("A period must be positive: " + text);
        }
        return d;
    }
}
