package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.UpstreamFailure.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import com.saasspend.integration.domain.sync.ContentHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one Atlassian request with the retries it deserves: 429 waits for Retry-After (or X-RateLimit-Reset), 5xx and
 * timeouts back off exponentially with full jitter, everything else answers at once. Failures become
 * {@link UpstreamFailure}s whose messages name the operation, never the credential. Every attempt is first paced by its
 * key's rate limit ({@link RatePacing}, from the X-RateLimit-* headers of earlier answers), within the invocation's time.
 */
public final class AtlassianHttp {
    private static final Log LOG = Log.of(AtlassianHttp.class);
    /** Below this, an attempt cannot get a useful answer: the call is not sent at all (OUT_OF_TIME). */
    static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);

    /** Waits between attempts; tests pass one that advances a fake clock instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration delay) throws InterruptedException;
    }

    private final HttpClient client;
    private final RetrySettings settings;
    private final Sleeper sleeper;
    private final Clock clock;
    /** Shared by every call of this instance (a warm Lambda instance keeps what it learnt of each key's window). */
    private final RatePacing pacing = new RatePacing();
    private final AtomicLong calls = new AtomicLong();

    public AtlassianHttp(HttpClient client, RetrySettings settings) {
        // Real sleeps: the system clock itself moves on while a call waits.
        this(client, settings, delay -> Thread.sleep(delay.toMillis()), Clock.systemUTC());
    }

    /**
     * Tests: a sleeper that does not really sleep. The pacing then sees the time as the system clock plus what the
     * sleeper was asked to wait, as it would after real sleeps.
     */
    AtlassianHttp(HttpClient client, RetrySettings settings, Sleeper sleeper) {
        this(client, settings, new SleptClock(sleeper), null);
    }

    private AtlassianHttp(HttpClient client, RetrySettings settings, SleptClock slept, Void unused) {
        this(client, settings, slept::sleep, slept);
    }

    /** Tests: a sleeper that advances {@code clock} instead of sleeping. */
    AtlassianHttp(HttpClient client, RetrySettings settings, Sleeper sleeper, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** The system clock moved on by every wait handed to a sleeper that does not sleep (tests). */
    private static final class SleptClock extends Clock {
        private final Sleeper sleeper;
        private final AtomicLong sleptNanos = new AtomicLong();

        SleptClock(Sleeper sleeper) {
            this.sleeper = sleeper;
        }

        void sleep(Duration delay) throws InterruptedException {
            sleeper.sleep(delay);
            sleptNanos.addAndGet(delay.toNanos());
        }

        @Override
        public Instant instant() {
            return Instant.now().plusNanos(sleptNanos.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
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
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (jsonBody != null) {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(toJson(jsonBody)));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = withRetries(operation, builder, pacingKey(uri, authorization));
        return parse(operation, response);
    }

    /**
     * Attempts until an answer that is not worth retrying, the attempts are used up, or the invocation's deadline
     * does not leave room for the wait plus a whole request: then the last answer stands (its failure is the
     * caller's), so a retry wait never outlives the invocation.
     */
    private HttpResponse<String> withRetries(String operation, HttpRequest.Builder builder, String key) {
        HttpResponse<String> last = null;
        IOException lastError = null;
        Duration waitedBefore = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            pace(operation, key, waitedBefore);
            HttpRequest request;
            try {
                request = builder.timeout(timeoutForAttempt(operation)).build();
            } catch (UpstreamFailure notSent) {
                pacing.notSent(key);
                throw notSent;
            }
            calls.incrementAndGet();
            AtlassianTraffic.call();
            try {
                last = client.send(request, HttpResponse.BodyHandlers.ofString());
                lastError = null;
                recordRateLimit(key, last);
                if (last.statusCode() == 429) {
                    AtlassianTraffic.throttled();
                }
                if (!retryable(last)) {
                    return last;
                }
            } catch (IOException e) {
                pacing.answered(key, clock.instant(), null, null, null);
                last = null;
                lastError = e;
            } catch (InterruptedException e) {
                pacing.notSent(key);
                Thread.currentThread().interrupt();
                throw new UpstreamFailure(Kind.UNAVAILABLE, 0, "Atlassian did not answer " + operation + " (interrupted).", null);
            }
            if (attempt >= settings.maxAttempts()) {
                break;
            }
            Duration delay = delayFor(last, attempt);
            if (!fits(delay.plus(settings.requestTimeout()))) {
                LOG.warn("not retrying Atlassian call: the invocation ends before another attempt could", "operation", operation,
                        "status", last != null ? last.statusCode() : "io-error", "attempt", attempt, "delayMs", delay.toMillis());
                break;
            }
            LOG.warn("retrying Atlassian call", "operation", operation,
                    "status", last != null ? last.statusCode() : "io-error", "attempt", attempt, "delayMs", delay.toMillis());
            AtlassianTraffic.retry();
            waitedBefore = delay;
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamFailure(Kind.UNAVAILABLE, 0, "Atlassian did not answer " + operation + " (interrupted).", null);
            }
        }
        if (last != null) {
            return last;
        }
        throw new UpstreamFailure(Kind.UNAVAILABLE, 0,
                "Atlassian did not answer " + operation + " (" + lastError.getClass().getSimpleName() + ").", null);
    }

    /**
     * Waits for this key's next slot ({@link RatePacing}): together with the retry wait just taken ({@code waitedBefore}),
     * at most {@code maxDelay} between two attempts (beyond, Atlassian's own answer decides: a 429 is waited out as
     * always), and never past the invocation's end: a call whose slot comes too late for a useful attempt is not sent
     * (OUT_OF_TIME), so the caller stops at its last page boundary.
     */
    private void pace(String operation, String key, Duration waitedBefore) {
        Duration wait = pacing.reserve(key, clock.instant());
        Duration most = settings.maxDelay().minus(waitedBefore);
        if (wait.compareTo(most) > 0) {
            wait = most;
        }
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        // Whole milliseconds, rounded up: a sleep cut short by its rounding would reach Atlassian just before the reset.
        wait = Duration.ofMillis((wait.toNanos() + 999_999) / 1_000_000);
        Duration available = available();
        if (available != null && wait.plus(MIN_ATTEMPT).compareTo(available) > 0) {
            pacing.notSent(key);
            throw new UpstreamFailure(Kind.OUT_OF_TIME, 0, "There was no time left in this run for the Atlassian call '"
                    + operation + "' after the wait its rate limit asks for; it was not sent.", null);
        }
        AtlassianTraffic.paced(wait);
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            pacing.notSent(key);
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(Kind.UNAVAILABLE, 0, "Atlassian was not called for " + operation + " (interrupted).", null);
        }
    }

    /** What an answer says of its key's rate limit, for the pacing of the next calls. */
    private void recordRateLimit(String key, HttpResponse<?> response) {
        Instant now = clock.instant();
        Long remaining = response.headers().firstValue("X-RateLimit-Remaining").map(AtlassianHttp::number).orElse(null);
        Instant resetAt = response.headers().firstValue("X-RateLimit-Reset").flatMap(AtlassianHttp::resetInstant).orElse(null);
        Duration retryAfter = response.statusCode() == 429 ? retryAfter(response, now).orElse(null) : null;
        pacing.answered(key, now, remaining, resetAt, retryAfter);
    }

    private static Long number(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The pacing bucket of a credential on a host: a hash, so no credential is kept as a key. */
    private static String pacingKey(URI uri, String authorization) {
        return ContentHash.of(uri.getRawAuthority() + " " + Objects.toString(authorization, ""));
    }

    private static boolean retryable(HttpResponse<String> response) {
        return response.statusCode() == 429 || response.statusCode() >= 500;
    }

    /** Time this invocation still gives Atlassian calls (after the margin), or null without a deadline. */
    private Duration available() {
        OptionalLong remaining = InvocationDeadline.remainingMillis();
        return remaining.isPresent() ? Duration.ofMillis(remaining.getAsLong()).minus(settings.deadlineMargin()) : null;
    }

    private boolean fits(Duration needed) {
        Duration available = available();
        return available == null || needed.compareTo(available) <= 0;
    }

    /** The request timeout, capped at what the invocation has left; none left: nothing is sent (OUT_OF_TIME). */
    private Duration timeoutForAttempt(String operation) {
        Duration available = available();
        if (available == null) {
            return settings.requestTimeout();
        }
        if (available.compareTo(MIN_ATTEMPT) < 0) {
            throw new UpstreamFailure(Kind.OUT_OF_TIME, 0, "There was no time left in this run for the Atlassian call '"
                    + operation + "'; it was not sent.", null);
        }
        return available.compareTo(settings.requestTimeout()) < 0 ? available : settings.requestTimeout();
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
        return retryAfter(response, Instant.now());
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response, Instant now) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isPresent()) {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(header.get().trim()))));
            } catch (NumberFormatException ignored) {
                // An HTTP-date Retry-After is allowed by RFC 9110 but not used by Atlassian; fall through to the reset header.
            }
        }
        return response.headers().firstValue("X-RateLimit-Reset").flatMap(AtlassianHttp::resetInstant).map(reset -> {
            Duration wait = Duration.between(now, reset);
            return wait.isNegative() ? Duration.ZERO : wait;
        });
    }

    private static Optional<Instant> resetInstant(String value) {
        try {
            if (value.matches("\\d+")) {
                long number = Long.parseLong(value);
                // Epoch seconds or milliseconds; Atlassian documents ISO 8601, some gateways send epoch.
                return Optional.of(number > 10_000_000_000L ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number));
            }
            return Optional.of(parseIso(value));
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
        JsonNode body = errorBody(response.body());
        String code = errorCode(body);
        Kind kind = switch (status) {
            case 400 -> INVALID_CURSOR.equals(code) ? Kind.INVALID_CURSOR : Kind.BAD_REQUEST;
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
        return failWith(new UpstreamFailure(kind, status,
                "Atlassian answered " + operation + " with HTTP " + status + summary(body), retryAfter, code));
    }

    private static JsonNode failWith(UpstreamFailure failure) {
        throw failure;
    }

    /** The Organizations API's "invalid page cursor" (expired or unknown): the listing restarts. */
    static final String INVALID_CURSOR = "ADMIN-400-1";

    /** An error body as JSON, or a missing node when it is empty or not JSON. */
    private static JsonNode errorBody(String body) {
        if (body == null || body.isBlank()) {
            return Json.MAPPER.missingNode();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Json.MAPPER.missingNode();
        }
    }

    /**
     * Atlassian's error code in any of its error shapes: v1/v2 {@code errors[].code} (ADMIN-404-2), the workspaces
     * ApplicationError's and Trello's top-level {@code code}, {@code errorCode}, {@code error.code}, the gateway's
     * {@code key} (unauthorized), Trello's 429 {@code error} (API_TOKEN_LIMIT_EXCEEDED). The gateway's numeric
     * ProxyError {@code code} is only the HTTP status again, so it is not taken. Null when there is none.
     */
    static String errorCode(JsonNode body) {
        for (JsonNode error : body.path("errors")) {
            String code = firstText(error.path("code"));
            if (code != null) {
                return code;
            }
        }
        return firstText(body.path("code"), body.path("errorCode"), body.path("error").path("code"), body.path("key"),
                body.path("error"));
    }

    /** The first error message Atlassian gave, in any of its error shapes, so the admin sees Atlassian's words. */
    private static String summary(JsonNode node) {
        String text = firstText(node.path("errors").path(0).path("detail"), node.path("errors").path(0).path("title"),
                node.path("message"), node.path("errorMessages").path(0), node.path("error").path("message"),
                node.path("error"));
        return text == null ? "." : ": " + text.substring(0, Math.min(300, text.length()));
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
