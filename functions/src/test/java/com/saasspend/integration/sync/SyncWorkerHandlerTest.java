package com.saasspend.integration.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.FakeOrgApi;
import com.saasspend.integration.domain.sync.InMemorySyncStores;
import com.saasspend.integration.domain.sync.SyncTestDoubles;
import com.saasspend.integration.domain.sync.SyncStateStore;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.CapturedLines;
import com.saasspend.integration.testing.DeadlineContext;
import java.time.Duration;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The org sync worker as Lambda invokes it, with Atlassian and the stores in memory: the EMF lines a sync emits (the
 * contract the template's alarms and dashboard read), which failures raise (Lambda retries, then the failure queue)
 * and which are counted and logged only, and the one retry with a fresh key after a 401.
 */
class SyncWorkerHandlerTest extends InMemorySyncStores {
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10).withGroups(3);
    /** The key the vault holds; {@link #cachedKey} is what a cached read answers until forgotten. */
    private String storedKey = "key";
    private String cachedKey;
    private final AtomicInteger forgets = new AtomicInteger();
    /** Keys Atlassian rejects with 401. */
    private final List<String> revoked = new ArrayList<>();
    private final List<SyncRequest> continuations = new ArrayList<>();
    private final CapturedLines lines = new CapturedLines();

    private final CredentialVault vault = new SyncTestDoubles.ReadOnlyVault() {

        @Override
        public Map<String, String> read(String secretName) {
            if (cachedKey == null) {
                cachedKey = storedKey;
            }
            return Map.of("apiKey", cachedKey);
        }

        @Override
        public void forget(String secretName) {
            forgets.incrementAndGet();
            cachedKey = null;
        }
    };
    private final TenantSettingsStore settings = SyncTestDoubles.defaultSettings();

    SyncWorkerHandlerTest() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", LocalDate.parse("2026-12-08"), clock.instant(), "admin", null, null, false, 0));
    }

    @AfterEach
    void stopCapturing() {
        lines.close();
    }

    /** Atlassian as the fake org, except that a revoked key gets a 401 on every call. */
    private AtlassianOrgApi atlassian() {
        return (AtlassianOrgApi) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AtlassianOrgApi.class},
                (proxy, method, args) -> {
                    if (args != null && Arrays.stream(args).anyMatch(revoked::contains)) {
                        api.calls++;
                        throw new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "Atlassian answered HTTP 401", null);
                    }
                    try {
                        return method.invoke(api, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private SyncWorkerHandler handler() {
        AtlassianOrgSync sync = new AtlassianOrgSync(atlassian(), store, state, integrations, vault, () -> api.calls,
                clock, SyncStateStore.LEASE, settings);
        return new SyncWorkerHandler(SyncRuns.ofOrg(sync, continuations::addAll), clock);
    }

    private static Map<String, Object> event(String correlationId) {
        Map<String, Object> detail = new HashMap<>(Map.of("tenantId", TENANT, "integration", "atlassian", "reason", "schedule"));
        if (correlationId != null) {
            detail.put("correlationId", correlationId);
        }
        return Map.of("detail-type", "IntegrationSyncRequested", "source", "saasspend.atlassian-integration", "detail", detail);
    }

    private Map<String, Object> invoke() {
        return handler().handleRequest(event("corr-1"), null);
    }

    private JsonNode only(String metric) {
        List<JsonNode> found = lines.metric(metric);
        assertEquals(1, found.size(), metric + " is emitted once: " + lines.text());
        return found.get(0);
    }

    @Test
    void aCompletedSyncEmitsTheMetricsTheAlarmsAndDashboardRead() {
        assertEquals("completed", invoke().get("outcome"));

        JsonNode line = only("SyncsCompleted");
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(Metrics.DEFAULT_NAMESPACE, directive.path("Namespace").asText());
        assertEquals(List.of(List.of("Integration")), CapturedLines.dimensionSets(line), "the alarms' single dimension");
        assertEquals("atlassian", line.path("Integration").asText());
        assertTrue(line.path("_aws").path("Timestamp").isNumber());
        assertEquals(1, line.path("SyncsCompleted").asLong());
        assertEquals("Count", CapturedLines.unit(line, "SyncsCompleted"));
        assertEquals(10, line.path("CredentialDaysLeft").asLong(), "2026-11-28 to 2026-12-08");
        assertEquals("None", CapturedLines.unit(line, "CredentialDaysLeft"));
        assertEquals("Milliseconds", CapturedLines.unit(line, "SyncDuration"));
        assertEquals(10, line.path("UsersSynced").asLong());
        assertTrue(line.path("ItemsWritten").asLong() >= 13, "10 users and 3 groups written: " + line);
        for (String counter : List.of("AtlassianCalls", "Atlassian429s", "AtlassianRetries", "ItemsWritten", "UsersSynced")) {
            assertEquals("Count", CapturedLines.unit(line, counter), counter);
        }
        // The tenant is in the line for Logs Insights, never a dimension.
        assertEquals(TENANT, line.path("tenant").asText());
        assertEquals("corr-1", line.path("correlationId").asText());
        assertFalse(CapturedLines.dimensionSets(line).stream().anyMatch(set -> set.contains("tenant")));
        assertTrue(lines.metric("SyncsFailed").isEmpty());

        JsonNode kind = only("SyncRuns");
        assertEquals(List.of(List.of("Integration"), List.of("Integration", "RunKind")), CapturedLines.dimensionSets(kind));
        assertEquals("full", kind.path("RunKind").asText(), "a first sync lists the whole org");
    }

    @Test
    void anIncrementalRunIsCountedApartFromFullListings() {
        SyncRunRecord incremental = new SyncRunRecord(SyncRunRecord.INCREMENTAL_RUN_PREFIX + "r1", IntegrationType.ATLASSIAN,
                clock.instant(), clock.instant(), "completed", 10, 3, 1, 0, 0, 2, 1, null);
        SyncReport.emit(IntegrationType.ATLASSIAN, true, incremental, null, null, clock);
        assertEquals("incremental", only("SyncRuns").path("RunKind").asText());
        assertEquals("atlassian", only("SyncRuns").path("Integration").asText());
    }

    @Test
    void syncLinesCarryTheRunIdAndTheEventsCorrelationId() {
        invoke();
        List<JsonNode> completed = lines.logLines(l -> "sync completed".equals(l.path("message").asText()));
        assertEquals(1, completed.size(), lines.text());
        assertEquals("corr-1", completed.get(0).path("correlationId").asText());
        String runId = state.runs.get(0).runId();
        assertEquals(runId, completed.get(0).path("runId").asText());
        assertEquals(runId, only("SyncsCompleted").path("runId").asText());
        assertTrue(completed.get(0).has("coldStart") && completed.get(0).has("function"));
    }

    @Test
    void aTransientFailureIsCountedByKindAndRaisedSoLambdaRetriesThenTheRetryResumes() {
        api.onUsersPage = page -> {
            if (page == 2) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Atlassian answered HTTP 503", null);
            }
        };
        assertThrows(SyncReport.TransientSyncFailure.class, this::invoke);

        JsonNode failed = only("SyncsFailed");
        assertEquals(List.of(List.of("Integration"), List.of("Integration", "FailureKind")), CapturedLines.dimensionSets(failed));
        assertEquals("UNAVAILABLE", failed.path("FailureKind").asText());
        assertEquals("atlassian", failed.path("Integration").asText());
        assertEquals(1, failed.path("SyncsFailed").asLong());
        assertEquals("Count", CapturedLines.unit(failed, "SyncsFailed"));
        assertTrue(state.checkpoint(TENANT, ORG).isPresent(), "the checkpoint is kept for Lambda's retry");

        api.onUsersPage = page -> {};
        assertEquals("completed", invoke().get("outcome"), "Lambda's retry of the same event resumes and completes");
    }

    @Test
    void rateLimitingThatOutlastedTheRetriesIsTransientToo() {
        api.onUsersPage = page -> {
            throw new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMITED, 429, "Atlassian answered HTTP 429", 30L);
        };
        assertThrows(SyncReport.TransientSyncFailure.class, this::invoke);
        assertEquals("RATE_LIMITED", only("SyncsFailed").path("FailureKind").asText());
    }

    @Test
    void aRevokedKeyIsCountedAndLoggedAtErrorAndNotRaised() {
        revoked.add("key");
        assertEquals("failed", invoke().get("outcome"));

        assertEquals("UNAUTHORIZED", only("SyncsFailed").path("FailureKind").asText());
        List<JsonNode> errors = lines.logLines(l -> "ERROR".equals(l.path("level").asText()));
        assertEquals(1, errors.size(), lines.text());
        assertEquals("UNAUTHORIZED", errors.get(0).path("kind").asText());
        assertTrue(integrations.get(ORG).syncPaused(), "paused until the key is rotated");
        assertTrue(lines.metric("SyncsCompleted").isEmpty());
    }

    @Test
    void aListingThatDoesNotAdvanceIsPermanent() {
        api.stuckUsersCursor = "4";
        assertEquals("failed", invoke().get("outcome"));
        assertEquals("BROKEN_PAGING", only("SyncsFailed").path("FailureKind").asText());
    }

    @Test
    void anInternalErrorIsCountedAsInternalLoggedWithItsStackAndRaised() {
        api.onUsersPage = page -> {
            throw new IllegalStateException("a bug");
        };
        assertThrows(IllegalStateException.class, this::invoke);
        assertEquals("INTERNAL", only("SyncsFailed").path("FailureKind").asText());
        List<JsonNode> errors = lines.logLines(l -> "ERROR".equals(l.path("level").asText()));
        assertEquals(1, errors.size(), lines.text());
        assertTrue(errors.get(0).path("stackTrace").asText().contains("SyncWorkerHandlerTest"), "the stack trace is logged");
    }

    @Test
    void aKeyRotatedWhileTheCacheHeldTheOldOneIsReadAfreshAndRetriedOnceInsteadOfPausing() {
        vault.read("secret");              // a warm instance cached "key"...
        storedKey = "rotated-key";         // ...then the admin rotated it
        revoked.add("key");

        assertEquals("completed", invoke().get("outcome"));

        assertEquals(1, forgets.get(), "the 401 dropped the cached secret once");
        assertFalse(integrations.get(ORG).syncPaused());
        assertTrue(lines.metric("SyncsFailed").isEmpty());
    }

    @Test
    void aRejectedKeyThatIsStillTheStoredOneIsNotRetried() {
        revoked.add("key");
        invoke();
        int callsAfterTheFirst401 = 1;
        assertEquals(callsAfterTheFirst401, api.calls, "no second attempt with the same key");
        assertEquals(1, forgets.get(), "the cache was still dropped (the next read fetches the stored secret)");
        assertTrue(integrations.get(ORG).syncPaused());
    }

    @Test
    void aContinuationEventCarriesTheCorrelationIdOfTheEventThatStartedIt() {
        List<String> published = new ArrayList<>();
        EventBridgeClient bus = new EventBridgeClient() {
            @Override public String serviceName() { return "events"; }
            @Override public void close() {}

            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                request.entries().forEach(e -> published.add(e.detail()));
                return PutEventsResponse.builder().failedEntryCount(0).build();
            }
        };
        AtlassianOrgSync sync = new AtlassianOrgSync(atlassian(), store, state, integrations, vault, () -> api.calls,
                clock, SyncStateStore.LEASE, settings);
        SyncWorkerHandler handler = new SyncWorkerHandler(SyncRuns.ofOrg(sync, new EventBridgeSyncRequester(bus, "bus")), clock);

        // Less time left than the safety margin: one page, then a continuation.
        Map<String, Object> answer = handler.handleRequest(event("corr-7"), DeadlineContext.endingIn(Duration.ofSeconds(30)));

        assertEquals("continue", answer.get("outcome"));
        assertEquals(1, published.size());
        JsonNode detail = ApiEvents.parse(published.get(0));
        assertEquals("continuation", detail.path("reason").asText());
        assertEquals("corr-7", detail.path("correlationId").asText());
        assertEquals("corr-7", SyncEvents.parse(Map.of("detail-type", "IntegrationSyncRequested",
                "detail", Map.of("tenantId", TENANT, "integration", "atlassian", "correlationId", "corr-7")))
                .orElseThrow().correlationId(), "and the worker reads it back");
    }

    /** The reclaim policies' trigger: IntegrationSyncCompleted after a completed run only; failing to publish it fails nothing. */
    @Test
    void onlyACompletedRunIsAnnouncedAndAnAnnouncementThatFailsLeavesTheSyncCompleted() {
        List<String> announced = new ArrayList<>();
        AtlassianOrgSync sync = new AtlassianOrgSync(atlassian(), store, state, integrations, vault, () -> api.calls,
                clock, SyncStateStore.LEASE, settings);
        SyncWorkerHandler announcing = new SyncWorkerHandler(new SyncRuns(sync, null, null, continuations::addAll, null,
                (tenant, run) -> announced.add(tenant + " " + run.runId())), clock);
        assertEquals("completed", announcing.handleRequest(event("c1"), null).get("outcome"));
        assertEquals(List.of(TENANT + " " + state.runs.get(0).runId()), announced);

        SyncWorkerHandler failingBus = new SyncWorkerHandler(new SyncRuns(sync, null, null, continuations::addAll, null, (tenant, run) -> {
            throw new IllegalStateException("IntegrationSyncCompleted was not accepted by the bus");
        }), clock);
        clock.advance(java.time.Duration.ofMinutes(15));
        assertEquals("completed", failingBus.handleRequest(event("c2"), null).get("outcome"));

        revoked.add("key");
        clock.advance(java.time.Duration.ofMinutes(15));
        assertEquals("failed", announcing.handleRequest(event("c3"), null).get("outcome"));
        assertEquals(1, announced.size(), "a failed run announces nothing");
    }
}
