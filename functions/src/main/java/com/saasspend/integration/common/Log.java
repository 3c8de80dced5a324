package com.saasspend.integration.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Structured JSON log lines (one object a line, as CloudWatch Logs Insights reads them) carrying the invocation's
 * context: function, cold start, request id, tenant, correlation id and, on sync lines, the run id. Secret values
 * registered with {@link #redact} are replaced wherever they appear, stack traces included, even at debug level.
 *
 * <p>Our own logger rather than Powertools logging (log4j2): log4j2's plugin scan and the Powertools aspects cost
 * hundreds of milliseconds of cold start and megabytes of jar; these lines carry the same fields. The level comes from
 * {@code AWS_LAMBDA_LOG_LEVEL} (Lambda's advanced logging controls), default INFO.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Map<String, String>> CONTEXT = ThreadLocal.withInitial(Map::of);
    /** True until the first invocation of this JVM (a Lambda execution environment) has begun. */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);
    private static final String FUNCTION = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "-");
    private static volatile PrintStream out = System.out;
    private static volatile Level threshold = parseLevel(System.getenv("AWS_LAMBDA_LOG_LEVEL"));

    private final String logger;

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log of(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** A logger named by text (the slf4j bridge names the AWS SDK's loggers this way). */
    public static Log named(String name) {
        return new Log(name);
    }

    /** Registers a secret so that no log line ever carries it, whatever code path hands it to us. */
    public static void redact(String secret) {
        if (secret != null && secret.length() >= 6) {
            SECRETS.add(secret);
        }
    }

    /**
     * Begins an invocation's context on this thread: the function, whether this is the environment's first
     * invocation (cold start), the request id and the tenant. The correlation id starts as the request id; a
     * function handling an event sets the event's with {@link #put}.
     */
    public static void begin(String function, String requestId, String tenantId) {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("function", function != null ? function : FUNCTION);
        context.put("coldStart", Boolean.toString(COLD.getAndSet(false)));
        context.put("requestId", requestId == null ? "-" : requestId);
        context.put("tenant", tenantId == null ? "-" : tenantId);
        context.put("correlationId", requestId == null ? "-" : requestId);
        CONTEXT.set(Map.copyOf(context));
    }

    /** After a SnapStart priming ran a request: the first invocation after a restore is logged as the cold start it is. */
    public static void nextInvocationIsCold() {
        COLD.set(true);
    }

    /** Sets the request id and tenant for the lines this thread writes until {@link #clearContext()}. */
    public static void context(String requestId, String tenantId) {
        Map<String, String> current = CONTEXT.get();
        if (current.containsKey("function")) {
            put("requestId", requestId == null ? "-" : requestId);
            put("tenant", tenantId == null ? "-" : tenantId);
            return;
        }
        begin(null, requestId, tenantId);
    }

    /** Adds (or replaces) one field of this thread's context, e.g. {@code correlationId} or {@code runId}. */
    public static void put(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(CONTEXT.get());
        next.put(key, value == null ? "-" : value);
        CONTEXT.set(Map.copyOf(next));
    }

    /** The correlation id of this thread's invocation, or null outside one. */
    public static String correlationId() {
        String id = CONTEXT.get().get("correlationId");
        return id == null || id.equals("-") ? null : id;
    }

    /** This thread's context fields (metric lines carry them as properties). */
    public static Map<String, String> contextFields() {
        return CONTEXT.get();
    }

    /** Takes {@code fields} (another thread's {@link #contextFields()}) as this thread's context: a task handed to a pool. */
    public static void adopt(Map<String, String> fields) {
        CONTEXT.set(Map.copyOf(fields));
    }

    public static void clearContext() {
        CONTEXT.remove();
    }

    /** Tests capture the lines; production writes to stdout, which Lambda ships to CloudWatch. */
    public static void output(PrintStream stream) {
        out = stream;
    }

    /** Lines below this level are not written (tests; production reads {@code AWS_LAMBDA_LOG_LEVEL}). */
    public static void level(Level level) {
        threshold = level;
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    static Level parseLevel(String value) {
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE", "DEBUG" -> Level.DEBUG;
            case "WARN" -> Level.WARN;
            case "ERROR", "FATAL" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    public void debug(String message, Object... keyValues) {
        write(Level.DEBUG, message, null, keyValues);
    }

    public void info(String message, Object... keyValues) {
        write(Level.INFO, message, null, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write(Level.WARN, message, null, keyValues);
    }

    public void error(String message, Throwable error, Object... keyValues) {
        write(Level.ERROR, message, error, keyValues);
    }

    /** A line at any level, with an optional error (its stack trace is written, scrubbed). */
    public void log(Level level, String message, Throwable error, Object... keyValues) {
        write(level, message, error, keyValues);
    }

    private void write(Level level, String message, Throwable error, Object... keyValues) {
        if (!enabled(level)) {
            return;
        }
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level.name());
        line.put("logger", logger);
        line.put("message", message);
        CONTEXT.get().forEach(line::put);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        if (error != null) {
            line.put("error", error.getClass().getName() + ": " + error.getMessage());
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.put("stackTrace", trace.toString());
        }
        println(line.toString());
    }

    /** Writes one finished line (log or metric) to the output, scrubbed of every registered secret. */
    static void println(String line) {
        out.println(scrub(line));
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
