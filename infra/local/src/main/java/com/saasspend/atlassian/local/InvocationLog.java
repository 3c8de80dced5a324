package com.saasspend.atlassian.local;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One stdout line per invocation (what invoked which function, outcome, milliseconds), readable next to the handlers' own JSON lines. */
public final class InvocationLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final PrintStream OUT = System.out;

    private InvocationLog() {}

    /** e.g. "POST /integrations/atlassian  (POST /integrations/{type} → IntegrationsApiFunction)  201  143 ms". */
    public static void http(String method, String path, String routeKey, String function, int status, long millis) {
        line(String.format("%-6s %s  %d  %d ms%s", method, path, status, millis,
                function == null ? "" : "  [" + routeKey + " → " + function + "]"));
    }

    public static void event(String trigger, String function, String outcome, long millis) {
        line(String.format("%s → %s  %s  %d ms", trigger, function, outcome, millis));
    }

    public static void coldStart(String function, long millis) {
        line(String.format("init %s  %d ms", function, millis));
    }

    public static void info(String message) {
        line(message);
    }

    private static void line(String text) {
        OUT.println("[local " + LocalTime.now().format(TIME) + "] " + text);
    }
}
