package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.sync.SyncTestDoubles;
import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.InMemorySyncState;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The product sync's decisions, with the product and the stores faked: what is written, removed, recorded and shown. */
class ProductSyncTest {
    private static final String TENANT = "t";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    /** A Confluence site: group id -> member ids, listed two groups a page; a group may vanish before its members are read. */
    private static final class FakeSite implements SiteGroupsApi {
        final Map<String, List<String>> groups = new LinkedHashMap<>();
        String vanishing;
        UpstreamFailure failure;
        /** The groups listing answers this cursor again from its second page on (it never advances). */
        boolean stuck;
        /** Runs before a group's members are answered. */
        Runnable onMembers = () -> {};

        @Override
        public Page<GroupRef> groups(String cursor) {
            if (failure != null) {
                throw failure;
            }
            List<String> ids = new ArrayList<>(groups.keySet());
            int from = cursor == null ? 0 : Integer.parseInt(cursor);
            List<GroupRef> page = ids.subList(from, Math.min(ids.size(), from + 2)).stream().map(id -> new GroupRef(id, "name-" + id)).toList();
            if (stuck) {
                return new Page<>(page, "2");
            }
            return new Page<>(page, from + 2 < ids.size() ? Integer.toString(from + 2) : null);
        }

        @Override
        public Page<GroupMember> members(String groupId, String cursor) {
            onMembers.run();
            if (groupId.equals(vanishing)) {
                throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "gone", null);
            }
            return new Page<>(groups.get(groupId).stream().map(id -> new GroupMember(id, null)).toList(), null);
        }
    }

    private static final class FakeIntegrations implements IntegrationStore {
        Integration record;
        RuntimeException failNextSave;

        @Override
        public Optional<Integration> find(String tenantId, IntegrationType type) {
            return Optional.ofNullable(record).filter(i -> i.type() == type);
        }

        @Override
        public List<Integration> list(String tenantId) {
            return record == null ? List.of() : List.of(record);
        }

        @Override
        public Integration save(Integration integration, long expectedVersion) {
            if (failNextSave != null) {
                RuntimeException failure = failNextSave;
                failNextSave = null;
                throw failure;
            }
            record = new Integration(integration.tenantId(), integration.type(), integration.status(), integration.settings(),
                    integration.secretName(), integration.credentialExpiresOn(), integration.connectedAt(), integration.connectedBy(),
                    integration.lastSuccessfulSyncAt(), integration.lastError(), integration.syncPaused(), expectedVersion + 1);
            return record;
        }

        @Override
        public void delete(String tenantId, IntegrationType type) {
            record = null;
        }
    }

    /** Holds {@link #stored}; a read answers the copy cached at the first read until {@link #forget} drops it. */
    private static final class FakeVault extends SyncTestDoubles.ReadOnlyVault {
        String stored = "token";
        String cached;
        int forgets;

        @Override
        public void forget(String secretName) {
            forgets++;
            cached = null;
        }

        @Override
        public Map<String, String> read(String secretName) {
            if (cached == null) {
                cached = stored;
            }
            return Map.of("email", "admin@acme.com", "apiToken", cached);
        }
    }

    private final FakeSite site = new FakeSite();
    private final InMemorySyncState state = new InMemorySyncState(CLOCK);
    private final InMemoryProductStore store = new InMemoryProductStore(state);
    private final FakeIntegrations integrations = new FakeIntegrations();
    private final FakeVault vault = new FakeVault();
    /** Tokens Confluence answers 401 to. */
    private final Set<String> rejectedTokens = new HashSet<>();
    private final ProductSync sync = new ProductSync(new ProductApis() {
        @Override
        public JiraApi jira(Credential credential) {
            throw new UnsupportedOperationException("only Confluence here");
        }

        @Override
        public SiteGroupsApi confluence(Credential credential) {
            if (rejectedTokens.contains(credential.secret().get("apiToken"))) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "Confluence answered HTTP 401", null);
            }
            return site;
        }

        @Override
        public TrelloEnterpriseApi trello(Credential credential) {
            throw new UnsupportedOperationException("only Confluence here");
        }

        @Override
        public BitbucketWorkspaceApi bitbucket(Credential credential) {
            throw new UnsupportedOperationException("only Confluence here");
        }
    }, store, state, integrations, vault, () -> 0, CLOCK, Duration.ofMinutes(16));

    ProductSyncTest() {
        site.groups.put("g1", List.of("a", "b"));
        site.groups.put("g2", List.of("b"));
        site.groups.put("g3", List.of("c"));
        integrations.record = new Integration(TENANT, IntegrationType.CONFLUENCE, IntegrationStatus.CONNECTED,
                Map.of("site", "acme.atlassian.net", "linkedToOrg", "true"), "secret", null, CLOCK.instant(), "admin",
                null, null, false, 1);
    }

    private SyncResult run() {
        return sync.run(TENANT, IntegrationType.CONFLUENCE, Budget.unlimited());
    }

    @Test
    void aCompleteRunStoresGroupsAndSummaryAndAnUnchangedOneWritesNothing() {
        SyncResult first = run();
        assertEquals(SyncOutcome.COMPLETED, first.outcome());
        assertEquals(3, first.run().groupsWritten());
        assertEquals(4, first.run().users(), "memberships");
        assertTrue(store.summaries.containsKey(IntegrationType.CONFLUENCE));
        assertEquals(IntegrationStatus.CONNECTED, integrations.record.status());
        assertEquals(CLOCK.instant(), integrations.record.lastSuccessfulSyncAt());

        int items = store.itemWrites;
        int digests = store.digestWrites;
        String summary = store.summaries.get(IntegrationType.CONFLUENCE);
        assertEquals(SyncOutcome.COMPLETED, run().outcome());
        assertEquals(items, store.itemWrites);
        assertEquals(digests, store.digestWrites);
        assertEquals(summary, store.summaries.get(IntegrationType.CONFLUENCE));
        assertEquals(2, state.runs.size(), "both runs recorded");
    }

    @Test
    void aGroupDeletedWhileTheSyncListsItIsMarkedRemovedNotAFailure() {
        run();
        site.vanishing = "g2";
        SyncResult result = run();
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertEquals(Set.of("g2"), store.removed(ProductListing.CONFLUENCE_GROUPS));
        assertEquals(1, result.run().removed());
    }

    @Test
    void aRejectedTokenPausesTheSyncWithWhatToDoAndOtherFailuresDoNot() {
        site.failure = new UpstreamFailure(UpstreamFailure.Kind.FORBIDDEN, 403, "no", null);
        assertEquals(SyncOutcome.FAILED, run().outcome());
        assertEquals(IntegrationStatus.ERROR, integrations.record.status());
        assertFalse(integrations.record.syncPaused(), "a missing permission is retried: an admin may grant it back");
        assertTrue(integrations.record.lastError().contains("Confluence administration"), integrations.record.lastError());

        site.failure = new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "Atlassian answered with HTTP 503.", null);
        run();
        assertFalse(integrations.record.syncPaused());
        assertTrue(integrations.record.lastError().contains("next sync"), integrations.record.lastError());

        site.failure = new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "no", null);
        run();
        assertTrue(integrations.record.syncPaused());
        assertTrue(integrations.record.lastError().contains("rotate the token"), integrations.record.lastError());
        assertEquals(SyncOutcome.SKIPPED, run().outcome());
        assertEquals(List.of("failed", "failed", "failed"), state.runs.stream().map(SyncRunRecord::outcome).toList());
        assertEquals(0, store.itemWrites);
        assertTrue(store.removed.values().stream().allMatch(Set::isEmpty));
    }

    @Test
    void aTokenRotatedWhileTheCacheHeldTheOldOneIsReadAfreshAndRetriedOnceInsteadOfPausing() {
        vault.read("secret");
        vault.stored = "rotated-token";
        rejectedTokens.add("token");

        SyncResult result = run();

        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertEquals(1, vault.forgets);
        assertFalse(integrations.record.syncPaused());
        assertEquals(List.of("completed"), state.runs.stream().map(SyncRunRecord::outcome).toList());
    }

    @Test
    void aRejectedTokenThatIsStillTheStoredOneFailsWithItsKindAndExpiry() {
        integrations.record = new Integration(TENANT, IntegrationType.CONFLUENCE, IntegrationStatus.CONNECTED,
                Map.of("site", "acme.atlassian.net", "linkedToOrg", "true"), "secret", java.time.LocalDate.parse("2026-12-01"),
                CLOCK.instant(), "admin", null, null, false, 1);
        rejectedTokens.add("token");

        SyncResult result = run();

        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertEquals(UpstreamFailure.Kind.UNAUTHORIZED, result.failure());
        assertEquals(java.time.LocalDate.parse("2026-12-01"), result.credentialExpiresOn());
        assertEquals(1, vault.forgets, "the cache was dropped once; the same token is not tried again");
        assertTrue(integrations.record.syncPaused());
    }

    @Test
    void aRunFindingTheLeaseTakenDoesNothing() {
        state.leaveLease(TENANT, IntegrationType.CONFLUENCE, "another invocation", CLOCK.instant().plusSeconds(60));
        assertEquals(SyncOutcome.BUSY, run().outcome());
        assertEquals(0, store.itemWrites);
        assertEquals(IntegrationStatus.CONNECTED, integrations.record.status());
        assertTrue(state.runs.isEmpty());
    }

    @Test
    void theOrgIsNotAProductSync() {
        assertThrows(IllegalArgumentException.class, () -> sync.run(TENANT, IntegrationType.ATLASSIAN, Budget.unlimited()));
    }

    @Test
    void aFailureMarkingTheIntegrationSyncingFreesTheLease() {
        integrations.failNextSave = new IllegalStateException("DynamoDB refused the write");
        assertThrows(IllegalStateException.class, this::run);
        assertTrue(state.lease(TENANT, IntegrationType.CONFLUENCE).isEmpty(), "the lease is freed at once, not in minutes");
        assertEquals(SyncOutcome.COMPLETED, run().outcome(), "the next run is not BUSY");
    }

    @Test
    void aListingThatDoesNotAdvanceEndsInErrorNamingItAndStoresNoDigestBeyondThePagesListed() {
        site.groups.put("g4", List.of("d"));
        site.groups.put("g5", List.of("e"));
        site.stuck = true;
        SyncResult result = run();
        assertEquals(SyncOutcome.FAILED, result.outcome());
        assertEquals(IntegrationStatus.ERROR, integrations.record.status());
        assertTrue(integrations.record.lastError().contains("Confluence groups"), integrations.record.lastError());
        assertFalse(integrations.record.syncPaused(), "the next tick tries again");
        assertTrue(state.lease(TENANT, IntegrationType.CONFLUENCE).isEmpty(), "lease freed");
        // Page 0 (cursor null -> "2") and page 1 (cursor "2" -> "2" again, caught before its digest is written).
        assertEquals(1, store.digests.get(ProductListing.CONFLUENCE_GROUPS).size(), "one digest: the one page really listed");
        int digestWrites = store.digestWrites;

        assertEquals(SyncOutcome.FAILED, run().outcome());
        assertEquals(1, store.digests.get(ProductListing.CONFLUENCE_GROUPS).size(), "the next tick does the same, no more");
        assertEquals(digestWrites, store.digestWrites, "no digest written again for the same page");
        assertTrue(store.removed.values().stream().allMatch(Set::isEmpty), "nothing removed");
    }

    @Test
    void runningOutOfTimeInsideACallContinuesLaterAndIsNotAnUpstreamError() {
        run();
        site.failure = new UpstreamFailure(UpstreamFailure.Kind.OUT_OF_TIME, 0, "no time left for another call", null);
        SyncResult cut = run();
        assertEquals(SyncOutcome.CONTINUE, cut.outcome());
        assertEquals(null, cut.failure());
        assertEquals(IntegrationStatus.SYNCING, integrations.record.status(), "no error shown: the run goes on");
        assertEquals(1, state.runs.size(), "only the first run is recorded; the second is not over");
        assertTrue(store.removed.values().stream().allMatch(Set::isEmpty), "nothing removed");
    }

    @Test
    void aSyncWhoseLeaseIsRevokedMidwayWritesNothingMore() {
        // The disconnect happens while the first group's members are being read: its group is never written.
        site.onMembers = () -> state.revoke(TENANT, IntegrationType.CONFLUENCE);
        SyncResult result = run();
        assertEquals(SyncOutcome.FENCED, result.outcome());
        assertEquals(0, store.itemWrites);
        assertEquals(0, store.digestWrites);
        assertTrue(store.summaries.isEmpty());
    }
}
