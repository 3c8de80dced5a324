package com.saasspend.integration.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Structured JSON log lines (one object a line, as CloudWatch Logs Insights reads them) carrying the request id and
 * tenant. Secret values registered with {@link #redact} are replaced wherever they appear, even at debug level.
 */
public final class Log {
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Map<String, String>> CONTEXT = ThreadLocal.withInitial(Map::of);
    private static volatile PrintStream out = System.out;

    private final String logger;

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log of(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** Registers a secret so that no log line ever carries it, whatever code path hands it to us. */
    public static void redact(String secret) {
        if (secret != null && secret.length() >= 6) {
            SECRETS.add(secret);
        }
    }

    /** Sets the request id and tenant for the lines this thread writes until {@link #clearContext()}. */
    public static void context(String requestId, String tenantId) {
        CONTEXT.set(Map.of(
                "requestId", requestId == null ? "-" : requestId,
                "tenant", tenantId == null ? "-" : tenantId));
    }

    public static void clearContext() {
        CONTEXT.remove();
    }

    /** Tests capture the lines; production writes to stdout, which Lambda ships to CloudWatch. */
    public static void output(PrintStream stream) {
        out = stream;
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, null, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, null, keyValues);
    }

    public void error(String message, Throwable error, Object... keyValues) {
        write("ERROR", message, error, keyValues);
    }

    private void write(String level, String message, Throwable error, Object... keyValues) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("logger", logger);
        line.put("message", message);
        CONTEXT.get().forEach(line::put);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        if (error != null) {
            line.put("error", error.getClass().getName() + ": " + error.getMessage());
        }
        out.println(scrub(line.toString()));
    }

    static String scrub(String text) {
        String result = text;
        for (String secret : SECRETS) {
            if (result.contains(secret)) {
                result = result.replace(secret, "[REDACTED]");
            }
        }
        return result;
    }
}
