package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import com.saasspend.integration.domain.savings.SavingsService;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.AtlassianUserRefresh;
import com.saasspend.integration.domain.sync.FakeOrgApi;
import com.saasspend.integration.domain.sync.InMemorySyncStores;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.SyncStateStore;
import com.saasspend.integration.domain.sync.SyncTestDoubles;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a sync request leads to, the decisions the sync workers' handlers no longer hold: which sync runs, the
 * continuation a run out of time asks for, the day's savings item after a completed org run, and which requests the
 * reclaim sweep rides on.
 */
class SyncRunsTest extends InMemorySyncStores {
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10).withGroups(3);
    private final CredentialVault vault = SyncTestDoubles.vaultWithKey("key");
    private final List<SyncRequest> continuations = new ArrayList<>();
    private final InMemorySavingsStore savingsStore = new InMemorySavingsStore();
    private final SyncRuns runs;

    SyncRunsTest() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", LocalDate.parse("2026-12-08"), clock.instant(), "admin", null, null, false, 0));
        AtlassianOrgSync orgSync = new AtlassianOrgSync(api, store, state, integrations, vault, () -> api.calls, clock,
                SyncStateStore.LEASE, SyncTestDoubles.defaultSettings());
        AtlassianUserRefresh refresh = new AtlassianUserRefresh(api, store, integrations, vault, clock,
                SyncTestDoubles.defaultSettings());
        SavingsService savings = new SavingsService(new LicenseService(new InMemoryLicenseReader(),
                SyncTestDoubles.defaultSettings(), integrations, clock), SyncTestDoubles.defaultSettings(), savingsStore, clock);
        runs = new SyncRuns(orgSync, refresh, null, continuations::addAll, savings, null);
    }

    private static SyncRequest tick() {
        return new SyncRequest(TENANT, ORG, "schedule");
    }

    @Test
    void aCompletedOrgRunRecordsTheDaysSavingsAndAsksForNoContinuation() {
        SyncRuns.Done done = runs.org(tick(), () -> false);

        assertEquals("completed", done.outcome());
        assertEquals(SyncOutcome.COMPLETED, done.result().outcome());
        assertTrue(savingsStore.snapshots.containsKey(LocalDate.parse("2026-11-28")), "today's savings item");
        assertEquals(List.of(), continuations);
    }

    @Test
    void anOrgRunOutOfTimeAsksForOneContinuationOfItsIntegrationAndRecordsNoDay() {
        SyncRuns.Done done = runs.org(tick(), () -> true);

        assertEquals("continue", done.outcome());
        assertEquals(1, continuations.size());
        assertEquals(new SyncRequest(TENANT, ORG, "continuation"), continuations.get(0));
        assertTrue(savingsStore.snapshots.isEmpty(), "no savings item from a run not completed");
    }

    @Test
    void aTargetedRequestRefreshesItsUsersInsteadOfSyncingTheOrg() {
        SyncRuns.Done done = runs.org(new SyncRequest(TENANT, ORG, "reclaim", List.of("u001")), () -> false);

        assertEquals("users_refreshed", done.outcome());
        assertNull(done.result(), "no sync ran");
        assertEquals(0, done.usersRefreshed(), "a user never stored is left to the next full sync");
        assertTrue(state.runs.isEmpty(), "no run recorded");
    }

    @Test
    void aProductRequestReachingTheOrgWorkerIsUnsupportedAndChangesNothing() {
        SyncRuns.Done done = runs.org(new SyncRequest(TENANT, IntegrationType.JIRA, "schedule"), () -> false);

        assertEquals("unsupported", done.outcome());
        assertNull(done.result());
        assertEquals(0, api.calls);
        assertEquals(List.of(), continuations);
    }

    @Test
    void theReclaimSweepRidesOnTheOrgsTicksOnly() {
        assertTrue(tick().orgTick());
        assertTrue(SyncRequest.full(TENANT, ORG, "manual").orgTick());
        assertFalse(new SyncRequest(TENANT, ORG, "continuation").orgTick(), "a continuation comes from a run alive");
        assertFalse(new SyncRequest(TENANT, ORG, "reclaim", List.of("u001")).orgTick(), "a targeted re-sync");
        assertFalse(new SyncRequest(TENANT, IntegrationType.JIRA, "schedule").orgTick(), "a product's tick");
    }
}
