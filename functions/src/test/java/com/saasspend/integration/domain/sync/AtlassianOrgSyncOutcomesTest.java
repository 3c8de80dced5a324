package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How an org sync run ends, through its public API only: each upstream failure's status, pause and checkpoint; a key
 * rotated under a warm cache; an internal error; an expired cursor; runs that must not start; and what a complete run
 * stores (product instances, seats by the tenant's threshold, users whose lists come in another order).
 */
class AtlassianOrgSyncOutcomesTest extends InMemorySyncStores {
    private final FakeOrgApi fake = new FakeOrgApi().withUsers(6).withGroups(3);
    /** Cursors the users listing was asked for, in order. */
    private final List<String> userCursors = new ArrayList<>();
    /** Thrown by the users listing at the cursor {@link #failAtCursor} (null: first page), while {@link #failures} > 0. */
    private UpstreamFailure failure;
    private String failAtCursor = "2";
    private int failures;
    private List<ProductInstance> products = List.of(new ProductInstance(FakeOrgApi.JIRA, "jira-software", "Jira",
            "https://acme.atlassian.net", 100, 6));
    /** The key Atlassian accepts; null: any. */
    private String acceptedKey;
    private final ForwardingOrgApi api = new ForwardingOrgApi(fake) {
        @Override
        public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
            userCursors.add(cursor);
            if (acceptedKey != null && !acceptedKey.equals(apiKey)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "Atlassian answered HTTP 401", null);
            }
            if (failures > 0 && java.util.Objects.equals(cursor, failAtCursor)) {
                failures--;
                throw failure;
            }
            return super.users(orgId, apiKey, cursor);
        }

        @Override
        public List<ProductInstance> productInstances(String orgId, String apiKey) {
            return products;
        }
    };
    /** The stored key, and the copy a warm instance cached at its first read (dropped by forget). */
    private String storedKey = "key-1";
    private String cachedKey;
    private RuntimeException vaultFailure;
    private final CredentialVault vault = new CredentialVault() {
        @Override public String create(String tenantId, IntegrationType type, Map<String, String> secret) { return "secret"; }
        @Override public void replace(String secretName, Map<String, String> secret) {}
        @Override public void forget(String secretName) { cachedKey = null; }
        @Override public void delete(String secretName) {}

        @Override
        public Map<String, String> read(String secretName) {
            if (vaultFailure != null) {
                throw vaultFailure;
            }
            if (cachedKey == null) {
                cachedKey = storedKey;
            }
            return Map.of("apiKey", cachedKey);
        }
    };
    private int inactivityDays = 30;
    private final TenantSettingsStore settings = new TenantSettingsStore() {
        @Override public TenantSettings get(String tenantId) { return new TenantSettings(inactivityDays, Map.of()); }
        @Override public void put(String tenantId, TenantSettings s) {}
    };
    private final AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations, vault, () -> fake.calls,
            clock, SyncStateStore.LEASE, settings);

    AtlassianOrgSyncOutcomesTest() {
        connect(IntegrationStatus.CONNECTED, false);
    }

    private void connect(IntegrationStatus status, boolean paused) {
        integrations.records.put(ORG, new Integration(TENANT, ORG, status, Map.of("orgId", "org-1"), "secret", null,
                clock.instant(), "admin", null, null, paused, 0));
    }

    private SyncResult run() {
        return sync.run(TENANT, Budget.unlimited());
    }

    private Integration record() {
        return integrations.get(ORG);
    }

    private void failUsersPage(UpstreamFailure.Kind kind, int status) {
        failure = new UpstreamFailure(kind, status, "Atlassian answered HTTP " + status, null);
        failures = 1;
    }

    @Test
    void aRejectedKeyPausesTheSyncKeepsItsPlaceAndTheRotationResumesIt() {
        failUsersPage(UpstreamFailure.Kind.UNAUTHORIZED, 401);
        SyncResult result = run();

        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertEquals(UpstreamFailure.Kind.UNAUTHORIZED, result.failure());
        assertEquals(IntegrationStatus.ERROR, record().status());
        assertTrue(record().syncPaused());
        assertTrue(record().lastError().contains("rotate it in Settings > Integrations"), record().lastError());
        SyncCheckpoint kept = state.checkpoint(TENANT, ORG).orElseThrow();
        assertEquals(SyncCheckpoint.Phase.USERS, kept.phase());
        assertEquals("2", kept.cursor(), "the place it stopped");
        assertFalse(state.lease(TENANT, ORG).orElseThrow().heldAt(clock.instant()), "lease given back");
        assertEquals(SyncOutcome.SKIPPED, run().outcome(), "paused until the key is rotated");
        assertTrue(state.runs.isEmpty(), "the run is not over");

        integrations.records.put(ORG, record().afterSync(IntegrationStatus.CONNECTED, null, null, false));
        userCursors.clear();
        SyncResult resumed = run();
        assertEquals(SyncOutcome.COMPLETED, resumed.outcome());
        assertEquals(List.of("2", "4"), userCursors, "continued at the page that failed");
        assertEquals(kept.runId(), resumed.run().runId());
        assertEquals(6, resumed.run().users());
        assertEquals(6, store.summary().get(FakeOrgApi.JIRA).assigned(), "no page counted twice");
    }

    @Test
    void aForbiddenKeyIsPausedAndTransientFailuresAreNotEachWithItsOwnText() {
        failUsersPage(UpstreamFailure.Kind.FORBIDDEN, 403);
        assertEquals(UpstreamFailure.Kind.FORBIDDEN, run().failure());
        assertTrue(record().syncPaused(), "a key with scopes stays refused until it is rotated");
        assertTrue(record().lastError().contains("HTTP 403") && record().lastError().contains("API key without scopes"), record().lastError());

        connect(IntegrationStatus.CONNECTED, false);
        failUsersPage(UpstreamFailure.Kind.RATE_LIMITED, 429);
        assertEquals(UpstreamFailure.Kind.RATE_LIMITED, run().failure());
        assertFalse(record().syncPaused());
        assertTrue(record().lastError().contains("kept rate limiting"), record().lastError());

        failUsersPage(UpstreamFailure.Kind.UNAVAILABLE, 503);
        assertEquals(SyncOutcome.FAILED, run().outcome());
        assertFalse(record().syncPaused());
        assertTrue(record().lastError().startsWith("Atlassian failed during the sync (Atlassian answered HTTP 503)"), record().lastError());
        assertTrue(record().lastError().contains("continues where it stopped"), record().lastError());

        SyncResult completed = run();
        assertEquals(SyncOutcome.COMPLETED, completed.outcome());
        assertEquals(4, completed.run().invocations(), "one run across the failed invocations");
        assertEquals(IntegrationStatus.CONNECTED, record().status());
        assertEquals(null, record().lastError());
    }

    @Test
    void aKeyRotatedWhileAWarmInstanceCachedTheOldOneIsReadAfreshAndTheRunGoesOn() {
        vault.read("secret"); // the warm instance's cache holds key-1
        storedKey = "key-2";
        acceptedKey = "key-2";

        SyncResult result = run();

        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertFalse(record().syncPaused());
        assertEquals(IntegrationStatus.CONNECTED, record().status());
    }

    @Test
    void aRejectedKeyThatIsStillTheStoredOneIsTriedOnce() {
        acceptedKey = "another";
        SyncResult result = run();
        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertTrue(record().syncPaused());
        assertEquals(1, userCursors.size(), "the key read afresh is the one Atlassian refused: not tried again");
    }

    @Test
    void anInternalErrorKeepsThePlaceFreesTheLeaseShowsAnErrorAndIsRaised() {
        failure = null;
        ForwardingOrgApi broken = new ForwardingOrgApi(api) {
            int pages;

            @Override
            public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
                if (++pages == 2) {
                    throw new IllegalStateException("a bug");
                }
                return super.users(orgId, apiKey, cursor);
            }
        };
        AtlassianOrgSync buggy = new AtlassianOrgSync(broken, store, state, integrations, vault, () -> fake.calls, clock,
                SyncStateStore.LEASE, settings);

        assertThrows(IllegalStateException.class, () -> buggy.run(TENANT, Budget.unlimited()));

        assertEquals(IntegrationStatus.ERROR, record().status());
        assertTrue(record().lastError().contains("internal error"), record().lastError());
        assertFalse(record().syncPaused());
        assertEquals("2", state.checkpoint(TENANT, ORG).orElseThrow().cursor());
        assertFalse(state.lease(TENANT, ORG).orElseThrow().heldAt(clock.instant()), "the retry is not BUSY");
        userCursors.clear();
        assertEquals(SyncOutcome.COMPLETED, run().outcome());
        assertEquals(List.of("2", "4"), userCursors);
    }

    @Test
    void aFailureBeforeTheRunStartsFreesTheLeaseAndLeavesNoCheckpoint() {
        vaultFailure = new IllegalStateException("Secrets Manager unavailable");
        assertThrows(IllegalStateException.class, this::run);
        assertTrue(state.isEmpty(), "no lease, no checkpoint");
        vaultFailure = null;
        assertEquals(SyncOutcome.COMPLETED, run().outcome());
    }

    @Test
    void anExpiredCursorRestartsTheListingWithoutCountingItsPagesTwiceAndAFourthTimeFails() {
        failUsersPage(UpstreamFailure.Kind.INVALID_CURSOR, 400);
        failAtCursor = "4";
        SyncResult result = run();
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertEquals(java.util.Arrays.asList(null, "2", "4", null, "2", "4"), userCursors);
        assertEquals(6, result.run().users());
        assertEquals(6, store.summary().get(FakeOrgApi.JIRA).assigned());

        failures = 4;
        SyncResult gaveUp = run();
        assertEquals(SyncOutcome.FAILED, gaveUp.outcome());
        assertEquals(UpstreamFailure.Kind.INVALID_CURSOR, gaveUp.failure());
    }

    @Test
    void aSyncThatMustNotRunDoesNothing() {
        connect(IntegrationStatus.DISCONNECTED, false);
        assertEquals(SyncOutcome.SKIPPED, run().outcome());
        connect(IntegrationStatus.ERROR, true);
        assertEquals(SyncOutcome.SKIPPED, run().outcome());
        integrations.records.clear();
        assertEquals(SyncOutcome.SKIPPED, run().outcome());
        connect(IntegrationStatus.CONNECTED, false);
        state.leaveLease(TENANT, ORG, "another invocation", clock.instant().plusSeconds(60));
        assertEquals(SyncOutcome.BUSY, run().outcome());
        assertTrue(userCursors.isEmpty(), "no Atlassian call");
        assertEquals(0, store.itemCount());
    }

    @Test
    void productInstancesAreWrittenWhenChangedAndDeletedWhenGone() {
        ProductInstance confluence = new ProductInstance("ari:cloud:confluence::site/1", "confluence", "Confluence",
                "https://acme.atlassian.net/wiki", 50, 2);
        products = List.of(products.get(0), confluence);
        run();
        assertEquals(products, store.products(TENANT));

        ProductInstance grown = new ProductInstance(FakeOrgApi.JIRA, "jira-software", "Jira", "https://acme.atlassian.net", 200, 6);
        products = List.of(grown);
        run();
        assertEquals(List.of(grown), store.products(TENANT));
    }

    @Test
    void seatsAreActiveInactiveOrNeverUsedByTheTenantsThreshold() {
        fake.users.clear();
        fake.users.put("recent", withLastActive("recent", clock.instant().minus(Duration.ofDays(10))));
        fake.users.put("old", withLastActive("old", clock.instant().minus(Duration.ofDays(45))));
        fake.users.put("never", FakeOrgApi.user("never", true));
        fake.users.put("none", FakeOrgApi.user("none", false));

        run();
        assertEquals(new ProductCounts(3, 1, 1, 1), store.summary().get(FakeOrgApi.JIRA));

        inactivityDays = 60;
        run();
        assertEquals(new ProductCounts(3, 2, 0, 1), store.summary().get(FakeOrgApi.JIRA));
    }

    @Test
    void aUserWhoseListsComeInAnotherOrderIsNotWrittenAgain() {
        fake.users.clear();
        OrgUser twoOfEach = new OrgUser("u1", "User", "u@acme.com", "atlassian", "active", "active", "managed", false, null,
                List.of(new OrgUser.ProductAccess("jira-software", FakeOrgApi.JIRA, null),
                        new OrgUser.ProductAccess("confluence", "ari:cloud:confluence::site/1", null)),
                List.of(new OrgUser.GroupRef("g2", "two"), new OrgUser.GroupRef("g1", "one")));
        fake.users.put("u1", twoOfEach);
        run();
        int writes = store.userWrites();

        fake.users.put("u1", new OrgUser("u1", "User", "u@acme.com", "atlassian", "active", "active", "managed", false, null,
                List.of(twoOfEach.products().get(1), twoOfEach.products().get(0)),
                List.of(twoOfEach.groups().get(1), twoOfEach.groups().get(0))));
        SyncResult again = run();

        assertEquals(writes, store.userWrites());
        assertEquals(0, again.run().usersWritten());
        assertEquals(AtlassianOrgSync.hashed(twoOfEach), AtlassianOrgSync.hashed(fake.users.get("u1")));
    }

    private static OrgUser withLastActive(String id, Instant lastActive) {
        return new OrgUser(id, "User " + id, id + "@acme.com", "atlassian", "active", "active", "managed", false, null,
                List.of(new OrgUser.ProductAccess("jira-software", FakeOrgApi.JIRA, lastActive.toString())), List.of());
    }
}
