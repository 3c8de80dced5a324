package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import com.saasspend.integration.domain.sync.SyncCheckpoint.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the org sync reads per user page: a tenant's first listing reads nothing stored (no digest, no stored hashes,
 * no sweep), any later listing compares every page with its digest; and the pages a first listing may have written
 * already (an invocation cut short, a restarted listing) are compared like any other.
 */
class FirstListingReadsTest extends InMemorySyncStores {
    /** Ten users, two a page: five user pages. */
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10);
    private final AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations,
            SyncTestDoubles.vaultWithKey("key"), () -> api.calls, clock, SyncStateStore.LEASE, SyncTestDoubles.defaultSettings());

    FirstListingReadsTest() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", null, clock.instant(), "admin", null, null, false, 0));
    }

    private void assertOrgStored() {
        assertEquals(api.users.keySet(), store.userIds());
        assertEquals(5, store.digestCount(Listing.USERS), "one digest a page");
        assertEquals(10, store.summary().get(FakeOrgApi.JIRA).assigned(), "each user counted once");
    }

    @Test
    void aFirstListingReadsNoDigestNoStoredHashAndSweepsNothing() {
        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());

        assertOrgStored();
        assertEquals(0, store.digestReads(Listing.USERS), "no page of a first listing has a digest to read");
        assertEquals(0, store.hashReads(Listing.USERS), "no user of a first listing is stored to compare with");
        assertEquals(0, store.digestScans(Listing.USERS), "nothing left a page of a first listing: no sweep");
    }

    @Test
    void aResyncComparesEveryPageWithItsDigestAndSweeps() {
        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());
        int userWrites = store.userWrites();

        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());

        assertEquals(5, store.digestReads(Listing.USERS), "every page compared with its digest");
        assertEquals(0, store.hashReads(Listing.USERS), "an unchanged page vouches for its users");
        assertTrue(store.digestScans(Listing.USERS) > 0, "the end of the listing settles what left it");
        assertEquals(userWrites, store.userWrites(), "an unchanged re-sync writes no user");
    }

    @Test
    void aTenantWithAUserStoredAlreadyHasEveryPageCompared() {
        // Left by an earlier run that ended in error before its page's digest (no checkpoint to resume).
        store.putUsers(TENANT, List.of(AtlassianOrgSync.hashed(FakeOrgApi.user("u003", false))), clock.instant());

        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());

        assertOrgStored();
        assertEquals(5, store.digestReads(Listing.USERS));
        assertEquals(5, store.hashReads(Listing.USERS), "each page's users compared with the stored ones");
        assertTrue(store.digestScans(Listing.USERS) > 0);
    }

    @Test
    void aFirstListingCutShortComparesThePageItResumesAtAndSweepsAtTheEnd() {
        AtomicBoolean nearlyOut = new AtomicBoolean();
        api.onUsersPage = page -> nearlyOut.compareAndSet(false, page == 2);

        assertEquals(SyncOutcome.CONTINUE, sync.run(TENANT, nearlyOut::get).outcome());
        assertEquals(3, state.checkpoint(TENANT, ORG).orElseThrow().page(), "pages 0-2 stored");
        assertEquals(SyncOutcome.COMPLETED, sync.run(TENANT, Budget.unlimited()).outcome());

        assertOrgStored();
        // The page a continuation starts at may have been partly written by the invocation before (a crash): it is
        // compared; the pages after it cannot have been.
        assertEquals(1, store.digestReads(Listing.USERS));
        assertEquals(1, store.hashReads(Listing.USERS));
        assertTrue(store.digestScans(Listing.USERS) > 0, "a listing spread over invocations is swept");
    }

    @Test
    void theCheckpointKeepsWhichUserPagesCanHaveNothingStored() {
        SyncCheckpoint start = SyncCheckpoint.start("run", Instant.EPOCH);
        assertFalse(start.newUsersPage(0), "not known before the run looked");

        SyncCheckpoint first = start.withNewUsersFrom(0).next(Phase.GROUPS, null, 0).next(Phase.USERS, null, 0);
        assertTrue(first.newUsersPage(0));
        SyncCheckpoint atPage3 = first.next(Phase.USERS, "6", 3);
        assertTrue(atPage3.newUsersPage(3), "within one invocation the page at the checkpoint is not written yet");

        SyncCheckpoint resumed = atPage3.nextInvocation();
        assertFalse(resumed.newUsersPage(3), "a continuation's first page may have been written before a crash");
        assertTrue(resumed.newUsersPage(4));
        assertFalse(resumed.newUsersPage(0));

        SyncCheckpoint restarted = atPage3.restartedListing();
        assertEquals(0, restarted.page());
        assertFalse(restarted.newUsersPage(0), "a restarted listing meets the pages it wrote");
        assertFalse(restarted.newUsersPage(3));
        assertTrue(restarted.newUsersPage(4));

        SyncCheckpoint inGroups = start.withNewUsersFrom(0).next(Phase.GROUPS, "g", 1).nextInvocation();
        assertTrue(inGroups.newUsersPage(0), "no user page is written before the users listing");

        assertNull(start.withNewUsersFrom(null).nextInvocation().newUsersFrom());
        assertFalse(start.withNewUsersFrom(null).next(Phase.USERS, null, 0).newUsersPage(5), "unknown: every page compared");
    }
}
