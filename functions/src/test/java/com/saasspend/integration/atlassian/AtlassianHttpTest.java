package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.atlassian.FakeHttpClient.Answer;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.UpstreamFailure.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The invocation deadline and Atlassian's error codes, with a fake HttpClient and a fake remaining time: every call
 * "costs" time on the fake clock and every retry wait is taken from it, so nothing sleeps.
 */
class AtlassianHttpTest {
    private static final URI ORGS = URI.create("http://atlassian.test/admin/v1/orgs");
    /** API-like: 8 s request timeout, 3 s margin, but many attempts so only the deadline can stop the retries. */
    private static final RetrySettings MANY_ATTEMPTS = new RetrySettings(20, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(8), Duration.ofSeconds(3));
    /** Sync-like: waits up to 60 s for a rate limit. */
    private static final RetrySettings PATIENT = new RetrySettings(8, Duration.ofMillis(500), Duration.ofSeconds(60),
            Duration.ofSeconds(20), Duration.ofSeconds(20));

    private final AtomicLong remaining = new AtomicLong();
    private final List<Duration> waits = new ArrayList<>();

    @AfterEach
    void clearDeadline() {
        InvocationDeadline.clear();
    }

    private AtlassianHttp http(FakeHttpClient client, RetrySettings settings) {
        return new AtlassianHttp(client, settings, delay -> {
            waits.add(delay);
            remaining.addAndGet(-delay.toMillis());
        });
    }

    private void deadlineIn(long millis) {
        remaining.set(millis);
        InvocationDeadline.enter(remaining::get);
    }

    @Test
    void retriesStopBeforeTheDeadlineWithTheLastAnswersFailure() {
        deadlineIn(25_000);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.json(503, "{\"errors\":[{\"code\":\"ADMIN-500-1\",\"detail\":\"down\"}]}"),
                remaining, 2_000);

        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null));

        assertEquals(Kind.UNAVAILABLE, failure.kind(), "the last answer's failure, not a made-up one");
        assertEquals(503, failure.status());
        assertEquals("ADMIN-500-1", failure.errorCode());
        assertTrue(client.requests.size() > 1, "it did retry while there was time");
        assertTrue(client.requests.size() < MANY_ATTEMPTS.maxAttempts(), "the deadline, not the attempts, stopped it");
        for (int i = 0; i < client.requests.size(); i++) {
            long timeout = client.requests.get(i).timeout().orElseThrow().toMillis();
            assertTrue(client.remainingAtSend.get(i) - timeout >= MANY_ATTEMPTS.deadlineMargin().toMillis(),
                    "attempt " + (i + 1) + " could not outlive the invocation minus the margin");
        }
        assertTrue(remaining.get() >= MANY_ATTEMPTS.deadlineMargin().toMillis() - 2_000,
                "no wait was started that the invocation could not afford");
    }

    @Test
    void aRetryAfterLongerThanTheRemainingTimeIsNotWaited() {
        deadlineIn(30_000);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.withHeaders(429, "{\"code\":429,\"message\":\"Rate limit exceeded\"}",
                Map.of("Retry-After", "40")), remaining, 100);

        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> http(client, PATIENT).send("list users", "POST", ORGS, "Bearer k", Map.of()));

        assertEquals(Kind.RATE_LIMITED, failure.kind());
        assertEquals(40L, failure.retryAfterSeconds(), "the caller learns how long Atlassian asked to wait");
        assertNull(failure.errorCode(), "the gateway's numeric code is the status again, not an error code");
        assertEquals(1, client.requests.size());
        assertTrue(waits.isEmpty(), "a 40 s wait does not fit in 30 s minus the margin");
    }

    @Test
    void withoutADeadlineTheSameRetryAfterIsWaited() {
        List<Answer> answers = new ArrayList<>(List.of(Answer.withHeaders(429, "{}", Map.of("Retry-After", "40")), Answer.json(200, "{\"data\":[]}")));
        FakeHttpClient client = new FakeHttpClient(r -> answers.remove(0));

        http(client, PATIENT).send("list users", "POST", ORGS, "Bearer k", Map.of());

        assertEquals(List.of(Duration.ofSeconds(40)), waits);
        assertEquals(2, client.requests.size());
        assertEquals(PATIENT.requestTimeout(), client.requests.get(0).timeout().orElseThrow(), "no deadline, no cap");
    }

    @Test
    void theRequestTimeoutIsCappedAtWhatRemains() {
        deadlineIn(5_500);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.json(200, "{\"data\":[]}"), remaining, 0);

        http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null);

        assertEquals(Duration.ofMillis(2_500), client.requests.get(0).timeout().orElseThrow(), "5.5 s left minus the 3 s margin");
    }

    @Test
    void noTimeLeftSendsNothing() {
        deadlineIn(3_500);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.json(200, "{}"), remaining, 0);

        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null));

        assertEquals(Kind.OUT_OF_TIME, failure.kind());
        assertTrue(failure.getMessage().contains("list organizations"), failure.getMessage());
        assertTrue(client.requests.isEmpty());
    }

    @Test
    void timeoutsWithNoTimeForAnotherAttemptAreUnavailableNotOutOfTime() {
        deadlineIn(12_000);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.timeout(), remaining, 8_000);

        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null));

        assertEquals(Kind.UNAVAILABLE, failure.kind(), "a request was sent and not answered");
        assertEquals(1, client.requests.size());
        assertTrue(waits.isEmpty());
    }

    @Test
    void aClearedDeadlineNoLongerApplies() {
        deadlineIn(3_500);
        InvocationDeadline.enter((com.amazonaws.services.lambda.runtime.Context) null);
        FakeHttpClient client = new FakeHttpClient(r -> Answer.json(200, "{}"), remaining, 0);

        http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null);

        assertEquals(MANY_ATTEMPTS.requestTimeout(), client.requests.get(0).timeout().orElseThrow());
    }

    @Test
    void anExpiredCursorIsKnownByItsCodeNotByAWord() {
        UpstreamFailure expired = failureFor(400, "{\"errors\":[{\"id\":\"1\",\"status\":\"400\",\"code\":\"ADMIN-400-1\",\"title\":\"Bad Request\",\"detail\":\"Invalid page cursor\"}]}");
        assertEquals(Kind.INVALID_CURSOR, expired.kind());
        assertEquals("ADMIN-400-1", expired.errorCode());

        UpstreamFailure mentionsCursor = failureFor(400, "{\"errors\":[{\"code\":\"ADMIN-400-24\",\"detail\":\"cursor must not be sent with limit\"}]}");
        assertEquals(Kind.BAD_REQUEST, mentionsCursor.kind(), "a body that only mentions a cursor is not an expired cursor");
        assertEquals("ADMIN-400-24", mentionsCursor.errorCode());
    }

    @Test
    void theErrorCodeIsReadFromEveryErrorShape() {
        UpstreamFailure seatLimit = failureFor(409, "{\"errors\":[{\"code\":\"ADMIN-409-3\",\"title\":\"Conflict\"}]}");
        assertEquals(Kind.CONFLICT, seatLimit.kind());
        assertTrue(seatLimit.hasCode("ADMIN-409-3", "ADMIN-UAM-409-3"));

        assertEquals("ADMIN-404-2", failureFor(404, "{\"id\":\"x\",\"status\":\"404\",\"code\":\"ADMIN-404-2\",\"title\":\"Not Found\"}").errorCode(),
                "the workspaces ApplicationError is not wrapped in errors[]");
        assertEquals("ADMIN-UAM-409-3", failureFor(409, "{\"errorCode\":\"ADMIN-UAM-409-3\",\"message\":\"limit\"}").errorCode());
        assertEquals("unauthorized", failureFor(401, "{\"key\":\"unauthorized\"}").errorCode());
        assertEquals("API_TOKEN_LIMIT_EXCEEDED", failureFor(400, "{\"error\":\"API_TOKEN_LIMIT_EXCEEDED\",\"message\":\"Rate limit exceeded\"}").errorCode());
        assertNull(failureFor(403, "{\"errorMessages\":[\"You are not an administrator\"],\"errors\":{}}").errorCode(), "Jira sends no code");
        assertNull(failureFor(502, "<html>bad gateway</html>").errorCode());
    }

    @Test
    void anAnswerAfterRetriesIsUsedWhenItComesInTime() {
        deadlineIn(25_000);
        List<Answer> answers = new ArrayList<>(List.of(Answer.json(503, "{}"), Answer.json(200, "{\"data\":[{\"id\":\"o1\"}]}")));
        FakeHttpClient client = new FakeHttpClient(r -> answers.remove(0), remaining, 500);

        assertEquals("o1", http(client, MANY_ATTEMPTS).send("list organizations", "GET", ORGS, "Bearer k", null).path("data").path(0).path("id").asText());
        assertEquals(1, waits.size());
        assertFalse(waits.get(0).isNegative());
    }

    private UpstreamFailure failureFor(int status, String body) {
        FakeHttpClient client = new FakeHttpClient(r -> Answer.json(status, body));
        RetrySettings once = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ZERO);
        return assertThrows(UpstreamFailure.class, () -> http(client, once).send("test call", "GET", ORGS, "Bearer k", null));
    }

    /** A clock the test's sleeper moves: pacing waits are read off it, nothing sleeps. */
    private static final class MovedClock extends java.time.Clock {
        private java.time.Instant now;

        MovedClock(java.time.Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static final java.time.Instant T0 = java.time.Instant.parse("2026-11-30T23:00:00Z");

    /** Every answer: 600 a minute, none left in this window, which ends 30 s after T0. */
    private static Answer noneLeftUntil(java.time.Instant reset) {
        return Answer.withHeaders(200, "{}", Map.of("X-RateLimit-Limit", "600", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", reset.toString()));
    }

    @Test
    void aCallWaitsForItsKeysNextSlotAsTheLastAnswersRateHeadersSayAndOtherKeysDoNot() {
        MovedClock clock = new MovedClock(T0);
        FakeHttpClient client = new FakeHttpClient(r -> noneLeftUntil(T0.plusSeconds(5)));
        AtlassianHttp http = new AtlassianHttp(client, PATIENT, delay -> {
            waits.add(delay);
            clock.advance(delay);
        }, clock);

        AtlassianTraffic.reset();
        http.send("list organizations", "GET", ORGS, "Bearer k", null);
        http.send("list organizations", "GET", ORGS, "Bearer k", null);
        assertEquals(List.of(Duration.ofSeconds(5)), waits, "the second call waited for the window's reset, not for a 429");
        assertEquals(5_000, AtlassianTraffic.current().pacedMillis());
        assertEquals(0, AtlassianTraffic.current().throttled());

        http.send("list organizations", "GET", ORGS, "Bearer another key", null);
        assertEquals(1, waits.size(), "another key has its own budget");
        assertEquals(3, client.requests.size());
    }

    @Test
    void aPacingWaitTheInvocationCannotAffordIsNotTakenAndTheCallNotSent() {
        MovedClock clock = new MovedClock(T0);
        deadlineIn(10_000);
        FakeHttpClient client = new FakeHttpClient(r -> noneLeftUntil(T0.plusSeconds(30)), remaining, 100);
        RetrySettings sync = new RetrySettings(8, Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(1));
        AtlassianHttp http = new AtlassianHttp(client, sync, delay -> {
            waits.add(delay);
            clock.advance(delay);
            remaining.addAndGet(-delay.toMillis());
        }, clock);

        http.send("list organizations", "GET", ORGS, "Bearer k", null);
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> http.send("list organizations", "GET", ORGS, "Bearer k", null));
        assertEquals(Kind.OUT_OF_TIME, failure.kind());
        assertEquals(1, client.requests.size(), "the second call was not sent");
        assertTrue(waits.isEmpty(), "and no wait was started past the invocation's end");
    }
}
