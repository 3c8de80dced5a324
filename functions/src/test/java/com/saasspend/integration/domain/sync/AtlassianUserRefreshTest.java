package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The targeted re-sync after a reclaim or undo: writes only users that changed, conditionally on what was stored,
 * adjusts the seat summary by the difference (counted with the tenant's inactivity threshold), and leaves users it
 * cannot settle to the next full sync.
 */
class AtlassianUserRefreshTest {
    private static final String TENANT = "t";
    private static final String JIRA = FakeOrgApi.JIRA;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryLicenseStore licenses = new InMemoryLicenseStore(new InMemorySyncState(clock));
    private final FakeOrgApi atlassian = new FakeOrgApi();
    private final InMemoryIntegrations integrations = new InMemoryIntegrations();
    private final List<List<String>> idsAskedFor = new ArrayList<>();
    private int vaultReads;
    private int inactivityDays = 30;
    /** Replace attempts that find the stored user changed by someone else first (each changes it once more). */
    private int racingReplaces;
    private final CredentialVault vault = new CredentialVault() {
        @Override public String create(String tenantId, IntegrationType type, Map<String, String> secret) { return "s"; }
        @Override public void replace(String secretName, Map<String, String> secret) {}
        @Override public Map<String, String> read(String secretName) { vaultReads++; return Map.of("apiKey", "key-" + secretName); }
        @Override public void delete(String secretName) {}
    };
    private final TenantSettingsStore settings = new TenantSettingsStore() {
        @Override public TenantSettings get(String tenantId) { return new TenantSettings(inactivityDays, Map.of()); }
        @Override public void put(String tenantId, TenantSettings s) {}
    };

    AtlassianUserRefreshTest() {
        integrations.records.put(IntegrationType.ATLASSIAN, integration(IntegrationStatus.CONNECTED, false));
        for (String id : List.of("u1", "u2")) {
            atlassian.users.put(id, FakeOrgApi.user(id, true));
            licenses.putUsers(TENANT, List.of(AtlassianOrgSync.hashed(FakeOrgApi.user(id, true))), clock.instant());
        }
        licenses.putSummary(TENANT, Map.of(JIRA, new ProductCounts(2, 0, 0, 2)), 30, clock.instant(), 0);
    }

    private static Integration integration(IntegrationStatus status, boolean paused) {
        return new Integration(TENANT, IntegrationType.ATLASSIAN, status, Map.of("orgId", "org-1"), "secret", null,
                Instant.EPOCH, "admin", null, null, paused, 1);
    }

    /** The store, with {@link #racingReplaces} replace attempts overtaken by another writer (a sync) first. */
    private LicenseStore store() {
        return (LicenseStore) Proxy.newProxyInstance(LicenseStore.class.getClassLoader(), new Class<?>[] {LicenseStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("replaceUser") && racingReplaces > 0) {
                        racingReplaces--;
                        OrgUser current = licenses.user(TENANT, "u1").orElseThrow().item();
                        licenses.putUsers(TENANT, List.of(AtlassianOrgSync.hashed(new OrgUser(current.accountId(),
                                current.name() + "'", current.email(), current.accountType(), current.accountStatus(),
                                current.membershipStatus(), current.claimStatus(), current.orgAdmin(), current.addedToOrg(),
                                current.products(), current.groups()))), clock.instant());
                    }
                    try {
                        return method.invoke(licenses, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int refresh(String... ids) {
        AtlassianOrgApi api = new AtlassianOrgApiRecorder(atlassian, idsAskedFor);
        return new AtlassianUserRefresh(api, store(), integrations, vault, clock, settings).refresh(TENANT, List.of(ids));
    }

    @Test
    void aUserWhoLostASeatIsRewrittenAndTheSummaryLosesTheSeat() {
        atlassian.users.put("u1", FakeOrgApi.user("u1", false));

        assertEquals(1, refresh("u1"));

        assertEquals(AtlassianOrgSync.hashed(FakeOrgApi.user("u1", false)), licenses.user(TENANT, "u1").orElseThrow());
        assertEquals(new ProductCounts(1, 0, 0, 1), licenses.summary().get(JIRA));
        assertEquals(1, licenses.seatAdjustmentsSince(TENANT, Instant.EPOCH).size());
        LicenseStore.SeatAdjustment adjustment = licenses.seatAdjustmentsSince(TENANT, Instant.EPOCH).get(0);
        assertEquals("u1", adjustment.accountId());
        assertEquals(clock.instant(), adjustment.at());
        assertEquals(List.of(List.of("u1")), idsAskedFor);
    }

    @Test
    void anUnchangedUserIsNotWrittenAndNoSeatMoves() {
        assertEquals(0, refresh("u1", "u2"));
        assertEquals(new ProductCounts(2, 0, 0, 2), licenses.summary().get(JIRA));
        assertTrue(licenses.seatAdjustmentsSince(TENANT, Instant.EPOCH).isEmpty());
    }

    @Test
    void usersNeverStoredOrNoLongerReturnedAreLeftToTheFullSync() {
        atlassian.users.put("new", FakeOrgApi.user("new", true));
        atlassian.users.remove("u2");
        assertEquals(0, refresh("new", "u2"));
        assertTrue(licenses.user(TENANT, "new").isEmpty());
        assertEquals(new ProductCounts(2, 0, 0, 2), licenses.summary().get(JIRA));
    }

    @Test
    void eachUserIsAskedForOnceAndUsersNotAskedForAreIgnored() {
        atlassian.users.put("u1", FakeOrgApi.user("u1", false));
        atlassian.users.put("u2", FakeOrgApi.user("u2", false));
        AtlassianOrgApi answersMore = new AtlassianOrgApiRecorder(atlassian, idsAskedFor) {
            @Override
            public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) {
                idsAskedFor.add(accountIds);
                return List.of(atlassian.users.get("u1"), atlassian.users.get("u2"));
            }
        };

        int written = new AtlassianUserRefresh(answersMore, store(), integrations, vault, clock, settings)
                .refresh(TENANT, List.of("u1", "u1"));

        assertEquals(1, written, "u2 was answered but not asked for");
        assertEquals(List.of(List.of("u1")), idsAskedFor);
        assertEquals(AtlassianOrgSync.hashed(FakeOrgApi.user("u2", true)), licenses.user(TENANT, "u2").orElseThrow());
    }

    @Test
    void nothingIsReadWhenAtlassianIsNotSyncingOrNoUserIsAsked() {
        assertEquals(0, refresh());
        for (Integration stopped : List.of(integration(IntegrationStatus.DISCONNECTED, false),
                integration(IntegrationStatus.ERROR, true))) {
            integrations.records.put(IntegrationType.ATLASSIAN, stopped);
            atlassian.users.put("u1", FakeOrgApi.user("u1", false));
            assertEquals(0, refresh("u1"));
        }
        integrations.records.clear();
        assertEquals(0, refresh("u1"));
        assertEquals(0, vaultReads, "no credential read");
        assertTrue(idsAskedFor.isEmpty(), "no Atlassian call");

        integrations.records.put(IntegrationType.ATLASSIAN, integration(IntegrationStatus.ERROR, false));
        assertEquals(1, refresh("u1"), "an integration in error but not paused is refreshed");
    }

    private AtlassianUserRefresh.Reread reread(String... ids) {
        AtlassianOrgApi api = new AtlassianOrgApiRecorder(atlassian, idsAskedFor);
        return new AtlassianUserRefresh(api, store(), integrations, vault, clock, settings).reread(TENANT, List.of(ids));
    }

    @Test
    void aReReadSaysWhichStoredUsersAreNowAtlassiansWordAndThatNoneCouldBeAskedWhilePaused() {
        atlassian.users.put("u1", FakeOrgApi.user("u1", false));
        atlassian.users.put("new", FakeOrgApi.user("new", true));
        atlassian.users.remove("u2");
        AtlassianUserRefresh.Reread reread = reread("u1", "u2", "new");
        assertTrue(reread.connected());
        assertEquals(java.util.Set.of("u1"), reread.current(), "u2 not answered, new never stored");
        assertEquals(1, reread.written());

        atlassian.users.put("u2", FakeOrgApi.user("u2", true));
        assertEquals(java.util.Set.of("u2"), reread("u2").current(), "unchanged is current too");

        racingReplaces = 3;
        atlassian.users.put("u1", FakeOrgApi.user("u1", true));
        assertEquals(java.util.Set.of(), reread("u1").current(), "one that kept changing is not");
        racingReplaces = 0;

        integrations.records.put(IntegrationType.ATLASSIAN, integration(IntegrationStatus.CONNECTED, true));
        AtlassianUserRefresh.Reread paused = reread("u1", "u2");
        assertEquals(false, paused.connected());
        assertTrue(paused.current().isEmpty());
        integrations.records.clear();
        assertEquals(false, reread("u1").connected());
    }

    @Test
    void aUserChangedMeanwhileIsComparedAgainAndWrittenOverTheNewerStoredOne() {
        atlassian.users.put("u1", FakeOrgApi.user("u1", false));
        racingReplaces = 2;

        assertEquals(1, refresh("u1"));

        assertEquals(AtlassianOrgSync.hashed(FakeOrgApi.user("u1", false)), licenses.user(TENANT, "u1").orElseThrow());
        assertEquals(new ProductCounts(1, 0, 0, 1), licenses.summary().get(JIRA), "one seat taken, once");
    }

    @Test
    void aUserThatKeepsChangingIsLeftToTheNextSync() {
        atlassian.users.put("u1", FakeOrgApi.user("u1", false));
        racingReplaces = 3;

        assertEquals(0, refresh("u1"));

        assertTrue(licenses.user(TENANT, "u1").orElseThrow().item().name().endsWith("'''"), "the racing writer's version stays");
        assertEquals(new ProductCounts(2, 0, 0, 2), licenses.summary().get(JIRA));
    }

    @Test
    void seatsAreCountedWithTheTenantsInactivityThreshold() {
        String fortyDaysAgo = clock.instant().minus(Duration.ofDays(40)).toString();
        OrgUser active = new OrgUser("u1", "User u1", "u1@acme.com", "atlassian", "active", "active", "managed", false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, fortyDaysAgo)), List.of());
        atlassian.users.put("u1", active);

        inactivityDays = 60;
        assertEquals(1, refresh("u1"));
        assertEquals(new ProductCounts(2, 1, 0, 1), licenses.summary().get(JIRA), "40 days is active under a 60-day threshold");

        atlassian.users.put("u1", FakeOrgApi.user("u1", true));
        assertEquals(1, refresh("u1"));
        inactivityDays = 30;
        atlassian.users.put("u1", active);
        assertEquals(1, refresh("u1"));
        assertEquals(new ProductCounts(2, 0, 1, 1), licenses.summary().get(JIRA), "and inactive under a 30-day one");
    }

    /** Passes calls to the fake, recording the ids each usersById call asked for. */
    private static class AtlassianOrgApiRecorder extends ForwardingOrgApi {
        private final List<List<String>> asked;

        AtlassianOrgApiRecorder(FakeOrgApi fake, List<List<String>> asked) {
            super(fake);
            this.asked = asked;
        }

        @Override
        public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) {
            assertEquals("org-1", orgId);
            assertEquals("key-secret", apiKey);
            asked.add(accountIds);
            return super.usersById(orgId, apiKey, accountIds);
        }
    }
}
