package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JSM;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.UpstreamFailure.Kind;
import com.saasspend.integration.testing.ProcessKilled;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.FreedSeat;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.GroupResult;
import com.saasspend.integration.domain.sync.Budget;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reclaim and undo state machines against in-memory ports: runs killed between two lines and finished by each
 * finisher, undo retries, Atlassian's error codes, 404s confirmed, seats counted only for real removals.
 */
class ReclaimServiceTest {
    final ReclaimFakes.MovableClock clock = new ReclaimFakes.MovableClock();
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Keys keys = new ReclaimFakes.Keys();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    final ReclaimFakes.Requests resyncs = new ReclaimFakes.Requests();
    final ReclaimFakes.Published published = new ReclaimFakes.Published();
    ReclaimService service;
    OrgUser original;

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g2", ReclaimFakes.group("g2", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        // Synced before directory ids were kept: membership calls fall back to "-".
        licenses.groups.put("g4", ReclaimFakes.group("g4", JSM, "jira-servicedesk", null));
        original = new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z"), new OrgUser.ProductAccess("confluence", CONFLUENCE, null),
                        new OrgUser.ProductAccess("jira-servicedesk", JSM, null)),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g2", "g2-name"), new OrgUser.GroupRef("g3", "g3-name"),
                        new OrgUser.GroupRef("g4", "g4-name")));
        licenses.users.put(USER, original);
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g2", "g3", "g4")));
        service = new ReclaimService(integrations, new ReclaimFakes.Vault(), atlassian, licenses, audit, keys,
                new ReclaimFakes.Settings(), resyncs, new com.saasspend.integration.domain.savings.InMemorySavingsStore(), published, clock);
    }

    private ReclaimRecord reclaim(String key, String... groups) {
        return service.reclaim(TENANT, "admin", key, new ReclaimRequest(USER, List.of(groups))).record();
    }

    /** Reclaims all four groups with the process killed right after the second removal took effect at Atlassian. */
    private String killedAfterTwoOfFour(String key) {
        atlassian.killAfterChanges = 2;
        assertThrows(ProcessKilled.class, () -> reclaim(key, "g1", "g2", "g3", "g4"));
        ReclaimRecord stuck = audit.records.values().iterator().next();
        assertEquals(ReclaimRecord.IN_PROGRESS, stuck.status());
        assertEquals(List.of("removed", "removing", "pending", "pending"), results(stuck.groups()));
        assertEquals(Set.of("g3", "g4"), atlassian.memberships.get(USER), "two memberships are gone at Atlassian");
        return stuck.id();
    }

    private static List<String> results(List<GroupResult> groups) {
        return groups.stream().map(GroupResult::result).toList();
    }

    private void assertFinishedCompletely(ReclaimRecord done) {
        assertEquals(ReclaimRecord.COMPLETED, done.status());
        assertEquals(List.of("removed", "removed", "removed", "removed"), results(done.groups()));
        assertEquals(Set.of(), atlassian.memberships.get(USER));
        assertEquals(1, atlassian.count("remove dir-1/g2"), "the removal the killed run sent is not sent again");
        assertEquals(Set.of(JIRA, CONFLUENCE, JSM), done.seatsFreed().stream().map(FreedSeat::resourceId).collect(Collectors.toSet()));
        assertEquals(0, new BigDecimal("35").compareTo(done.monthlyCostFreed()));
        assertEquals(List.of(), licenses.users.get(USER).groups(), "the stored user follows");
        assertEquals(List.of(), audit.open(TENANT, 10), "nothing left open");
    }

    private void assertUndoneCompletely(String id) {
        ReclaimRecord undone = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.COMPLETED, undone.undo().status());
        assertEquals(List.of("restored", "restored", "restored", "restored"), results(undone.undo().groups()));
        assertEquals(3, undone.undo().seatsRestored());
        assertEquals(Set.of("g1", "g2", "g3", "g4"), atlassian.memberships.get(USER), "every membership any run removed is back");
        assertEquals(3, licenses.users.get(USER).products().size());
    }

    /**
     * Atlassian refused the org API key: syncing is paused until it is rotated, so the stored users and groups are no
     * longer kept in step and every removal would be refused. Plans and reclaims say so instead of deciding on them.
     */
    @Test
    void aPausedAtlassianIntegrationRefusesPlansAndReclaimsUntilItsKeyIsRotated() {
        String id = reclaim("k1", "g1").id();
        Integration atlassianIntegration = integrations.byType.get(IntegrationType.ATLASSIAN);
        integrations.byType.put(IntegrationType.ATLASSIAN, new Integration(TENANT, IntegrationType.ATLASSIAN, IntegrationStatus.ERROR,
                atlassianIntegration.settings(), atlassianIntegration.secretName(), null, atlassianIntegration.connectedAt(), "admin",
                null, "Atlassian rejected the org API key; rotate it.", true, atlassianIntegration.version() + 1));
        int callsBefore = atlassian.calls.size();

        for (org.junit.jupiter.api.function.Executable refused : List.<org.junit.jupiter.api.function.Executable>of(
                () -> service.plan(TENANT, new ReclaimRequest(USER, List.of("g2"))),
                () -> reclaim("k2", "g2"),
                () -> service.planningContext(TENANT),
                () -> service.undo(TENANT, "admin", id))) {
            Refusal refusal = assertThrows(Refusal.class, refused);
            assertEquals("atlassian_paused", refusal.code());
            assertEquals(Refusal.Kind.CONFLICT, refusal.kind());
        }
        assertEquals(callsBefore, atlassian.calls.size(), "no call made with the refused key");
        assertEquals(Set.of("g2", "g3", "g4"), atlassian.memberships.get(USER));
    }

    @Test
    void aReclaimKilledAfterTwoOfFourRemovalsIsFinishedByARetryWithTheSameKeyThenUndoneCompletely() {
        String id = killedAfterTwoOfFour("k1");
        Refusal running = assertThrows(Refusal.class, () -> reclaim("k1", "g1", "g2", "g3", "g4"));
        assertEquals("idempotency_key_in_progress", running.code(), "a retry while the run could still be alive waits");

        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimService.Answer retried = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1", "g2", "g3", "g4")));
        assertEquals(id, retried.record().id(), "the same reclaim is finished, no second one started");
        assertEquals(1, audit.records.size());
        assertFinishedCompletely(retried.record());
        assertEquals(List.of("removed", "removed", "removed", "removed"), results(keys.held.get("k1").answer().groups()),
                "the key now answers the finished reclaim");
        assertUndoneCompletely(id);
    }

    @Test
    void aSingleReclaimPublishesReclaimCompletedOnceSettledAgainWhenKilledBeforeItSettledAndNeverOnAReplay() {
        ReclaimRecord done = reclaim("k1", "g1");
        assertEquals(List.of(done.id() + "/-/completed"), published.events, "published once settled, with no job id");

        assertTrue(service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1"))).replayed());
        assertEquals(1, published.events.size(), "a replayed request does not publish again");

        // Killed while publishing, just before the record settled: the retry finishes it and publishes (at least once).
        published.killNext = true;
        assertThrows(ProcessKilled.class, () -> reclaim("k2", "g2"));
        ReclaimRecord stuck = audit.records.values().stream().filter(r -> !r.id().equals(done.id())).findFirst().orElseThrow();
        assertEquals(ReclaimRecord.IN_PROGRESS, stuck.status(), "the record had not settled");
        assertEquals(List.of("removing"), results(stuck.groups()), "its outcome is written by the settle it did not reach");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimService.Answer retried = service.reclaim(TENANT, "admin", "k2", new ReclaimRequest(USER, List.of("g2")));
        assertEquals(stuck.id(), retried.record().id());
        assertEquals(ReclaimRecord.COMPLETED, retried.record().status());
        assertEquals(List.of(done.id() + "/-/completed", stuck.id() + "/-/completed"), published.events);
        assertEquals(1, atlassian.count("remove dir-1/g2"), "the retry removed nothing again");

        assertTrue(service.reclaim(TENANT, "admin", "k2", new ReclaimRequest(USER, List.of("g2"))).replayed());
        service.find(TENANT, stuck.id());
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(2, published.events.size(), "a settled reclaim is not published again by a replay, a read or the sweep");
    }

    @Test
    void aSingleReclaimKilledMidwayAndFinishedByTheSweepPublishesReclaimCompletedOnce() {
        String id = killedAfterTwoOfFour("k1");
        assertEquals(List.of(), published.events, "nothing published while the reclaim is unsettled");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(List.of(id + "/-/completed"), published.events, "the sweep that settled it published it, with no job id");

        assertEquals(ReclaimRecord.COMPLETED, service.find(TENANT, id).status());
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()));
        ReclaimService.Answer retried = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1", "g2", "g3", "g4")));
        assertEquals(id, retried.record().id(), "the key's retry finds the settled reclaim");
        assertEquals(List.of(id + "/-/completed"), published.events, "neither a read, the next sweep nor the key's retry publishes again");
    }

    @Test
    void aSingleReclaimKilledMidwayAndFinishedByAReadPublishesReclaimCompletedOnce() {
        String id = killedAfterTwoOfFour("k1");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(ReclaimRecord.COMPLETED, service.find(TENANT, id).status());
        assertEquals(List.of(id + "/-/completed"), published.events, "the read that settled it published it");
        service.find(TENANT, id);
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(1, published.events.size(), "a second read and the sweep find it settled and publish nothing");
    }

    @Test
    void aFinisherKilledWhilePublishingLeavesTheReclaimOpenAndTheNextFinisherPublishesIt() {
        String id = killedAfterTwoOfFour("k1");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        published.killNext = true;
        assertThrows(ProcessKilled.class, () -> service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(List.of(id), audit.open(TENANT, 10), "killed before the record settled: still open");
        assertEquals(ReclaimRecord.IN_PROGRESS, audit.records.get(id).status());
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(List.of(id + "/-/completed"), published.events, "published by the next sweep: at least once");
        assertFinishedCompletely(audit.records.get(id));
    }

    @Test
    void aReclaimWritesItsFirstIntentWithTheRecordAndItsLastOutcomeWithTheSettle() {
        licenses.singleUserReads = 0;
        ReclaimRecord one = reclaim("k1", "g1");
        assertEquals(ReclaimRecord.COMPLETED, one.status());
        assertEquals(0, audit.puts, "one group: the record's start and its settle, nothing between");
        assertEquals(1, licenses.singleUserReads, "the stored user read to plan is the one the settle's conditional write replaces");
        assertEquals(List.of("g2", "g3", "g4"), licenses.users.get(USER).groups().stream().map(OrgUser.GroupRef::id).toList());

        ReclaimRecord two = reclaim("k2", "g2", "g3");
        assertEquals(List.of("removed", "removed"), results(two.groups()));
        assertEquals(2, audit.puts, "two groups: the first outcome and the second intent between start and settle");
        assertEquals(1, atlassian.count("remove dir-1/g2"));
        assertEquals(1, atlassian.count("remove dir-1/g3"));
    }

    @Test
    void aStoredUserWriteThatLosesTheRaceIsRecomputedOnTheOtherWritersVersion() {
        // Between this reclaim's read of the stored user and its write, another reclaim takes the user out of g3.
        licenses.beforeNextReplace = () -> {
            atlassian.memberships.get(USER).remove("g3");
            licenses.users.put(USER, new OrgUser(original.accountId(), original.name(), original.email(), original.accountType(),
                    original.accountStatus(), original.membershipStatus(), original.claimStatus(), original.orgAdmin(),
                    original.addedToOrg(), original.products().stream().filter(p -> !p.resourceId().equals(CONFLUENCE)).toList(),
                    original.groups().stream().filter(g -> !g.id().equals("g3")).toList()));
        };
        ReclaimRecord done = reclaim("race", "g1", "g2");

        assertEquals(ReclaimRecord.COMPLETED, done.status());
        assertEquals(2, licenses.replaceAttempts, "the first write lost the race and was recomputed: the race happened");
        assertEquals(List.of("g4"), licenses.users.get(USER).groups().stream().map(OrgUser.GroupRef::id).toList(),
                "both writers' removals are in the stored user");
        assertEquals(Set.of(JSM), licenses.users.get(USER).products().stream().map(OrgUser.ProductAccess::resourceId)
                .collect(Collectors.toSet()));
    }

    @Test
    void aReclaimKilledMidwayIsFinishedByTheNextReadOfItOnceNoRunHoldsIt() {
        String id = killedAfterTwoOfFour("k1");
        assertEquals(ReclaimRecord.IN_PROGRESS, service.find(TENANT, id).status(), "the killed run's lease is still live");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertFinishedCompletely(service.find(TENANT, id));
        assertUndoneCompletely(id);
    }

    @Test
    void aReclaimKilledMidwayIsFinishedByTheSweepAndAnUndoMeanwhileWaits() {
        String id = killedAfterTwoOfFour("k1");
        assertEquals("reclaim_in_progress", assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", id)).code());
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()), "a live lease is left alone");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, service.sweep(TENANT, 10, Budget.unlimited()));
        assertFinishedCompletely(audit.records.get(id));
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()), "nothing left for the next tick");
    }

    @Test
    void aSweepThatCannotReadAtlassianLeavesTheReclaimOpenForTheNextTick() {
        String id = killedAfterTwoOfFour("k1");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        atlassian.usersUnreadable = true;
        assertEquals(0, service.sweep(TENANT, 10, Budget.unlimited()));
        assertEquals(List.of(id), audit.open(TENANT, 10));
        atlassian.usersUnreadable = false;
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(1, service.sweep(TENANT, 10, Budget.unlimited()));
        assertFinishedCompletely(audit.records.get(id));
    }

    @Test
    void anUndoKilledMidwayIsFinishedFromAtlassiansTruthByTheNextRead() {
        String id = reclaim("k1", "g1", "g2", "g3", "g4").id();
        atlassian.killAfterChanges = 2;
        assertThrows(ProcessKilled.class, () -> service.undo(TENANT, "admin", id));
        assertEquals(ReclaimRecord.IN_PROGRESS, audit.records.get(id).undo().status());
        assertEquals("undo_in_progress", assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", id)).code());
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimRecord done = service.find(TENANT, id);
        assertEquals(ReclaimRecord.COMPLETED, done.undo().status());
        assertEquals(Set.of("g1", "g2", "g3", "g4"), atlassian.memberships.get(USER));
        assertEquals(1, atlassian.count("add dir-1/g2"), "the add the killed run sent is not sent again");
        assertEquals(3, done.undo().seatsRestored());
    }

    @Test
    void anUndoKilledMidwayIsFinishedByTheNextUndoWhichAnswersItsOutcome() {
        String id = reclaim("k1", "g3", "g4").id();
        atlassian.killAfterChanges = 1;
        assertThrows(ProcessKilled.class, () -> service.undo(TENANT, "admin", id));
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimRecord done = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.COMPLETED, done.undo().status());
        assertEquals(List.of("restored", "restored"), results(done.undo().groups()));
        assertEquals(Set.of("g1", "g2", "g3", "g4"), atlassian.memberships.get(USER));
        assertEquals("reclaim_already_undone", assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", id)).code());
    }

    @Test
    void anUndoThatGets503IsPartialAndARetryRestoresTheRest() {
        String id = reclaim("k1", "g3", "g4").id();
        UpstreamFailure unavailable = new UpstreamFailure(Kind.UNAVAILABLE, 503, "Atlassian answered add a group membership with HTTP 503.", null);
        atlassian.failAdd("g3", unavailable);
        ReclaimRecord first = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.FAILED, first.undo().status(), "nothing came back");
        assertEquals(List.of("failed", "not_attempted"), results(first.undo().groups()));
        assertEquals(0, first.undo().seatsRestored());

        atlassian.failAdd("g4", unavailable);
        ReclaimRecord second = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.PARTIAL, second.undo().status());
        assertEquals(List.of("restored", "failed"), results(second.undo().groups()));
        assertEquals(1, second.undo().seatsRestored());

        ReclaimRecord third = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.COMPLETED, third.undo().status());
        assertEquals(List.of("restored", "restored"), results(third.undo().groups()));
        assertEquals(2, third.undo().seatsRestored());
        assertEquals(2, atlassian.count("add dir-1/g3"), "g3: the 503 and the add that restored it, none once back");
        assertEquals("reclaim_already_undone", assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", id)).code());
    }

    @Test
    void anUndoRefusedForTheLicenseLimitIsSeatLimitReachedNotRestoredAndCanBeRetried() {
        String id = reclaim("k1", "g3").id();
        atlassian.failAdd("g3", new UpstreamFailure(Kind.CONFLICT, 409, "Atlassian answered add a group membership with HTTP 409.",
                null, "ADMIN-409-3"));
        ReclaimRecord refused = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.FAILED, refused.undo().status());
        GroupResult group = refused.undo().groups().get(0);
        assertEquals("seat_limit_reached", group.result());
        assertTrue(group.reason().contains("user limit") && group.reason().contains("undo again"), group.reason());
        assertEquals(0, refused.undo().seatsRestored(), "the user is not counted restored");
        assertFalse(licenses.users.get(USER).products().stream().anyMatch(p -> p.resourceId().equals(CONFLUENCE)));

        ReclaimRecord retried = service.undo(TENANT, "admin", id);
        assertEquals(ReclaimRecord.COMPLETED, retried.undo().status());
        assertEquals(1, retried.undo().seatsRestored());
    }

    @Test
    void anUndo409WithoutTheLicenseCodeIsAlreadyMemberOnlyWhenAtlassianListsTheUserInTheGroup() {
        String id = reclaim("k1", "g3", "g4").id();
        atlassian.memberships.get(USER).add("g3");
        atlassian.failAdd("g4", new UpstreamFailure(Kind.CONFLICT, 409, "Atlassian answered with HTTP 409.", null, null));
        ReclaimRecord undone = service.undo(TENANT, "admin", id);
        assertEquals(List.of("already_member", "failed"), results(undone.undo().groups()),
                "g3: the truth says member; g4: a 409 while not a member is not a success");
        assertEquals(ReclaimRecord.PARTIAL, undone.undo().status());
        // A fresh undo does not read the user's groups first (one call per group is the floor): the add of a group the
        // user is already in answers 409, and only then is Atlassian's list read to confirm it.
        assertEquals(1, atlassian.count("add dir-1/g3"));
        assertEquals(2, atlassian.count("read "), "one read per 409, none before the adds");
    }

    @Test
    void aRemoval404WhileTheUserIsStillAMemberIsFailedAndFreesNothing() {
        atlassian.lyingNotFound.add("g3");
        ReclaimRecord record = reclaim("k1", "g3");
        assertEquals(List.of("failed"), results(record.groups()));
        assertTrue(record.groups().get(0).reason().contains("still lists"), record.groups().get(0).reason());
        assertEquals(ReclaimRecord.FAILED, record.status());
        assertEquals(List.of(), record.seatsFreed());
        assertNull(record.monthlyCostFreed());
        assertEquals(original, licenses.users.get(USER), "the stored user keeps the group");
        assertTrue(licenses.summary.isEmpty(), "no seat counted freed");
    }

    @Test
    void fiveReclaimsOfOneMembershipWithDifferentKeysFreeTheSeatOnce() {
        BigDecimal cost = BigDecimal.ZERO;
        int seats = 0;
        List<String> outcomes = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            // Each planned from the same stored user, as five requests that arrive together do.
            licenses.users.put(USER, original);
            ReclaimRecord record = reclaim("key-" + i, "g3");
            outcomes.add(record.groups().get(0).result());
            seats += record.seatsFreed().size();
            cost = cost.add(record.monthlyCostFreed() == null ? BigDecimal.ZERO : record.monthlyCostFreed());
            if (i > 1) {
                assertEquals(ReclaimRecord.COMPLETED, record.status(), "already not a member is a final answer, not a failure");
            }
        }
        assertEquals(List.of("removed", "not_a_member", "not_a_member", "not_a_member", "not_a_member"), outcomes);
        assertEquals(1, seats);
        assertEquals(0, new BigDecimal("5").compareTo(cost));
        assertEquals(4, atlassian.count("read"), "each 404 confirmed against the user's groups");
    }

    @Test
    void aReclaimOutOfTimeRecordsTheGroupsNotAttemptedAndEndsPartial() {
        atlassian.failRemove("g2", new UpstreamFailure(Kind.OUT_OF_TIME, 0, "No time left to remove a group membership.", null));
        ReclaimRecord record = reclaim("k1", "g1", "g2", "g3");
        assertEquals(List.of("removed", "not_attempted", "not_attempted"), results(record.groups()));
        assertTrue(record.groups().get(2).reason().contains("ran out of time"), record.groups().get(2).reason());
        assertEquals(ReclaimRecord.PARTIAL, record.status());
        assertEquals(List.of(), record.seatsFreed(), "Jira still comes from g2");
        assertEquals(Set.of("g2", "g3", "g4"), atlassian.memberships.get(USER));
        assertEquals(List.of(), audit.open(TENANT, 10), "settled, nothing in progress");
    }

    @Test
    void theSweepStopsTakingReclaimsWhenItsBudgetIsOut() {
        killedAfterTwoOfFour("k1");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        assertEquals(0, service.sweep(TENANT, 10, () -> true));
        assertEquals(1, audit.open(TENANT, 10).size());
    }

    @Test
    void membershipCallsGoToTheGroupsDirectoryAndOnlyGroupsWithoutOneUseTheDash() {
        String id = reclaim("k1", "g3", "g4").id();
        service.undo(TENANT, "admin", id);
        assertEquals(List.of("remove dir-1/g3", "remove -/g4", "add dir-1/g3", "add -/g4"), atlassian.calls,
                "a fresh undo: one add per group, no read of the user's groups first");
    }

    @Test
    void aReclaimInterruptedAfterTheIntegrationWasDisconnectedSettlesSayingWhatIsUnknown() {
        String id = killedAfterTwoOfFour("k1");
        integrations.byType.remove(com.saasspend.integration.domain.IntegrationType.ATLASSIAN);
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimRecord settled = service.find(TENANT, id);
        assertEquals(List.of("removed", "failed", "not_attempted", "not_attempted"), results(settled.groups()));
        assertEquals(ReclaimRecord.PARTIAL, settled.status());
        assertTrue(settled.groups().get(1).reason().contains("admin.atlassian.com"));
    }

    @Test
    void aReclaimInterruptedAfterTheIntegrationWasMarkedDisconnectedAsksNothingOfAtlassian() {
        String id = killedAfterTwoOfFour("k1");
        com.saasspend.integration.domain.Integration atlassianIntegration = integrations.byType.get(com.saasspend.integration.domain.IntegrationType.ATLASSIAN);
        integrations.byType.put(com.saasspend.integration.domain.IntegrationType.ATLASSIAN, new com.saasspend.integration.domain.Integration(
                TENANT, atlassianIntegration.type(), com.saasspend.integration.domain.IntegrationStatus.DISCONNECTED, atlassianIntegration.settings(),
                atlassianIntegration.secretName(), null, java.time.Instant.EPOCH, "admin", null, null, false, 2));
        int calls = atlassian.calls.size();
        clock.now = clock.now.plus(Duration.ofMinutes(3));

        ReclaimRecord settled = service.find(TENANT, id);

        assertEquals(List.of("removed", "failed", "not_attempted", "not_attempted"), results(settled.groups()));
        assertEquals(calls, atlassian.calls.size(), "a disconnected record's key is not used");
    }

    @Test
    void anUndo409WhoseMembershipCannotBeReadIsFailedNotBelievedAMember() {
        String id = reclaim("k1", "g3").id();
        atlassian.failAdd("g3", new UpstreamFailure(Kind.CONFLICT, 409, "Atlassian answered with HTTP 409.", null, null));
        atlassian.usersUnreadable = true;

        ReclaimRecord undone = service.undo(TENANT, "admin", id);

        assertEquals(ReclaimRecord.FAILED, undone.undo().status());
        assertEquals(List.of("failed"), results(undone.undo().groups()));
        assertEquals(ReclaimTexts.CONFLICT_NOT_MEMBER, undone.undo().groups().get(0).reason());
        assertEquals(0, undone.undo().seatsRestored());
    }

    @Test
    void anUndoOfAReclaimWithoutABaselineAddsInTheStoredGroupsDirectoryOrTheDefault() {
        String id = reclaim("k1", "g1", "g3").id();
        audit.baselines.remove(id); // a record from before baselines were kept
        licenses.groups.remove("g1"); // and a group no longer stored

        ReclaimRecord undone = service.undo(TENANT, "admin", id);

        assertEquals(ReclaimRecord.COMPLETED, undone.undo().status());
        assertEquals(1, atlassian.count("add -/g1"), atlassian.calls.toString());
        assertEquals(1, atlassian.count("add dir-1/g3"), atlassian.calls.toString());
        assertEquals(1, undone.undo().seatsRestored(), "Confluence, granted by the stored g3");
    }

    @Test
    void theSeatsAnUndoRestoresAreThoseItsGroupsGrantedWhenReclaimedNotAsStoredSince() {
        String id = reclaim("k1", "g3").id();
        licenses.groups.put("g3", new com.saasspend.integration.domain.OrgGroup("g3", "g3-name", null, "admins", false, 3, List.of(),
                "dir-1"));

        assertEquals(1, service.undo(TENANT, "admin", id).undo().seatsRestored(), "g3 granted Confluence when it was reclaimed");
    }

    @Test
    void aBaselineWithoutTheGroupsLeavesTheSeatsToTheStoredGroups() {
        String id = reclaim("k1", "g3").id();
        ReclaimBaseline kept = audit.baselines.get(id);
        audit.baselines.put(id, new ReclaimBaseline(kept.products(), kept.groups(), java.util.Map.of(), kept.outcomes()));

        assertEquals(1, service.undo(TENANT, "admin", id).undo().seatsRestored(), "Confluence, granted by the stored g3");
    }

    @Test
    void aPartialUndoPutsOnlyTheGroupsBackIntoTheStoredUserAndAsksForItsResync() {
        String id = reclaim("k1", "g1", "g3").id();
        atlassian.failAdd("g3", new UpstreamFailure(Kind.UNAVAILABLE, 503, "Atlassian answered with HTTP 503.", null));
        int resyncsBefore = resyncs.sent.size();

        ReclaimRecord undone = service.undo(TENANT, "admin", id);

        assertEquals(ReclaimRecord.PARTIAL, undone.undo().status());
        assertEquals(List.of("g1", "g2", "g4"), licenses.users.get(USER).groups().stream().map(OrgUser.GroupRef::id).sorted().toList(),
                "g1 back; g3 not, as at Atlassian");
        assertEquals(List.of(List.of(USER)), resyncs.sent.subList(resyncsBefore, resyncs.sent.size()).stream()
                .filter(r -> r.reason().equals("reclaim-undo")).map(com.saasspend.integration.domain.SyncRequest::accountIds).toList(),
                "the user re-synced once after the undo");
    }

    @Test
    void aRetriedUndoKilledWhileReadingAtlassianShowsInProgressAndIsFinishedByTheNextRead() {
        String id = reclaim("k1", "g3").id();
        atlassian.failAdd("g3", new UpstreamFailure(Kind.UNAVAILABLE, 503, "Atlassian answered with HTTP 503.", null));
        assertEquals(ReclaimRecord.FAILED, service.undo(TENANT, "admin", id).undo().status());
        atlassian.beforeRead = () -> {
            atlassian.beforeRead = () -> { };
            throw new ProcessKilled();
        };

        assertThrows(ProcessKilled.class, () -> service.undo(TENANT, "admin", id));

        assertEquals(ReclaimRecord.IN_PROGRESS, audit.records.get(id).undo().status(), "the retry is on record before it reads");
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        ReclaimRecord done = service.find(TENANT, id);
        assertEquals(ReclaimRecord.COMPLETED, done.undo().status());
        assertEquals(1, done.undo().seatsRestored());
    }

    @Test
    void anUndoKilledAfterItsAddsHasEachGroupsOutcomeOnRecord() {
        String id = reclaim("k1", "g3", "g4").id();
        atlassian.failAdd("g4", new UpstreamFailure(Kind.UNAVAILABLE, 503, "Atlassian answered with HTTP 503.", null));
        licenses.beforeNextReplace = () -> { throw new ProcessKilled(); }; // while the stored user follows

        assertThrows(ProcessKilled.class, () -> service.undo(TENANT, "admin", id));

        assertEquals(List.of("restored", "failed"), results(audit.records.get(id).undo().groups()),
                "written after each add, not left restoring");
    }

    @Test
    void aResumedUndoRecordsTheAddFoundDoneBeforeGoingOn() {
        String id = reclaim("k1", "g3").id();
        atlassian.killAfterChanges = 1;
        assertThrows(ProcessKilled.class, () -> service.undo(TENANT, "admin", id));
        assertEquals(List.of("restoring"), results(audit.records.get(id).undo().groups()));
        clock.now = clock.now.plus(Duration.ofMinutes(3));
        licenses.beforeNextReplace = () -> { throw new ProcessKilled(); };

        assertThrows(ProcessKilled.class, () -> service.find(TENANT, id));

        assertEquals(List.of("restored"), results(audit.records.get(id).undo().groups()), "Atlassian lists the user in g3 again");
        assertEquals(1, atlassian.count("add dir-1/g3"), "not sent again");
    }
}
