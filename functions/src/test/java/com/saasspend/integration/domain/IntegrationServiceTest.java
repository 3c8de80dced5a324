package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.ProductAccessCheck.VerifiedProduct;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.SyncLeases;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Connect, rotate, disconnect and sync-now decisions over in-memory ports: what the org must be, the order products
 * connect in, what a disconnect takes with it, and how Atlassian's failures become answers an admin can act on.
 */
class IntegrationServiceTest {
    private static final String T = "tenant-a";
    private static final String ORG = "org-1";
    private static final String KEY = "key-1";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String SITE = "acme.atlassian.net";

    private final InMemoryIntegrations store = new InMemoryIntegrations();
    private final Map<String, Map<String, String>> secrets = new HashMap<>();
    private final List<String> deletedSecrets = new ArrayList<>();
    private final List<SyncRequest> requested = new ArrayList<>();
    private final List<String> erased = new ArrayList<>();
    private final Org org = new Org();
    private VerifiedProduct product = new VerifiedProduct(SITE, "Acme", List.of(), "admin-account");
    private UpstreamFailure productFailure;
    /** The next secret deletion fails (a disconnect failing midway). */
    private boolean vaultDeleteFails;

    private final IntegrationService service = new IntegrationService(store, new CredentialVault() {
        private int next;
        @Override public String create(String tenantId, IntegrationType type, Map<String, String> secret) {
            String name = "prefix/" + tenantId + "/" + type.id() + "/" + (++next);
            secrets.put(name, secret);
            return name;
        }
        @Override public void replace(String secretName, Map<String, String> secret) { secrets.put(secretName, secret); }
        @Override public Map<String, String> read(String secretName) { return secrets.get(secretName); }
        @Override public void delete(String secretName) {
            if (vaultDeleteFails) {
                vaultDeleteFails = false;
                throw new IllegalStateException("Secrets Manager unavailable");
            }
            secrets.remove(secretName);
            deletedSecrets.add(secretName);
        }
    }, requested::addAll, org, credential -> {
        if (productFailure != null) {
            throw productFailure;
        }
        return product;
    }, new LicenseDataEraser() {
        @Override public void eraseSyncedData(String tenantId) { erased.add("all"); }
        @Override public void eraseProductData(String tenantId, IntegrationType type) { erased.add(type.id()); }
    }, (tenantId, type) -> Optional.<SyncLeases.Lease>empty(), Clock.fixed(NOW, ZoneOffset.UTC));

    private static Credential orgCredential(String orgId, String key, LocalDate expiresOn) {
        return new Credential(IntegrationType.ATLASSIAN, Map.of("orgId", orgId), Map.of("apiKey", key), expiresOn);
    }

    private static Credential site(IntegrationType type) {
        return new Credential(type, Map.of("siteUrl", "https://" + SITE, "email", "admin@acme.com"), Map.of("apiToken", "t"), null);
    }

    private Refusal refused(Runnable call) {
        return assertThrows(Refusal.class, call::run);
    }

    @Test
    void connectingTheOrgStoresItsSettingsKeepsTheKeyInTheVaultAndAsksForTheFirstSync() {
        IntegrationService.Connected connected = service.connect(T, "admin@acme.com", orgCredential(ORG, KEY, LocalDate.parse("2027-01-01")));
        assertTrue(connected.created());
        Integration saved = connected.integration();
        assertEquals(IntegrationStatus.CONNECTED, saved.status());
        assertEquals(Map.of("orgId", ORG, "orgName", "Acme Org"), saved.settings());
        assertEquals(Map.of("apiKey", KEY), secrets.get(saved.secretName()), "the key lives in the vault only");
        assertFalse(saved.settings().containsValue(KEY));
        assertEquals(NOW, saved.connectedAt());
        assertEquals("admin@acme.com", saved.connectedBy());
        assertEquals(List.of(SyncRequest.full(T, IntegrationType.ATLASSIAN, "connect")), requested, "connect lists the whole org");
    }

    @Test
    void connectingTheSameOrgAgainRefreshesTheKeyAndKeepsTheRecord() {
        Integration first = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        requested.clear();
        IntegrationService.Connected again = service.connect(T, "b", orgCredential(ORG, "key-2", null));
        assertFalse(again.created());
        assertEquals(first.secretName(), again.integration().secretName());
        assertEquals(Map.of("apiKey", "key-2"), secrets.get(first.secretName()));
        assertEquals("a", again.integration().connectedBy(), "the history stays");
        assertEquals(List.of(), requested, "a repeat asks for no second sync");
    }

    @Test
    void anotherOrgWhileOneIsConnectedIsAConflict() {
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        org.orgsOfKey = List.of("org-2");
        Refusal refusal = refused(() -> service.connect(T, "a", orgCredential("org-2", KEY, null)));
        assertEquals(Refusal.Kind.CONFLICT, refusal.kind());
        assertEquals("connected_to_another_instance", refusal.code());
        assertTrue(refusal.getMessage().contains(ORG) && refusal.getMessage().contains("org-2"), refusal.getMessage());
    }

    @Test
    void theOrgMustBeTheKeysOnCentralizedUserManagementWithEveryDomainVerified() {
        org.orgsOfKey = List.of("org-9");
        Refusal wrongOrg = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null)));
        assertEquals("atlassian_key_wrong_org", wrongOrg.code());
        assertEquals("orgId", wrongOrg.fields().get(0).name());
        org.orgsOfKey = List.of();
        assertTrue(refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null))).getMessage().contains("no organization"));

        org.orgsOfKey = List.of(ORG);
        org.directories = 2;
        Refusal original = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null)));
        assertEquals("original_user_management", original.code());
        assertTrue(original.getMessage().contains("2 directories"), original.getMessage());

        org.directories = 1;
        org.domains = List.of(new OrgDomain("acme.com", "verified"), new OrgDomain("acme.io", "unverified"));
        Refusal domains = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null)));
        assertEquals("domains_unverified", domains.code());
        assertTrue(domains.getMessage().contains("acme.io (unverified)") && !domains.getMessage().contains("acme.com"), domains.getMessage());

        assertTrue(store.records.isEmpty() && secrets.isEmpty() && requested.isEmpty(), "a refused connect saves nothing");
    }

    @Test
    void atlassiansRefusalsBecomeWhatTheAdminShouldDo() {
        Map<UpstreamFailure.Kind, String> expected = Map.of(
                UpstreamFailure.Kind.UNAUTHORIZED, "atlassian_key_rejected",
                UpstreamFailure.Kind.FORBIDDEN, "atlassian_key_lacks_access",
                UpstreamFailure.Kind.NOT_FOUND, "atlassian_org_not_found",
                UpstreamFailure.Kind.BROKEN_PAGING, "atlassian_listing_broken",
                UpstreamFailure.Kind.OUT_OF_TIME, "atlassian_too_slow",
                UpstreamFailure.Kind.BAD_REQUEST, "upstream_refused");
        expected.forEach((kind, code) -> {
            org.failure = new UpstreamFailure(kind, 0, "the listing of x", null);
            Refusal refusal = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null)));
            assertEquals(code, refusal.code(), kind.name());
        });
        org.failure = new UpstreamFailure(UpstreamFailure.Kind.OUT_OF_TIME, 0, "late", null);
        Refusal late = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, null)));
        assertEquals(Refusal.Kind.UPSTREAM_OUT_OF_TIME, late.kind());
        assertTrue(late.retryAfterSeconds() != null && late.retryAfterSeconds() > 0);
        assertTrue(store.records.isEmpty() && secrets.isEmpty());
    }

    @Test
    void anExpiredCredentialIsRefusedBeforeAtlassianIsAsked() {
        Refusal expired = refused(() -> service.connect(T, "a", orgCredential(ORG, KEY, LocalDate.parse("2026-11-29"))));
        assertEquals("credential_expired", expired.code());
        assertEquals("apiKeyExpiresOn", expired.fields().get(0).name());
        assertEquals(0, org.calls);
        service.connect(T, "a", orgCredential(ORG, KEY, LocalDate.parse("2026-11-30")));
    }

    @Test
    void productsConnectOnlyAfterTheOrgAndOnlyItsOwnInstances() {
        Refusal first = refused(() -> service.connect(T, "a", site(IntegrationType.JIRA)));
        assertEquals("atlassian_not_connected", first.code());
        service.connect(T, "a", orgCredential(ORG, KEY, null));

        Integration jira = service.connect(T, "a", site(IntegrationType.JIRA)).integration();
        assertEquals(SITE, jira.setting("site"));
        assertEquals("ari:cloud:jira::site/1", jira.setting("instanceId"));
        assertEquals("admin-account", jira.setting("adminAccountId"), "reclaim must never remove the key owner");
        assertEquals("true", jira.setting("linkedToOrg"));

        product = new VerifiedProduct("other.atlassian.net", null, List.of(), null);
        Refusal foreign = refused(() -> service.connect(T, "a", site(IntegrationType.CONFLUENCE)));
        assertEquals("instance_not_in_org", foreign.code());
        assertTrue(foreign.getMessage().contains("Acme Org"), foreign.getMessage());

        product = new VerifiedProduct("acme-eng", null, List.of(), null);
        Credential bitbucket = new Credential(IntegrationType.BITBUCKET, Map.of("workspace", "acme-eng"), Map.of("apiToken", "t"), null);
        assertEquals("false", service.connect(T, "a", bitbucket).integration().setting("linkedToOrg"),
                "a workspace made in Bitbucket can be synced, not reclaimed");
    }

    @Test
    void aProductCredentialAtlassianRejectsSaysWhich() {
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        productFailure = new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "no", null);
        assertEquals("jira_credential_rejected", refused(() -> service.connect(T, "a", site(IntegrationType.JIRA))).code());
        productFailure = new UpstreamFailure(UpstreamFailure.Kind.FORBIDDEN, 403, "no", null);
        assertEquals("jira_not_admin", refused(() -> service.connect(T, "a", site(IntegrationType.JIRA))).code());
        productFailure = null;
        org.failure = new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "revoked", null);
        assertEquals("atlassian_key_rejected", refused(() -> service.connect(T, "a", site(IntegrationType.JIRA))).code(),
                "the org key no longer works, so the product cannot be checked against the org");
    }

    @Test
    void disconnectingTheOrgTakesEveryProductSecretAndSyncedDataWithIt() {
        Integration atlassian = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        Integration jira = service.connect(T, "a", site(IntegrationType.JIRA)).integration();
        List<IntegrationType> removed = service.disconnect(T, IntegrationType.ATLASSIAN);
        assertEquals(List.of(IntegrationType.JIRA, IntegrationType.ATLASSIAN), removed, "products first, the org last");
        assertTrue(store.records.isEmpty());
        assertEquals(List.of(jira.secretName(), atlassian.secretName()), deletedSecrets);
        assertEquals(List.of("all"), erased);
        assertEquals("integration_not_connected", refused(() -> service.disconnect(T, IntegrationType.ATLASSIAN)).code());
    }

    @Test
    void disconnectingOneProductErasesOnlyItsData() {
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        service.connect(T, "a", site(IntegrationType.JIRA));
        service.connect(T, "a", site(IntegrationType.CONFLUENCE));
        assertEquals(List.of(IntegrationType.JIRA), service.disconnect(T, IntegrationType.JIRA));
        assertEquals(List.of("jira"), erased);
        assertNull(store.get(IntegrationType.JIRA));
        assertEquals(IntegrationStatus.CONNECTED, store.get(IntegrationType.CONFLUENCE).status());
    }

    @Test
    void rotationKeepsTheRecordClearsAnErrorAndAsksForASync() {
        Integration connected = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        Integration errored = store.save(connected.afterSync(IntegrationStatus.ERROR, null, "key revoked", true), connected.version());
        requested.clear();
        Integration rotated = service.rotate(T, orgCredential(ORG, "key-2", LocalDate.parse("2027-06-01")));
        assertEquals(IntegrationStatus.CONNECTED, rotated.status());
        assertNull(rotated.lastError());
        assertFalse(rotated.syncPaused(), "syncing resumes");
        assertEquals(LocalDate.parse("2027-06-01"), rotated.credentialExpiresOn());
        assertEquals(Map.of("apiKey", "key-2"), secrets.get(errored.secretName()));
        assertEquals(List.of(SyncRequest.full(T, IntegrationType.ATLASSIAN, "rotation")), requested);
        assertEquals("integration_not_connected", refused(() -> service.rotate(T, site(IntegrationType.JIRA))).code());
    }

    @Test
    void aRotationRacingASyncStatusUpdateIsAppliedToTheLatestRecord() {
        Integration connected = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        // The sync marks the record syncing after the rotation read it: the rotation's first write loses the race.
        store.beforeNextSave = () -> store.save(connected.withStatus(IntegrationStatus.SYNCING, null), connected.version());
        store.saves = 0;
        Integration rotated = service.rotate(T, orgCredential(ORG, "key-2", null));
        assertEquals(2, store.saves, "the first write lost the race (it happened) and the second applied the key");
        assertEquals(IntegrationStatus.SYNCING, rotated.status(), "the sync's status is kept");
        assertEquals(Map.of("apiKey", "key-2"), secrets.get(connected.secretName()));
    }

    @Test
    void syncNowNeedsAConnectedIntegration() {
        assertEquals("integration_not_connected", refused(() -> service.requestSync(T, IntegrationType.ATLASSIAN)).code());
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        requested.clear();
        service.requestSync(T, IntegrationType.ATLASSIAN);
        assertEquals(List.of(new SyncRequest(T, IntegrationType.ATLASSIAN, "manual")), requested);
        assertFalse(requested.get(0).full(), "sync now reads what changed");
        requested.clear();
        service.requestSync(T, IntegrationType.ATLASSIAN, true);
        assertEquals(List.of(SyncRequest.full(T, IntegrationType.ATLASSIAN, "manual")), requested, "?full=true lists the org");
    }

    /** The org connected, then a disconnect that failed at its secret: the record is left disconnected. */
    private Integration leftoverOfAFailedDisconnect() {
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        vaultDeleteFails = true;
        assertThrows(IllegalStateException.class, () -> service.disconnect(T, IntegrationType.ATLASSIAN));
        return store.get(IntegrationType.ATLASSIAN);
    }

    @Test
    void aDisconnectFailingMidwayLeavesTheRecordDisconnectedAndARepeatFinishesIt() {
        Integration leftover = leftoverOfAFailedDisconnect();
        assertEquals(IntegrationStatus.DISCONNECTED, leftover.status(), "marked first: no sync picks it up");
        assertEquals("integration_not_connected", refused(() -> service.requestSync(T, IntegrationType.ATLASSIAN)).code());
        assertEquals("integration_not_connected", refused(() -> service.rotate(T, orgCredential(ORG, "key-2", null))).code());
        assertEquals("atlassian_not_connected", refused(() -> service.connect(T, "a", site(IntegrationType.JIRA))).code());

        store.saves = 0;
        assertEquals(List.of(IntegrationType.ATLASSIAN), service.disconnect(T, IntegrationType.ATLASSIAN));
        assertEquals(0, store.saves, "already marked: not written again");
        assertTrue(store.records.isEmpty());
        assertEquals(List.of(leftover.secretName()), deletedSecrets);
    }

    @Test
    void connectingAfterADisconnectFailedMidwayFinishesItAndConnectsAnew() {
        Integration leftover = leftoverOfAFailedDisconnect();
        requested.clear();

        IntegrationService.Connected connected = service.connect(T, "b", orgCredential(ORG, "key-2", null));

        assertTrue(connected.created(), "a new connection, not a repeat of the disconnected one");
        assertEquals(List.of(leftover.secretName()), deletedSecrets, "the leftover's secret deleted");
        assertEquals(Map.of("apiKey", "key-2"), secrets.get(connected.integration().secretName()));
        assertEquals(IntegrationStatus.CONNECTED, store.get(IntegrationType.ATLASSIAN).status());
        assertEquals("b", connected.integration().connectedBy());
        assertEquals(List.of(SyncRequest.full(T, IntegrationType.ATLASSIAN, "connect")), requested);
    }

    @Test
    void aConnectThatLostTheRaceToAnotherKeepsTheWinnerAndDropsItsSecret() {
        store.beforeNextSave = () -> service.connect(T, "winner", orgCredential(ORG, KEY, null));

        IntegrationService.Connected loser = service.connect(T, "loser", orgCredential(ORG, "key-2", null));

        assertFalse(loser.created(), "answered as a repeat");
        assertEquals("winner", loser.integration().connectedBy());
        assertEquals(Map.of("apiKey", KEY), secrets.get(loser.integration().secretName()));
        assertEquals(1, secrets.size(), "the loser's secret is deleted");
        assertEquals(1, deletedSecrets.size());
        assertEquals(List.of(SyncRequest.full(T, IntegrationType.ATLASSIAN, "connect")), requested, "the winner's sync only");
    }

    @Test
    void aConnectThatLostTheRaceToAnotherOrgIsAConflict() {
        org.orgsOfKey = List.of(ORG, "org-2");
        store.beforeNextSave = () -> service.connect(T, "winner", orgCredential("org-2", KEY, null));

        Refusal refusal = refused(() -> service.connect(T, "loser", orgCredential(ORG, "key-2", null)));

        assertEquals("connected_to_another_instance", refusal.code());
        assertEquals("org-2", store.get(IntegrationType.ATLASSIAN).setting("orgId"));
        assertEquals(1, secrets.size(), "the loser's secret is deleted");
    }

    @Test
    void aRotationThatKeepsLosingToSyncsGivesUpAfterThreeTries() {
        Integration connected = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        int[] tries = {0};
        Runnable[] race = new Runnable[1];
        race[0] = () -> {
            tries[0]++;
            Integration now = store.get(IntegrationType.ATLASSIAN);
            store.save(now.withStatus(IntegrationStatus.SYNCING, null), now.version());
            store.beforeNextSave = race[0];
        };
        store.beforeNextSave = race[0];

        Refusal refusal = refused(() -> service.rotate(T, orgCredential(ORG, "key-2", null)));
        store.beforeNextSave = null;

        assertEquals(Refusal.Kind.CONFLICT, refusal.kind(), "a 409 asking to send it again, not a 500");
        assertEquals("integration_changed_concurrently", refusal.code());
        assertTrue(refusal.getMessage().contains("send the request again"), refusal.getMessage());
        assertEquals(3, tries[0]);
        assertEquals(connected.secretName(), store.get(IntegrationType.ATLASSIAN).secretName());
    }

    @Test
    void anExpiredCredentialIsRefusedForARotationBeforeAnythingChanges() {
        Integration connected = service.connect(T, "a", orgCredential(ORG, KEY, null)).integration();
        requested.clear();
        int callsBefore = org.calls;

        Refusal expired = refused(() -> service.rotate(T, orgCredential(ORG, "key-2", LocalDate.parse("2026-11-29"))));

        assertEquals("credential_expired", expired.code());
        assertEquals(callsBefore, org.calls, "Atlassian not asked");
        assertEquals(Map.of("apiKey", KEY), secrets.get(connected.secretName()));
        assertEquals(List.of(), requested);
    }

    @Test
    void aSiteOfAnotherOrgIsRefusedSayingWhatToUseInstead() {
        service.connect(T, "a", orgCredential(ORG, KEY, null));
        product = new VerifiedProduct("other.atlassian.net", null, List.of(), null);
        assertEquals("The confluence site other.atlassian.net is not a product of your connected Atlassian organization (Acme Org). "
                + "Use one of its confluence sites.", refused(() -> service.connect(T, "a", site(IntegrationType.CONFLUENCE))).getMessage());
    }

    /** The org as the admin API shows it: healthy by default; a failure, once set, answers every call. */
    private static final class Org implements AtlassianOrgApi {
        List<String> orgsOfKey = List.of(ORG);
        int directories = 1;
        List<OrgDomain> domains = List.of(new OrgDomain("acme.com", "verified"));
        UpstreamFailure failure;
        int calls;

        private void call() {
            calls++;
            if (failure != null) {
                throw failure;
            }
        }
        @Override public List<String> orgIdsOfKey(String apiKey) { call(); return orgsOfKey; }
        @Override public String orgName(String orgId, String apiKey) { call(); return "Acme Org"; }
        @Override public int directoryCount(String orgId, String apiKey) { call(); return directories; }
        @Override public List<OrgDomain> domains(String orgId, String apiKey) { call(); return domains; }
        @Override public List<ProductInstance> productInstances(String orgId, String apiKey) {
            call();
            return List.of(new ProductInstance("ari:cloud:jira::site/1", "jira-software", "Jira", "https://" + SITE, 10, 5),
                    new ProductInstance("ari:cloud:confluence::site/1", "confluence", "Confluence", "https://" + SITE, 10, 5));
        }
        @Override public Page<OrgUser> users(String orgId, String apiKey, String cursor) { throw new UnsupportedOperationException(); }
        @Override public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) { throw new UnsupportedOperationException(); }
        @Override public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) { throw new UnsupportedOperationException(); }
        @Override public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) { throw new UnsupportedOperationException(); }
        @Override public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) { throw new UnsupportedOperationException(); }
        @Override public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) { throw new UnsupportedOperationException(); }
    }
}
