package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-invocation counters the sync handlers turn into AtlassianCalls, Atlassian429s and AtlassianRetries. */
class AtlassianTrafficTest {
    private static final URI ORGS = URI.create("http://atlassian.test/admin/v1/orgs");

    @Test
    void callsThrottledAnswersAndRetriesAreCountedOnTheCallingThreadSinceItsReset() {
        AtomicInteger attempt = new AtomicInteger();
        FakeHttpClient client = new FakeHttpClient(r -> switch (attempt.incrementAndGet()) {
            case 1 -> FakeHttpClient.Answer.withHeaders(429, "{}", Map.of("Retry-After", "1"));
            case 2 -> FakeHttpClient.Answer.json(503, "{}");
            default -> FakeHttpClient.Answer.json(200, "{\"data\":[]}");
        });
        AtlassianHttp http = new AtlassianHttp(client, new RetrySettings(5, Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(1)), delay -> {});

        AtlassianTraffic.reset();
        http.send("list organizations", "GET", ORGS, "Bearer k", null);
        assertEquals(new AtlassianTraffic.Counts(3, 1, 2, 0), AtlassianTraffic.current());

        AtlassianTraffic.reset();
        assertEquals(new AtlassianTraffic.Counts(0, 0, 0, 0), AtlassianTraffic.current(), "a new invocation starts at zero");
    }
}
