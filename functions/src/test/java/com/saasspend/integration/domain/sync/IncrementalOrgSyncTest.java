package com.saasspend.integration.domain.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The org sync with an audit-event stream, everything in memory: which runs list the org and which poll the stream,
 * what an incremental run re-reads and writes, and every reason it falls back to a full listing.
 */
class IncrementalOrgSyncTest extends InMemorySyncStores {
    private final FakeOrgApi api = new FakeOrgApi().withUsers(10).withGroups(3);
    private final Map<String, EventStreamState> streamStates = new HashMap<>();
    private final EventStreamStateStore streams = new EventStreamStateStore() {
        @Override
        public Optional<EventStreamState> find(String tenantId, IntegrationType type) {
            return Optional.ofNullable(streamStates.get(tenantId));
        }

        @Override
        public void save(SyncFence heldBy, EventStreamState s) {
            // DynamoEventStreamStateStore's rule: only under the lease.
            if (!state.holds(heldBy)) {
                throw new SyncFencedOut("lease lost");
            }
            streamStates.put(heldBy.tenantId(), s);
        }
    };
    private final CredentialVault vault = SyncTestDoubles.vaultWithKey("key");
    private final TenantSettingsStore settings = SyncTestDoubles.defaultSettings();
    private final AtlassianOrgSync sync = new AtlassianOrgSync(api, store, state, integrations, vault, () -> api.calls,
            clock, SyncStateStore.LEASE, settings, streams, FullListingSchedule.defaults());

    IncrementalOrgSyncTest() {
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, Map.of("orgId", "org-1"),
                "secret", null, clock.instant(), "admin", null, null, false, 0));
        // Members: u000-u004 are in g000.
        for (int i = 0; i < 5; i++) {
            String id = String.format("u%03d", i);
            api.users.put(id, withGroups(api.users.get(id), "g000"));
        }
    }

    private static OrgUser withGroups(OrgUser u, String... groupIds) {
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(),
                u.claimStatus(), u.orgAdmin(), u.addedToOrg(), u.products(),
                java.util.Arrays.stream(groupIds).map(g -> new OrgUser.GroupRef(g, "group " + g)).toList());
    }

    private static OrgUser withoutAccess(OrgUser u) {
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(),
                u.claimStatus(), u.orgAdmin(), u.addedToOrg(), List.of(), u.groups());
    }

    private SyncResult tick() {
        clock.advance(Duration.ofMinutes(15));
        return sync.run(TENANT, Budget.unlimited(), false);
    }

    private boolean wasIncremental(SyncResult result) {
        return result.run() != null && result.run().runId().startsWith("incremental-");
    }

    private long jiraSeats() {
        return store.summary().get(FakeOrgApi.JIRA).assigned();
    }

    /** One incremental run from {@code stream}, straight, under a lease taken for it as the org sync takes it. */
    private IncrementalOrgSync.Result incremental(EventStreamState stream, Budget budget) {
        return incremental(stream, budget, licenses -> licenses);
    }

    /** As {@link #incremental(EventStreamState, Budget)}, writing through {@code wrapped} of the fenced store. */
    private IncrementalOrgSync.Result incremental(EventStreamState stream, Budget budget,
                                                  UnaryOperator<LicenseStore> wrapped) {
        SyncLease held = SyncLease.open(state, integrations, clock, SyncStateStore.LEASE, TENANT, ORG).lease();
        try {
            return new IncrementalOrgSync(api, clock).run(TENANT, "org-1", "key", stream,
                    wrapped.apply(store.fencedBy(held.fence())), held, budget, TenantSettings.DEFAULT_INACTIVITY_DAYS);
        } finally {
            held.release();
        }
    }

    /** The stream state the last full listing left, polled up to {@code cursor}, that listing having cost {@code calls}. */
    private EventStreamState afterListing(String cursor, long calls) {
        EventStreamState listed = streamStates.get(TENANT);
        return new EventStreamState(listed.connectedAt(), cursor, listed.pollFrom(), listed.lastFullAt(), calls, null, null);
    }

    private static OrgGroup group(String id, Integer memberCount) {
        return new OrgGroup(id, "group " + id, null, null, false, memberCount, List.of());
    }

    @Test
    void theFirstSyncListsTheOrgAndLaterTicksReadOnlyWhatTheEventsTouch() {
        SyncResult first = tick();
        assertEquals(SyncOutcome.COMPLETED, first.outcome());
        assertFalse(wasIncremental(first), "connect: a full listing");
        assertEquals(0, api.streamCalls, "a full listing does not read the stream");
        assertEquals(10, jiraSeats());

        api.users.put("u007", withoutAccess(api.users.get("u007")));
        api.event("user_removed_from_group", List.of("u007"), List.of("g001"));
        int callsBefore = api.calls;
        int grantCallsBefore = api.grantCalls;
        SyncResult second = tick();
        assertEquals(SyncOutcome.COMPLETED, second.outcome());
        assertTrue(wasIncremental(second));
        assertEquals(List.of(), store.user(TENANT, "u007").orElseThrow().item().products());
        assertEquals(9, jiraSeats(), "the seat count follows");
        assertEquals(1, api.userReads, "one user read by id");
        // event-actions, one poll, one groups-by-id; g001's grants are kept (only role events change them).
        assertEquals(3, api.calls - callsBefore);
        assertEquals(0, api.grantCalls - grantCallsBefore);
        assertEquals("available", integrations.get(ORG).setting(AtlassianOrgSync.STREAM_SETTING));

        callsBefore = api.calls;
        SyncResult quiet = tick();
        assertTrue(wasIncremental(quiet));
        assertEquals(0, quiet.run().usersWritten());
        assertEquals(1, api.calls - callsBefore, "nothing happened: one poll, from the stored cursor");
    }

    @Test
    void aJoinerIsCreatedAndALeaverRemovedWithTheirSeats() {
        tick();
        api.users.put("u100", FakeOrgApi.user("u100", true));
        api.event("user_added_to_org", List.of("u100"), List.of());
        api.users.remove("u009");
        api.event("user_removed_from_org", List.of("u009"), List.of());
        SyncResult result = tick();
        assertTrue(wasIncremental(result));
        assertTrue(store.userIds().contains("u100"));
        assertTrue(store.removedUsers().contains("u009"));
        assertEquals(10, jiraSeats(), "one seat in, one seat out");
        assertEquals(1, result.run().usersWritten(), "the joiner");
        assertEquals(1, result.run().removed(), "the leaver");
        assertEquals(Set.of("u100", "u009"), store.writtenOutsideListing(TENANT, LicenseStore.Listing.USERS).keySet(),
                "both compared with Atlassian by the next full listing");
    }

    @Test
    void aRoleGrantedToAGroupRereadsEveryMemberAndTheGroup() {
        tick();
        api.grants.put("g000", List.of(new OrgGroup.Grant(FakeOrgApi.JIRA, "jira-software", List.of("atlassian/admin"), false)));
        for (int i = 0; i < 5; i++) {
            String id = String.format("u%03d", i);
            api.users.put(id, withoutAccess(api.users.get(id)));
        }
        api.event("group_role_granted", List.of(), List.of("g000"));
        SyncResult result = tick();
        assertTrue(wasIncremental(result));
        assertEquals(5, result.run().usersWritten(), "the group's five members");
        assertEquals(List.of("atlassian/admin"), store.groups(TENANT, List.of("g000")).get("g000").grants().get(0).roles());
        assertEquals(0, api.userReads, "members come from the group's user listing, not one by one");
        assertEquals(5, jiraSeats());
    }

    @Test
    void aUserChangedByATickAndChangedBackUnseenIsRepairedByTheNextFullListing() {
        tick();
        OrgUser asListed = api.users.get("u007");
        api.users.put("u007", withoutAccess(asListed));
        api.event("user_removed_from_group", List.of("u007"), List.of("g001"));
        assertTrue(wasIncremental(tick()));
        assertEquals(9, jiraSeats());
        // Back as the last full listing saw it, and the event of that change lost: the page's digest matches
        // Atlassian again while the stored user does not.
        api.users.put("u007", asListed);
        clock.advance(Duration.ofMinutes(15));
        SyncResult full = sync.run(TENANT, Budget.unlimited(), true);
        assertEquals(SyncOutcome.COMPLETED, full.outcome());
        assertEquals(asListed.products(), store.user(TENANT, "u007").orElseThrow().item().products(),
                "the full listing is the source of truth");
        assertEquals(1, full.run().usersWritten());
        assertEquals(10, jiraSeats());
        assertEquals(Map.of(), store.writtenOutsideListing(TENANT, LicenseStore.Listing.USERS), "settled by the listing");

        SyncResult again = sync.run(TENANT, Budget.unlimited(), true);
        assertEquals(0, again.run().usersWritten(), "an unchanged re-sync still writes nothing");
        assertEquals(0, again.run().groupsWritten());
    }

    @Test
    void aUserRemovedByATickWhoCameBackUnseenIsRestoredByTheNextFullListing() {
        tick();
        OrgUser leaver = api.users.remove("u009");
        api.event("user_removed_from_org", List.of("u009"), List.of());
        assertTrue(wasIncremental(tick()));
        assertTrue(store.removedUsers().contains("u009"));
        api.users.put("u009", leaver);
        SyncResult full = sync.run(TENANT, Budget.unlimited(), true);
        assertEquals(SyncOutcome.COMPLETED, full.outcome());
        assertTrue(store.userIds().contains("u009"), "back in the org, back in the store");
        assertEquals(10, jiraSeats());
    }

    @Test
    void aGroupChangedByATickAndChangedBackUnseenIsRepairedByTheNextFullListing() {
        tick();
        OrgGroup asListed = api.groups.get("g001");
        api.groups.put("g001", new OrgGroup(asListed.id(), "renamed", asListed.description(), asListed.managedBy(),
                asListed.externallyManaged(), asListed.memberCount(), asListed.grants(), asListed.directoryId()));
        api.event("group_renamed", List.of(), List.of("g001"));
        assertTrue(wasIncremental(tick()));
        assertEquals("renamed", store.groups(TENANT, List.of("g001")).get("g001").name());
        api.groups.put("g001", asListed);
        sync.run(TENANT, Budget.unlimited(), true);
        assertEquals(asListed.name(), store.groups(TENANT, List.of("g001")).get("g001").name());
    }

    @Test
    void aLateRunWhoseLeaseWasTakenOverCannotMoveTheStreamPositionBack() {
        tick();
        api.users.put("u007", withoutAccess(api.users.get("u007")));
        api.event("user_suspended", List.of("u007"), List.of());
        EventStreamState[] savedByTheTakeOver = new EventStreamState[1];
        api.onUsersById = () -> {
            api.onUsersById = () -> {};
            // The run stalls past its lease; the next invocation takes over and applies this event and a later one.
            clock.advance(SyncStateStore.LEASE.plusMinutes(1));
            api.users.put("u008", withoutAccess(api.users.get("u008")));
            api.event("user_suspended", List.of("u008"), List.of());
            SyncResult takeOver = sync.run(TENANT, Budget.unlimited(), false);
            assertTrue(wasIncremental(takeOver));
            savedByTheTakeOver[0] = streamStates.get(TENANT);
        };
        SyncResult late = tick();
        assertEquals(SyncOutcome.FENCED, late.outcome(), "its position is refused, its run not recorded as completed");
        assertEquals("2", savedByTheTakeOver[0].cursor());
        assertEquals(savedByTheTakeOver[0], streamStates.get(TENANT), "the position stays past both events");
        assertEquals(8, jiraSeats(), "the event both runs applied freed its seat once");
        assertEquals(1, state.runs.stream().filter(r -> r.runId().startsWith("incremental-")).count());
    }

    @Test
    void aLateRunWhoseLeaseWasTakenOverWritesNoUser() {
        tick();
        OrgUser withAccess = api.users.get("u007");
        api.users.put("u007", withoutAccess(withAccess));
        api.event("user_suspended", List.of("u007"), List.of());
        api.onUsersById = () -> {
            api.onUsersById = () -> {};
            // The run stalls past its lease before its read of u007 is answered; the next invocation takes over and
            // applies the suspension; then u007 is restored, which the late run's read sees.
            clock.advance(SyncStateStore.LEASE.plusMinutes(1));
            assertTrue(wasIncremental(sync.run(TENANT, Budget.unlimited(), false)));
            api.users.put("u007", withAccess);
            api.event("user_restored", List.of("u007"), List.of());
        };

        SyncResult late = tick();

        assertEquals(SyncOutcome.FENCED, late.outcome(), "its user write is refused, its run not recorded as completed");
        assertEquals(List.of(), store.user(TENANT, "u007").orElseThrow().item().products(),
                "u007 as the run holding the lease wrote it: the late run wrote nothing");
        assertEquals(9, jiraSeats(), "and counted no seat back");
        // The lease holder's next tick applies the restoration itself.
        assertTrue(wasIncremental(tick()));
        assertEquals(withAccess.products(), store.user(TENANT, "u007").orElseThrow().item().products());
        assertEquals(10, jiraSeats());
    }

    @Test
    void aDuplicatedEventIsAppliedOnce() {
        tick();
        api.users.put("u008", withoutAccess(api.users.get("u008")));
        api.event("user_suspended", List.of("u008"), List.of());
        api.events.add(api.events.get(api.events.size() - 1));
        SyncResult result = tick();
        assertTrue(wasIncremental(result));
        assertEquals(1, result.run().usersWritten());
        assertEquals(9, jiraSeats());
    }

    @Test
    void anExpiredCursorListsTheOrgInTheSameRun() {
        tick();
        tick();
        api.cursorsExpired = true;
        api.users.put("u001", withoutAccess(api.users.get("u001")));
        SyncResult result = tick();
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertFalse(wasIncremental(result), "a full listing, no event needed: the change was not in the stream");
        assertEquals(List.of(), store.user(TENANT, "u001").orElseThrow().item().products());
        api.cursorsExpired = false;
        assertTrue(wasIncremental(tick()), "the listing restarted the stream from its own start");
    }

    @Test
    void anUnknownActionNamingAUserListsTheOrgButOneNamingNoneIsIgnored() {
        tick();
        api.event("policy_updated", List.of(), List.of());
        assertTrue(wasIncremental(tick()), "names nobody: cannot change access");
        api.event("user_moved_to_another_universe", List.of("u002"), List.of());
        assertFalse(wasIncremental(tick()));
    }

    @Test
    void aDeletedGroupWithMembersListsTheOrg() {
        tick();
        api.groups.remove("g000");
        api.event("group_deleted", List.of(), List.of("g000"));
        for (int i = 0; i < 5; i++) {
            String id = String.format("u%03d", i);
            api.users.put(id, withGroups(api.users.get(id)));
        }
        SyncResult result = tick();
        assertFalse(wasIncremental(result));
        assertTrue(store.groups(TENANT, List.of("g000")).isEmpty(), "marked removed by the listing");
        assertEquals(List.of(), store.user(TENANT, "u000").orElseThrow().item().groups());
    }

    @Test
    void moreTouchedUsersThanAListingCostsListsTheOrg() {
        tick();
        for (int i = 0; i < 200; i++) {
            api.event("user_suspended", List.of("x" + i), List.of());
        }
        SyncResult result = tick();
        assertFalse(wasIncremental(result), "200 users 10 a call cost more than listing this small org");
        assertEquals(0, api.userReads);
    }

    @Test
    void moreEventPagesThanTheCapListTheOrg() {
        tick();
        api.eventPageSize = 1;
        for (int i = 0; i < IncrementalOrgSync.MAX_EVENT_PAGES + 1; i++) {
            api.event("policy_updated", List.of(), List.of());
        }
        assertFalse(wasIncremental(tick()));
    }

    @Test
    void anOrgWithoutAStreamSaysSoAndListsEveryTickUntilADayLater() {
        api.streamStatus = 403;
        tick();
        SyncResult second = tick();
        assertEquals(SyncOutcome.COMPLETED, second.outcome());
        assertFalse(wasIncremental(second));
        String shown = integrations.get(ORG).setting(AtlassianOrgSync.STREAM_SETTING);
        assertNotNull(shown);
        assertTrue(shown.contains("every sync lists the whole organization"), shown);
        int streamCalls = api.streamCalls;
        assertFalse(wasIncremental(tick()));
        assertEquals(streamCalls, api.streamCalls, "not asked again within the day");

        api.streamStatus = 0;
        clock.advance(Duration.ofDays(1));
        tick(); // the daily full listing
        assertTrue(wasIncremental(tick()), "tried again after a day, and available now");
        assertEquals("available", integrations.get(ORG).setting(AtlassianOrgSync.STREAM_SETTING));
    }

    @Test
    void anEventActionsListLackingARequiredActionMeansNoStream() {
        tick();
        api.eventActions.remove("user_removed_from_group");
        assertFalse(wasIncremental(tick()));
        assertTrue(integrations.get(ORG).setting(AtlassianOrgSync.STREAM_SETTING).contains("user_removed_from_group"));
    }

    @Test
    void aFullSyncAskedForListsTheOrgEvenWhenTheStreamCouldServe() {
        tick();
        clock.advance(Duration.ofMinutes(15));
        SyncResult result = sync.run(TENANT, Budget.unlimited(), true);
        assertEquals(SyncOutcome.COMPLETED, result.outcome());
        assertFalse(wasIncremental(result));
    }

    @Test
    void theDailyFullListingComesOnceADayAtTheTenantsSlot() {
        tick();
        Instant slot = FullListingSchedule.defaults().slot(TENANT, java.time.LocalDate.parse("2026-11-29"));
        int full = 0;
        int incremental = 0;
        while (clock.instant().isBefore(Instant.parse("2026-11-29T12:00:00Z"))) {
            SyncResult r = tick();
            if (wasIncremental(r)) {
                incremental++;
            } else {
                full++;
                assertFalse(clock.instant().isBefore(slot), "not before the slot");
                assertTrue(clock.instant().isBefore(slot.plus(Duration.ofMinutes(15))), "at the first tick after it");
            }
        }
        assertEquals(1, full);
        assertEquals(94, incremental, "every other tick of the day (95 ticks from 12:30 to 12:00)");
    }

    @Test
    void aRunStateOfAnEarlierConnectionIsNotUsed() {
        tick();
        tick();
        EventStreamState earlier = streamStates.get(TENANT);
        assertNotNull(earlier.cursor());
        Integration current = integrations.get(ORG);
        integrations.records.put(ORG, new Integration(TENANT, ORG, IntegrationStatus.CONNECTED, current.settings(),
                "secret", null, clock.instant(), "admin", null, null, false, current.version()));
        assertFalse(wasIncremental(tick()), "a new connection starts with a listing");
        assertNull(streamStates.get(TENANT).cursor());
    }

    @Test
    void anEmptyGroupDeletedIsRemovedByTheTickWithoutListingTheOrg() {
        api.groups.put("g900", new OrgGroup("g900", "empty", null, null, false, 0, List.of()));
        tick();
        assertEquals(1, store.groups(TENANT, List.of("g900")).size());
        api.groups.remove("g900");
        api.event("group_deleted", List.of(), List.of("g900"));
        SyncResult result = tick();
        assertTrue(wasIncremental(result), "no member can lose access: the tick applies it");
        assertTrue(store.groups(TENANT, List.of("g900")).isEmpty(), "marked removed by the tick");
        assertEquals(1, result.run().removed());
        assertTrue(store.writtenOutsideListing(TENANT, LicenseStore.Listing.GROUPS).containsKey("g900"),
                "compared with Atlassian by the next full listing");
    }

    @Test
    void exactlyTheCapOfEventPagesIsStillReadByTheTick() {
        tick();
        api.eventPageSize = 1;
        for (int i = 0; i < IncrementalOrgSync.MAX_EVENT_PAGES; i++) {
            api.event("policy_updated", List.of(), List.of());
        }
        assertTrue(wasIncremental(tick()), IncrementalOrgSync.MAX_EVENT_PAGES + " pages of events: within the cap");
    }

    @Test
    void theReReadIsCostedByWhatTheEventsTouchAndRefusedWhenDearerThanTheLastListing() {
        api.groups.put("g100", group("g100", 200));
        api.groups.put("g101", group("g101", 0));
        tick();
        api.event("user_suspended", IntStream.range(0, 10).mapToObj(i -> "x" + i).toList(), List.of());
        api.event("group_role_granted", List.of(), List.of("g100", "g101", "g000", "g999"));
        int grantCallsBefore = api.grantCalls;

        IncrementalOrgSync.Result refused = incremental(afterListing(null, 1), Budget.unlimited());

        assertEquals(IncrementalOrgSync.Kind.UNTRUSTED, refused.kind());
        // 10 users: 1 call; 4 groups by id: 1 call, their grants 1 more; members 100 a page: g100's 200 in 2,
        // the empty g101 still 1, g000 of unknown size and g999 not stored counted as 100: 1 each.
        assertEquals("re-reading what changed (8 calls) costs more than listing the org (1)", refused.reason());
        assertEquals(0, api.userReads, "nothing re-read");
        assertEquals(grantCallsBefore, api.grantCalls);
    }

    @Test
    void aReReadCostingWhatTheLastListingCostOrAfterAListingOfUnknownCostIsApplied() {
        api.groups.put("g100", group("g100", 200));
        api.groups.put("g101", group("g101", 0));
        tick();
        api.event("user_suspended", IntStream.range(0, 10).mapToObj(i -> "x" + i).toList(), List.of());
        api.event("group_role_granted", List.of(), List.of("g100", "g101", "g000", "g999"));

        assertEquals(IncrementalOrgSync.Kind.APPLIED, incremental(afterListing(null, 8), Budget.unlimited()).kind(),
                "8 calls against a listing of 8: not dearer");
        assertEquals(IncrementalOrgSync.Kind.APPLIED, incremental(afterListing(null, 0), Budget.unlimited()).kind(),
                "no listing cost known: nothing to compare with");
    }

    @Test
    void aRoleEventOnAGroupDeletedSinceIsAppliedWithoutItsMembers() {
        tick();
        api.event("group_role_granted", List.of(), List.of("g002"));
        api.groups.remove("g002");
        SyncResult result = tick();
        assertTrue(wasIncremental(result), "its member listing's 404 is skipped: the deletion is an event of a later poll");
        assertTrue(store.groups(TENANT, List.of("g002")).isEmpty(), "no longer returned by Atlassian: marked removed");
    }

    @Test
    void aStreamThatStopsAnsweringSaysWhyAndWhenForTheDailyRetry() {
        tick();
        api.streamStatus = 404;
        clock.advance(Duration.ofMinutes(15));

        IncrementalOrgSync.Result result = incremental(afterListing("0", 0), Budget.unlimited());

        assertEquals(IncrementalOrgSync.Kind.UNAVAILABLE, result.kind());
        assertTrue(result.reason().startsWith("Atlassian does not serve this organization's audit-event stream (HTTP 404"),
                result.reason());
        assertEquals(result.reason(), result.state().streamUnavailable());
        assertEquals(clock.instant(), result.state().checkedAt());
        assertNull(result.state().cursor());
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 404})
    void anEventActionsListRefusedOrMissingMeansNoStreamAndSaysSo(int status) {
        tick();
        api.streamStatus = status;
        IncrementalOrgSync.Result result = incremental(afterListing(null, 0), Budget.unlimited());
        assertEquals(IncrementalOrgSync.Kind.UNAVAILABLE, result.kind());
        assertTrue(result.reason().contains("(HTTP " + status), result.reason());
        assertEquals(result.reason(), result.state().streamUnavailable());
        assertEquals(List.of(), api.pollsFrom, "the stream itself not polled");
    }

    @Test
    void aUserThatKeepsChangingWhileWrittenIsTriedThreeTimesThenLeftForTheNextSync() {
        tick();
        api.users.put("u007", withoutAccess(api.users.get("u007")));
        api.event("user_suspended", List.of("u007"), List.of());
        int[] replaces = {0};
        // Every replacement finds the stored user changed by another writer since it was read.
        IncrementalOrgSync.Result result = incremental(afterListing("0", 0), Budget.unlimited(), licenses ->
                (LicenseStore) Proxy.newProxyInstance(LicenseStore.class.getClassLoader(),
                        new Class<?>[] {LicenseStore.class}, (proxy, method, args) -> {
                            if (method.getName().equals("replaceUser")) {
                                replaces[0]++;
                                return false;
                            }
                            try {
                                return method.invoke(licenses, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }));

        assertEquals(IncrementalOrgSync.Kind.APPLIED, result.kind(), "the next sync settles it");
        assertEquals(3, replaces[0]);
        assertEquals(0, result.usersWritten());
        assertEquals(10, jiraSeats(), "no seat moved for a write that did not happen");
    }

    @Test
    void theFirstPollAfterAListingAsksFromTheListingsStartLessTheMargin() {
        tick();
        EventStreamState listed = afterListing(null, 0);
        clock.advance(Duration.ofMinutes(7));
        incremental(listed, Budget.unlimited());
        assertEquals(List.of(listed.lastFullAt().minus(IncrementalOrgSync.POLL_MARGIN).toEpochMilli()), api.pollsFrom);
    }

    @Test
    void aPollWithNoListingStartAsksFromNowLessTheMargin() {
        tick();
        EventStreamState listed = afterListing(null, 0);
        EventStreamState noStart = new EventStreamState(listed.connectedAt(), null, null, null, 0, null, null);
        clock.advance(Duration.ofMinutes(7));
        assertEquals(IncrementalOrgSync.Kind.APPLIED, incremental(noStart, Budget.unlimited()).kind());
        assertEquals(List.of(clock.instant().minus(IncrementalOrgSync.POLL_MARGIN).toEpochMilli()), api.pollsFrom);
    }

    @Test
    void aPollNearTheEndOfTheInvocationStopsAtThePageItReadAndKeepsTheCursor() {
        tick();
        api.eventPageSize = 1;
        api.event("policy_updated", List.of(), List.of());
        api.event("policy_updated", List.of(), List.of());
        EventStreamState from = afterListing(null, 0);

        IncrementalOrgSync.Result result = incremental(from, () -> true);

        assertEquals(IncrementalOrgSync.Kind.OUT_OF_TIME, result.kind());
        assertEquals(1, api.pollsFrom.size(), "the page it started (the caller checked the time before), no next one");
        assertEquals(from, result.state(), "the next run polls the same events again");
    }

    @Test
    void outOfTimeBeforeAGroupIsWrittenWritesNoGroup() {
        tick();
        api.groups.put("g001", new OrgGroup("g001", "renamed", null, null, false, null, List.of()));
        api.event("group_renamed", List.of(), List.of("g001"));
        EventStreamState from = afterListing("0", 0);

        IncrementalOrgSync.Result result = incremental(from, () -> !api.pollsFrom.isEmpty());

        assertEquals(IncrementalOrgSync.Kind.OUT_OF_TIME, result.kind());
        assertEquals("group g001", store.groups(TENANT, List.of("g001")).get("g001").name());
        assertEquals(from, result.state());
    }

    @Test
    void outOfTimeAfterTheGroupsKeepsThemAndReadsNoMember() {
        tick();
        api.grants.put("g000", List.of(new OrgGroup.Grant(FakeOrgApi.JIRA, "jira-software", List.of("atlassian/admin"), false)));
        api.users.put("u000", withoutAccess(api.users.get("u000")));
        api.event("group_role_granted", List.of(), List.of("g000"));
        int callsBefore = api.calls;
        int grantCallsBefore = api.grantCalls;

        // Nearly out once the group's grants have been read.
        IncrementalOrgSync.Result result = incremental(afterListing("0", 0), () -> api.grantCalls > grantCallsBefore);

        assertEquals(IncrementalOrgSync.Kind.OUT_OF_TIME, result.kind());
        assertEquals(List.of("atlassian/admin"), store.groups(TENANT, List.of("g000")).get("g000").grants().get(0).roles(),
                "what was written stays written");
        assertEquals(3, api.calls - callsBefore, "poll, groups by id, grants: no member listing");
        assertEquals(10, jiraSeats(), "u000 not re-read: its seat still counted");
    }

    @Test
    void outOfTimeBeforeReadingUsersReadsNone() {
        tick();
        api.users.put("u007", withoutAccess(api.users.get("u007")));
        api.event("user_suspended", List.of("u007"), List.of());

        IncrementalOrgSync.Result result = incremental(afterListing("0", 0), () -> !api.pollsFrom.isEmpty());

        assertEquals(IncrementalOrgSync.Kind.OUT_OF_TIME, result.kind());
        assertEquals(0, api.userReads);
        assertEquals(10, jiraSeats());
    }

    @Test
    void aReReadRunningPastTheRenewalTimeRenewsTheLease() {
        tick();
        List<String> touched = IntStream.range(0, 10).mapToObj(i -> String.format("u%03d", i)).toList();
        api.event("user_suspended", touched, List.of());
        api.event("user_suspended", List.of("x0"), List.of());
        api.onUsersById = () -> clock.advance(SyncStateStore.RENEW_EVERY);
        int renewalsBefore = state.renewals;

        assertEquals(IncrementalOrgSync.Kind.APPLIED, incremental(afterListing("0", 0), Budget.unlimited()).kind());

        assertEquals(renewalsBefore + 1, state.renewals, "renewed before the second batch of users, a renewal period in");
    }

    @Test
    void aGroupTouchedButUnchangedIsNotWrittenAndAChangedOneIsCounted() {
        tick();
        api.event("group_renamed", List.of(), List.of("g001"));
        SyncResult unchanged = tick();
        assertTrue(wasIncremental(unchanged));
        assertEquals(1, unchanged.run().groups(), "read");
        assertEquals(0, unchanged.run().groupsWritten(), "the same as stored: not written");
        assertEquals(Map.of(), store.writtenOutsideListing(TENANT, LicenseStore.Listing.GROUPS));

        api.groups.put("g002", new OrgGroup("g002", "renamed", null, null, false, null, List.of()));
        api.event("group_renamed", List.of(), List.of("g002"));
        SyncResult renamed = tick();
        assertEquals(1, renamed.run().groupsWritten());
        assertEquals(Set.of("g002"), store.writtenOutsideListing(TENANT, LicenseStore.Listing.GROUPS).keySet());
    }

    @Test
    void aJoinerWhoLastUsedTheirSeatLongAgoCountsAsAnInactiveSeat() {
        tick();
        long inactiveBefore = store.summary().get(FakeOrgApi.JIRA).inactive();
        String longAgo = clock.instant().minus(Duration.ofDays(TenantSettings.DEFAULT_INACTIVITY_DAYS + 1)).toString();
        api.users.put("u100", new OrgUser("u100", "User u100", "u100@acme.com", "atlassian", "active", "active", "managed",
                false, null, List.of(new OrgUser.ProductAccess("jira-software", FakeOrgApi.JIRA, longAgo)), List.of()));
        api.event("user_added_to_org", List.of("u100"), List.of());
        assertTrue(wasIncremental(tick()));
        assertEquals(inactiveBefore + 1, store.summary().get(FakeOrgApi.JIRA).inactive());
    }
}
