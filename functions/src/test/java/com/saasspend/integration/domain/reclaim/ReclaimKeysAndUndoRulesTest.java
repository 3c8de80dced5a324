package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.reclaim.IdempotencyKeys.Held;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Idempotency-Key's rules (a replay answers the first outcome; a key reused for another reclaim is rejected; a
 * refused request frees its key; a holder that died before its record is taken over) and the undo's refusals (window
 * passed, nothing removed). In-memory ports.
 */
class ReclaimKeysAndUndoRulesTest {
    final ReclaimFakes.MovableClock clock = new ReclaimFakes.MovableClock();
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Keys keys = new ReclaimFakes.Keys();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    ReclaimService service;

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        licenses.groups.put("scim", new OrgGroup("scim", "From Okta", null, "Okta", true, 5,
                List.of(new OrgGroup.Grant(CONFLUENCE, "confluence", List.of("atlassian/user"), false)), "dir-1"));
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, null), new OrgUser.ProductAccess("confluence", CONFLUENCE, null)),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g3", "g3-name"), new OrgUser.GroupRef("scim", "From Okta"))));
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g3", "scim")));
        service = new ReclaimService(new ReclaimFakes.Integrations(), new ReclaimFakes.Vault(), atlassian, licenses, audit, keys,
                new ReclaimFakes.Settings(), new ReclaimFakes.Requests(), new InMemorySavingsStore(), new ReclaimFakes.Published(), clock);
    }

    private ReclaimService.Answer reclaim(String key, String... groups) {
        return service.reclaim(TENANT, "admin", key, new ReclaimRequest(USER, List.of(groups)));
    }

    @Test
    void aReplayAnswersTheFirstOutcomeAndChangesNothingMore() {
        ReclaimService.Answer first = reclaim("k1", "g1");
        assertFalse(first.replayed());
        int calls = atlassian.calls.size();

        ReclaimService.Answer again = reclaim("k1", "g1");

        assertTrue(again.replayed());
        assertEquals(first.record(), again.record());
        assertEquals(calls, atlassian.calls.size(), "no call to Atlassian");
        assertEquals(1, audit.records.size());
    }

    @Test
    void aKeyUsedForAnotherReclaimIsRejectedAndChangesNothing() {
        reclaim("k1", "g1");
        int calls = atlassian.calls.size();

        Refusal reused = assertThrows(Refusal.class, () -> reclaim("k1", "g3"));

        assertEquals(Refusal.Kind.REJECTED, reused.kind());
        assertEquals("idempotency_key_reused", reused.code());
        assertEquals(calls, atlassian.calls.size());
        assertTrue(atlassian.memberships.get(USER).contains("g3"));
    }

    @Test
    void aRefusedRequestFreesItsKeyForTheCorrectedOne() {
        Refusal unknown = assertThrows(Refusal.class, () -> service.reclaim(TENANT, "admin", "k1",
                new ReclaimRequest("nobody", List.of("g1"))));
        assertEquals("user_not_found", unknown.code());
        assertTrue(keys.held.isEmpty(), "the key was released");

        ReclaimService.Answer corrected = reclaim("k1", "g1");
        assertEquals(ReclaimRecord.COMPLETED, corrected.record().status());
        assertFalse(atlassian.memberships.get(USER).contains("g1"));
    }

    @Test
    void aKeyWhoseHolderDiedBeforeItsRecordIsTakenOverOnceStaleUnderTheSameId() {
        String heldId = ReclaimRecord.newId(clock.instant());
        keys.held.put("k1", new Held(com.saasspend.integration.domain.sync.ContentHash.of(
                new ReclaimRequest(USER, List.of("g1")).fingerprintSource()), clock.instant(), heldId, null));

        assertEquals("idempotency_key_in_progress", assertThrows(Refusal.class, () -> reclaim("k1", "g1")).code(),
                "the holder may still be alive");
        clock.now = clock.now.plus(ReclaimService.STALE_AFTER).plusSeconds(1);
        ReclaimService.Answer taken = reclaim("k1", "g1");

        assertEquals(heldId, taken.record().id(), "the id the dead holder reserved");
        assertEquals(ReclaimRecord.COMPLETED, taken.record().status());
        assertEquals(taken.record(), keys.held.get("k1").answer());
    }

    @Test
    void anUndoAfterItsWindowIsRefusedWithWhereToDoIt() {
        String id = reclaim("k1", "g1").record().id();
        clock.now = clock.now.plus(ReclaimRecord.UNDO_WINDOW).plus(Duration.ofMinutes(1));

        Refusal late = assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", id));

        assertEquals(Refusal.Kind.CONFLICT, late.kind());
        assertEquals("undo_window_passed", late.code());
        assertTrue(late.getMessage().contains("30 days") && late.getMessage().contains("admin.atlassian.com"), late.getMessage());
        assertFalse(atlassian.memberships.get(USER).contains("g1"), "nothing restored");
    }

    @Test
    void aReclaimThatRemovedNothingHasNothingToUndo() {
        ReclaimRecord refusedOnly = reclaim("k1", "scim").record();
        assertEquals(List.of(ReclaimRecord.REFUSED), refusedOnly.groups().stream().map(ReclaimRecord.GroupResult::result).toList());

        Refusal nothing = assertThrows(Refusal.class, () -> service.undo(TENANT, "admin", refusedOnly.id()));

        assertEquals("nothing_to_undo", nothing.code());
    }
}
