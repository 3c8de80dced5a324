package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.UpstreamFailure.Kind;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one Atlassian request with the retries it deserves: 429 waits for Retry-After (or X-RateLimit-Reset), 5xx and
 * timeouts back off exponentially with full jitter, everything else answers at once. Failures become
 * {@link UpstreamFailure}s whose messages name the operation, never the credential.
 */
public final class AtlassianHttp {
    private static final Log LOG = Log.of(AtlassianHttp.class);

    private final HttpClient client;
    private final RetrySettings settings;
    private final AtomicLong calls = new AtomicLong();

    public AtlassianHttp(HttpClient client, RetrySettings settings) {
        this.client = client;
        this.settings = settings;
    }

    public static AtlassianHttp create(RetrySettings settings) {
        return new AtlassianHttp(HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                // Never follow redirects: a redirect could carry our Authorization header to another host.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), settings);
    }

    /** HTTP calls made so far, retries included (sync runs record it). */
    public long calls() {
        return calls.get();
    }

    /** A GET/POST/PUT/DELETE with an optional JSON body; answers the parsed body (or a missing node for 204). */
    public JsonNode send(String operation, String method, URI uri, String authorization, Object jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (jsonBody != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(toJson(jsonBody)));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = withRetries(operation, request);
        return parse(operation, response);
    }

    private HttpResponse<String> withRetries(String operation, HttpRequest request) {
        RetryPolicy<HttpResponse<String>> policy = RetryPolicy.<HttpResponse<String>>builder()
                .handle(IOException.class, UncheckedIOException.class)
                .handleResultIf(r -> r.statusCode() == 429 || r.statusCode() >= 500)
                .withMaxAttempts(settings.maxAttempts())
                .withDelayFn(ctx -> delayFor(ctx.getLastResult(), ctx.getAttemptCount()))
                .onRetry(e -> LOG.warn("retrying Atlassian call", "operation", operation,
                        "status", e.getLastResult() != null ? e.getLastResult().statusCode() : "io-error",
                        "attempt", e.getAttemptCount()))
                .build();
        try {
            return Failsafe.with(policy).get(() -> {
                calls.incrementAndGet();
                try {
                    return client.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            });
        } catch (FailsafeException e) {
            throw new UpstreamFailure(Kind.UNAVAILABLE, 0,
                    "Atlassian did not answer " + operation + " (" + e.getCause().getClass().getSimpleName() + ").", null);
        } catch (UncheckedIOException e) {
            throw new UpstreamFailure(Kind.UNAVAILABLE, 0, "Atlassian did not answer " + operation + ".", null);
        }
    }

    /** Delay before the next attempt: what a 429 asks for, else exponential backoff with full jitter. */
    private Duration delayFor(HttpResponse<String> last, int attempts) {
        if (last != null && last.statusCode() == 429) {
            Optional<Duration> asked = retryAfter(last);
            if (asked.isPresent()) {
                Duration wanted = asked.get();
                return wanted.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : wanted;
            }
        }
        long ceiling = Math.min(settings.maxDelay().toMillis(), settings.baseDelay().toMillis() << Math.min(attempts, 16));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(settings.baseDelay().toMillis() / 2, Math.max(ceiling, settings.baseDelay().toMillis()) + 1));
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isPresent()) {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.get().trim()))));
            } catch (NumberFormatException ignored) {
                // An HTTP-date Retry-After is allowed by RFC 9110 but not used by Atlassian; fall through to the reset header.
            }
        }
        return response.headers().firstValue("X-RateLimit-Reset").flatMap(AtlassianHttp::untilReset);
    }

    private static Optional<Duration> untilReset(String value) {
        try {
            Instant reset;
            if (value.matches("\\d+")) {
                long number = Long.parseLong(value);
                // Epoch seconds or milliseconds; Atlassian documents ISO 8601, some gateways send epoch.
                reset = number > 10_000_000_000L ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number);
            } else {
                reset = parseIso(value);
            }
            Duration wait = Duration.between(Instant.now(), reset);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Instant parseIso(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // Jira sends minute precision, e.g. 2026-03-05T10:15Z.
            return OffsetDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX")).toInstant();
        }
    }

    private static JsonNode parse(String operation, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            String body = response.body();
            if (body == null || body.isBlank()) {
                return Json.MAPPER.missingNode();
            }
            try {
                return Json.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw new UpstreamFailure(Kind.UNAVAILABLE, status, "Atlassian answered " + operation + " with a body that is not JSON.", null);
            }
        }
        Long retryAfter = retryAfter(response).map(Duration::toSeconds).orElse(null);
        Kind kind = switch (status) {
            case 400 -> isInvalidCursor(response.body()) ? Kind.INVALID_CURSOR : Kind.BAD_REQUEST;
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
        return failWith(new UpstreamFailure(kind, status,
                "Atlassian answered " + operation + " with HTTP " + status + summary(response.body()), retryAfter,
                errorCode(response.body())));
    }

    private static JsonNode failWith(UpstreamFailure failure) {
        throw failure;
    }

    /** ADMIN-400-1 is the Organizations API's "invalid page cursor" (expired or unknown). */
    private static boolean isInvalidCursor(String body) {
        return body != null && (body.contains("ADMIN-400-1") || body.toLowerCase(java.util.Locale.ROOT).contains("cursor"));
    }

    /** The first error message Atlassian gave, in any of its error shapes, so the admin sees Atlassian's words. */
    private static String summary(String body) {
        if (body == null || body.isBlank()) {
            return ".";
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            String text = firstText(node.path("errors").path(0).path("detail"), node.path("errors").path(0).path("title"),
                    node.path("message"), node.path("errorMessages").path(0), node.path("error").path("message"),
                    node.path("error"));
            return text == null ? "." : ": " + text.substring(0, Math.min(300, text.length()));
        } catch (JsonProcessingException e) {
            return ".";
        }
    }

    /** Atlassian's error code: {@code errors[0].code} (admin v1/v2) or a textual top-level {@code code}; null if none. */
    static String errorCode(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return firstText(node.path("errors").path(0).path("code"), node.path("code"));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }

    private static String toJson(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
