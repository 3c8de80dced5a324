package com.saasspend.integration.domain.policies;

import static com.saasspend.integration.domain.policies.PolicyFakes.CONFLUENCE;
import static com.saasspend.integration.domain.policies.PolicyFakes.JIRA;
import static com.saasspend.integration.domain.policies.PolicyFakes.TENANT;
import static com.saasspend.integration.domain.policies.PolicyFakes.group;
import static com.saasspend.integration.domain.policies.PolicyFakes.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.LicenseReader;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edges of a policy's evaluation and decisions that the scenario tests of {@link PolicyServiceTest} do not reach:
 * how far a listing is read (the cap, the rows examined, batched user reads), what a preview answers, why a re-checked
 * candidate is cancelled, how a reclaim's own outcome ends the action, and the races around deciding and deleting.
 */
class PolicyServiceLimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    /** Listing reads left before the License page's listings read as being rebuilt (a sync started meanwhile). */
    private int readyListings = Integer.MAX_VALUE;
    private final InMemoryLicenseReader reader = new InMemoryLicenseReader() {
        @Override public Optional<Summary> summary(String tenantId) {
            return readyListings-- > 0 ? super.summary(tenantId) : Optional.of(new Summary(Map.of(), 30, clock.instant(), false));
        }
    };
    private final PolicyFakes.Reclaims reclaims = new PolicyFakes.Reclaims(reader);
    private final PolicyFakes.Events events = new PolicyFakes.Events();
    private final PolicyFakes.Settings settings = new PolicyFakes.Settings();
    private final InMemoryPolicyStore store = new InMemoryPolicyStore();
    private final PolicyService service = serviceOver(store);

    private PolicyService serviceOver(PolicyStore policyStore) {
        return new PolicyService(policyStore, new LicenseService(reader, settings, new InMemoryIntegrations(), clock), reclaims, events,
                settings, clock);
    }

    private String daysAgo(int days) {
        return clock.instant().minus(Duration.ofDays(days)).toString();
    }

    @BeforeEach
    void org() {
        reader.groups.put("g-jira", group("g-jira", JIRA, "jira-software"));
        reader.groups.put("g-jira2", group("g-jira2", JIRA, "jira-software"));
        reader.groups.put("g-conf", group("g-conf", CONFLUENCE, "confluence"));
        reader.add(user("u-idle1", false, daysAgo(400), daysAgo(120), "g-jira"));
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(100), "g-jira", "g-conf"));
        reader.add(user("u-active", false, daysAgo(400), daysAgo(2), "g-jira"));
        reader.add(user("u-never", false, daysAgo(400), null, "g-jira"));
    }

    private Policy policy(String mode, int cap) {
        return service.create(TENANT, new PolicyDraft("Idle Jira", List.of("jira-software"), Policy.INACTIVE, 90, null, null, mode, 0,
                cap, null));
    }

    private Policy update(Policy p, String mode, int cap, List<String> excludeAccounts) {
        return service.update(TENANT, p.id(), new PolicyDraft(p.name(), p.products(), p.condition().type(), p.condition().days(), null,
                excludeAccounts, mode, 0, cap, null));
    }

    private PolicyAction actionOf(String accountId) {
        return store.all(TENANT).stream().filter(a -> a.accountId().equals(accountId)).findFirst().orElseThrow();
    }

    /** {@code n} users inactive on Jira for 200 days and more, named so they sort after the fixture's. */
    private void idleUsers(int n, boolean orgAdmins) {
        for (int i = 0; i < n; i++) {
            reader.add(user(String.format("u-many%05d", i), orgAdmins, daysAgo(400), daysAgo(200 + i % 50), "g-jira"));
        }
    }

    private static OrgUser withProducts(OrgUser u, OrgUser.ProductAccess... products) {
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(), u.claimStatus(),
                u.orgAdmin(), u.addedToOrg(), List.of(products), u.groups());
    }

    private static OrgUser withGroups(OrgUser u, String... groupIds) {
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(), u.claimStatus(),
                u.orgAdmin(), u.addedToOrg(), u.products(), java.util.Arrays.stream(groupIds).map(g -> new OrgUser.GroupRef(g, g)).toList());
    }

    // ---------------------------------------------------------------- policies and previews

    @Test
    void theTenantsPoliciesAreListedOldestFirst() {
        Policy first = policy(Policy.REPORT, 5);
        clock.advance(Duration.ofSeconds(1));
        Policy second = policy(Policy.APPROVE, 5);
        assertEquals(List.of(first.id(), second.id()), service.list(TENANT).stream().map(Policy::id).toList());
    }

    @Test
    void aPreviewHoldsTheCapAndSaysWhetherThePolicyOrTheTenantIsPaused() {
        Policy capped = policy(Policy.APPROVE, 1);
        PolicyService.Evaluation one = service.preview(TENANT, capped.id());
        assertEquals(List.of("u-idle1"), one.candidates().stream().map(PolicyService.Candidate::accountId).toList(),
                "the least recently active first, and no more than the cap");
        assertTrue(one.capped());
        assertEquals("evaluated", one.outcome());

        Policy open = policy(Policy.APPROVE, 50);
        PolicyService.Evaluation all = service.preview(TENANT, open.id());
        assertEquals(2, all.candidates().size());
        assertEquals(2, all.examined(), "the two users inactive for 90 days are the listing's rows");
        assertFalse(all.capped(), "the listing was read to its end under the cap");

        Policy paused = service.create(TENANT, new PolicyDraft("p", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 50, true));
        assertEquals("paused", service.preview(TENANT, paused.id()).outcome());
        settings.settings = new TenantSettings(30, Map.of(), true);
        assertEquals("policies_paused", service.preview(TENANT, open.id()).outcome());
        assertEquals(2, service.preview(TENANT, open.id()).candidates().size(), "a preview still says what it would do");
    }

    @Test
    void reportModeHoldsTheCapToo() {
        policy(Policy.REPORT, 1);
        PolicyService.Evaluation report = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(1, report.candidates().size());
        assertTrue(report.capped());
        assertTrue(store.all(TENANT).isEmpty());
    }

    @Test
    void withoutTimeLeftNoPolicyIsEvaluated() {
        policy(Policy.APPROVE, 50);
        assertEquals(List.of(), service.evaluateAll(TENANT, () -> true));
        assertTrue(store.all(TENANT).isEmpty());
        assertTrue(reader.slices.isEmpty());
    }

    // ---------------------------------------------------------------- how far the listing is read

    @Test
    void storedUsersAreReadAHundredAtATimeAndEachListedUserOnce() {
        idleUsers(150, false);
        Policy p = policy(Policy.APPROVE, 500);
        PolicyService.Evaluation preview = service.preview(TENANT, p.id());
        assertEquals(152, preview.candidates().size());
        assertEquals(152, preview.candidates().stream().map(PolicyService.Candidate::accountId).distinct().count());
        assertEquals(152, preview.examined());
        assertEquals(2, reclaims.userReads, "one batch read per " + LicenseStore.USERS_PER_READ + " listed users");
    }

    @Test
    void eachGroupIsReadOnceAnEvaluationWhateverTheBatches() {
        idleUsers(250, false);
        Policy p = policy(Policy.APPROVE, 500);
        PolicyService.Evaluation evaluated = service.evaluateAll(TENANT, () -> false).get(0);
        assertEquals(252, evaluated.candidates().size());
        assertEquals(3, reclaims.userReads, "three batches of listed users");
        List<String> groupsRead = reclaims.groupReads.stream().flatMap(List::stream).toList();
        assertEquals(List.of("g-jira", "g-conf"), groupsRead, "the batches share g-jira: read by the first only");
        reclaims.groupReads.clear();
        service.preview(TENANT, p.id());
        assertEquals(List.of("g-jira", "g-conf"), reclaims.groupReads.stream().flatMap(List::stream).toList(),
                "a new evaluation reads them again (a sync may have changed them)");
    }

    @Test
    void oncePastTheCapTheListingIsReadNoFurther() {
        idleUsers(250, false);
        Policy p = policy(Policy.APPROVE, 1);
        PolicyService.Evaluation preview = service.preview(TENANT, p.id());
        assertEquals(1, preview.candidates().size());
        assertEquals(LicenseStore.USERS_PER_READ, preview.examined(), "the batch that reached the cap is the last one read");
        assertEquals(1, reclaims.userReads);
        assertTrue(preview.capped());
    }

    @Test
    void aPolicyExaminesAtMostFiveThousandRowsAndNamesAHundredOfTheSkipped() {
        reader.users.clear();
        idleUsers(PolicyService.MAX_EXAMINED + 1, true);
        Policy p = policy(Policy.APPROVE, 50);
        PolicyService.Evaluation preview = service.preview(TENANT, p.id());
        assertEquals(List.of(), preview.candidates());
        assertEquals(PolicyService.MAX_EXAMINED, preview.examined());
        assertEquals(PolicyService.MAX_EXAMINED, preview.skippedCount(), "every org admin examined is counted");
        assertEquals(PolicyService.MAX_SKIPPED_SHOWN, preview.skipped().size());
        assertTrue(preview.capped(), "rows past the ones examined may hold candidates");
    }

    @Test
    void theCapReachedOnOneProductLeavesTheNextProductUnread() {
        Policy p = service.create(TENANT, new PolicyDraft("two", List.of("jira-software", "confluence"), Policy.INACTIVE, 90, null, null,
                Policy.APPROVE, 0, 1, null));
        PolicyService.Evaluation preview = service.preview(TENANT, p.id());
        assertEquals(1, preview.candidates().size());
        assertTrue(preview.capped());
        assertTrue(reader.slices.stream().noneMatch(s -> "confluence".equals(s.product())), "no listing of confluence was read");
    }

    @Test
    void actionsCreatedBeforeTheListingsWentIntoRebuildingAreStillAnnounced() {
        service.create(TENANT, new PolicyDraft("two", List.of("jira-software", "confluence"), Policy.INACTIVE, 90, null, null,
                Policy.APPROVE, 0, 50, null));
        readyListings = 1; // the Jira listing is read; by Confluence's turn a sync is rebuilding the listings

        PolicyService.Evaluation evaluation = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals("listing_being_prepared", evaluation.outcome());
        assertEquals(2, evaluation.actionsCreated());
        assertEquals(1, events.pending.size());
        assertEquals(List.of("u-idle1", "u-idle2"), events.pending.get(0).stream().map(PolicyAction::accountId).sorted().toList());
        store.all(TENANT).forEach(a -> assertNotNull(a.noticedAt(), a.accountId()));
    }

    @Test
    void anActionCreatedConcurrentlyIsNotCountedAgainstTheCap() {
        Policy p = policy(Policy.APPROVE, 1);
        service.evaluateAll(TENANT, Budget.unlimited()); // u-idle1's action
        // A concurrent evaluation of the same sync: the batch read misses u-idle1's action, the conditional create finds it.
        PolicyStore blind = new PolicyStore() {
            @Override public List<Policy> policies(String t) { return store.policies(t); }
            @Override public Optional<Policy> policy(String t, String id) { return store.policy(t, id); }
            @Override public boolean putPolicy(String t, Policy policy, Long v) { return store.putPolicy(t, policy, v); }
            @Override public void recordEvaluation(String t, String id, Policy.LastEvaluation e) { store.recordEvaluation(t, id, e); }
            @Override public void deletePolicy(String t, String id) { store.deletePolicy(t, id); }
            @Override public boolean claimEvaluation(String t, String id, EvaluationClaim c, java.time.Instant stale) {
                return store.claimEvaluation(t, id, c, stale);
            }
            @Override public void releaseEvaluation(String t, String id, String c) { store.releaseEvaluation(t, id, c); }
            @Override public boolean createAction(String t, PolicyAction a) { return store.createAction(t, a); }
            @Override public Optional<PolicyAction> action(String t, String id) { return store.action(t, id); }
            @Override public Map<String, PolicyAction> actions(String t, Collection<String> ids) { return Map.of(); }
            @Override public boolean updateAction(String t, PolicyAction a, String s) { return store.updateAction(t, a, s); }
            @Override public Page<PolicyAction> actions(String t, String s, String id, String after, int limit) {
                return store.actions(t, s, id, after, limit);
            }
            @Override public boolean indexStoredActions(String t) { return store.indexStoredActions(t); }
            @Override public Optional<List<PolicyAction>> dueActions(String t, String id, java.time.Instant now, int limit) {
                return store.dueActions(t, id, now, limit);
            }
            @Override public java.util.Set<String> updateActions(String t, List<PolicyAction> a, String s) { return store.updateActions(t, a, s); }
            @Override public Optional<BulkApproval> bulkApproval(String t, String k, java.time.Instant now) { return store.bulkApproval(t, k, now); }
            @Override public boolean createBulkApproval(String t, BulkApproval b, java.time.Instant now) { return store.createBulkApproval(t, b, now); }
        };

        PolicyService.Evaluation second = serviceOver(blind).evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, second.actionsCreated(), "u-idle2's action: the one found existing took no place under the cap");
        assertEquals(List.of("u-idle1", "u-idle2"), store.all(TENANT).stream().map(PolicyAction::accountId).sorted().toList());
        assertEquals(1, store.failedCreates);
        assertEquals(p.id(), actionOf("u-idle2").policyId());
    }

    // ---------------------------------------------------------------- who is a candidate

    @Test
    void neverUsedSaysWhyAUserAddedRecentlyOrAtAnUnknownDateIsLeftAlone() {
        reader.add(user("u-new", false, daysAgo(5), null, "g-jira"));
        reader.add(user("u-undated", false, null, null, "g-jira"));
        Policy p = service.create(TENANT, new PolicyDraft("unused", List.of("jira-software"), Policy.NEVER_USED, 30, null, null,
                Policy.APPROVE, null, null, null));
        Map<String, String> reasons = new java.util.HashMap<>();
        service.preview(TENANT, p.id()).skipped().forEach(s -> reasons.put(s.accountId(), s.reason()));
        assertEquals("Added to the organization less than 30 days ago.", reasons.get("u-new"));
        assertTrue(reasons.get("u-undated").contains("does not say when the user was added"), reasons.get("u-undated"));
    }

    @Test
    void aUsersLastUseIsTheLatestOfThatProductAloneAcrossItsSites() {
        OrgUser u = withProducts(user("u", false, null, null),
                new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z"),
                new OrgUser.ProductAccess("confluence", CONFLUENCE, "2026-11-01T00:00:00Z"),
                new OrgUser.ProductAccess("jira-software", "ari:cloud:jira-software::site/s2", "2026-03-01T00:00:00Z"),
                new OrgUser.ProductAccess("JIRA-SOFTWARE", "ari:cloud:jira-software::site/s3", null));
        assertEquals("2026-03-01T00:00:00Z", PolicyService.lastActive(u, "jira-software"));
        assertEquals("2026-11-01T00:00:00Z", PolicyService.lastActive(u, "confluence"));
        assertNull(PolicyService.lastActive(u, "jira-servicedesk"));
    }

    @Test
    void addedToOrgIsReadAsATimestampOrADayAndOtherwiseUnknown() {
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), PolicyService.parseInstant("2026-01-02T05:04:05+02:00"));
        assertEquals(Instant.parse("2026-01-02T00:00:00Z"), PolicyService.parseInstant("2026-01-02"));
        assertNull(PolicyService.parseInstant("last spring"));
        assertNull(PolicyService.parseInstant(" "));
        assertNull(PolicyService.parseInstant(null));
    }

    // ---------------------------------------------------------------- re-checked before the reclaim

    @Test
    void approvingAUserWhoLeftTheOrgCancelsWithTheReason() {
        policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");
        reader.users.remove("u-idle1");

        PolicyAction cancelled = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.CANCELLED, cancelled.status());
        assertEquals(PolicyService.USER_GONE, cancelled.reasonCode());
        assertEquals("The user is no longer in the organization.", cancelled.reason());
        assertEquals(cancelled, store.action(TENANT, action.id()).orElseThrow());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void approvingANeverUsedSeatTheUserNoLongerHoldsCancels() {
        service.create(TENANT, new PolicyDraft("unused", List.of("jira-software"), Policy.NEVER_USED, 30, null, null, Policy.APPROVE,
                null, null, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-never");
        // Jira taken away elsewhere; the user still holds Confluence.
        reader.add(withProducts(reader.users.get("u-never"), new OrgUser.ProductAccess("confluence", CONFLUENCE, null)));

        PolicyAction cancelled = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.CANCELLED, cancelled.status());
        assertEquals(PolicyService.NO_LONGER_CANDIDATE, cancelled.reasonCode());
        assertEquals("The user no longer holds jira-software.", cancelled.reason());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void anApprovedReclaimRemovesTheGroupsPlannedNowNotThoseRecorded() {
        policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");
        assertEquals(List.of("g-jira"), action.groupIds());
        reader.add(withGroups(reader.users.get("u-idle1"), "g-jira", "g-jira2")); // a second group granting Jira since

        PolicyAction done = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.DONE, done.status());
        assertEquals(1, reclaims.reclaimCalls.size());
        assertTrue(reclaims.reclaimCalls.get(0).endsWith("u-idle1 [g-jira, g-jira2]"), reclaims.reclaimCalls.get(0));
        assertEquals(List.of("g-jira", "g-jira2"), done.groupIds());
        assertEquals(List.of(new OrgUser.GroupRef("g-jira", "g-jira-name"), new OrgUser.GroupRef("g-jira2", "g-jira2-name")),
                done.groups(), "named as planned at approval");
    }

    @Test
    void anAccountExcludedSinceTheActionWasRecordedIsCancelledWithThePlannersReason() {
        Policy p = policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");
        update(p, Policy.APPROVE, 50, List.of("u-idle1"));

        PolicyAction cancelled = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.CANCELLED, cancelled.status());
        assertEquals("excluded_account", cancelled.reasonCode());
        assertNotNull(cancelled.reason());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void anActionDecidedByAnotherCallerMeanwhileIsAnsweredAsItIsNow() {
        policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");
        boolean[] raced = {false};
        store.beforeUpdate = () -> {
            if (!raced[0]) {
                raced[0] = true;
                store.actionsOf(TENANT).put(action.id(), action.decided(PolicyAction.REJECTED, "other@x", clock.instant()));
            }
        };

        PolicyAction answered = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.REJECTED, answered.status());
        assertEquals("other@x", answered.decidedBy());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void aReclaimThatRemovedNothingFailsTheActionAndAPartialOneIsDone() {
        policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        reclaims.reclaimStatus = "failed";
        PolicyAction failed = service.approve(TENANT, "admin@x", actionOf("u-idle1").id());
        assertEquals(PolicyAction.FAILED, failed.status());
        assertEquals("reclaim_failed", failed.reasonCode());
        assertEquals("The reclaim ended failed; see the reclaim for each group's result.", failed.reason());
        assertEquals("rcl-0", failed.reclaimId());

        reclaims.reclaimStatus = "partial";
        PolicyAction partial = service.approve(TENANT, "admin@x", actionOf("u-idle2").id());
        assertEquals(PolicyAction.DONE, partial.status());
        assertNull(partial.reasonCode());
        assertNull(partial.reason());
    }

    @Test
    void approvingAnActionWhosePolicyDeletionWasInterruptedIsRefused() {
        Policy p = policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        store.deletePolicy(TENANT, p.id()); // the process died before the deletion cancelled the actions

        Refusal r = assertThrows(Refusal.class, () -> service.approve(TENANT, "admin@x", actionOf("u-idle1").id()));

        assertEquals(Refusal.Kind.CONFLICT, r.kind());
        assertEquals(PolicyService.POLICY_DELETED, r.code());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void deletingAPolicyCancelsEveryOpenActionEvenWhenOneWasDecidedMeanwhile() {
        Policy p = policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        String first = store.actionsOf(TENANT).firstKey();
        boolean[] raced = {false};
        store.beforeUpdate = () -> {
            if (!raced[0]) {
                raced[0] = true; // an admin rejects the first action while the deletion walks them
                store.actionsOf(TENANT).computeIfPresent(first, (id, a) -> a.decided(PolicyAction.REJECTED, "other@x", clock.instant()));
            }
        };

        service.delete(TENANT, p.id(), "admin@x");

        assertEquals(PolicyAction.REJECTED, store.action(TENANT, first).orElseThrow().status());
        store.all(TENANT).stream().filter(a -> !a.id().equals(first)).forEach(a -> {
            assertEquals(PolicyAction.CANCELLED, a.status(), a.accountId());
            assertEquals(PolicyService.POLICY_DELETED, a.reasonCode());
        });
    }

    // ---------------------------------------------------------------- due reclaims (auto mode)

    @Test
    void dueReclaimsPerRunStopAtTheCapWhenMoreAreDue() {
        Policy p = policy(Policy.APPROVE, 50);
        service.evaluateAll(TENANT, Budget.unlimited()); // two pending actions, no due date
        update(p, Policy.AUTO, 1, null);
        service.evaluateAll(TENANT, Budget.unlimited()); // the users' notices: both due now (no grace)
        assertEquals(2, events.notices.size());

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, run.reclaimed());
        assertEquals(1, reclaims.reclaimCalls.size());
        assertEquals(List.of(1, 1), List.of(store.actions(TENANT, PolicyAction.DONE, null, null, 10).items().size(),
                store.actions(TENANT, PolicyAction.PENDING, null, null, 10).items().size()));
    }

    @Test
    void aDueReclaimTheGuardrailsRefuseIsCountedFailedAndOneAtlassianCannotRunNowStaysApproved() {
        policy(Policy.AUTO, 50);
        service.evaluateAll(TENANT, Budget.unlimited());
        reclaims.refuseReclaim = new Refusal(Refusal.Kind.UPSTREAM_UNAVAILABLE, "atlassian_unavailable", "503");
        PolicyService.Evaluation held = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(List.of(0, 0, 0), List.of(held.reclaimed(), held.cancelled(), held.failed()));
        assertEquals(1, reclaims.reclaimCalls.size(), "the run stops at the first the upstream could not take");
        // Due actions run in id order (derived from the random policy id): whichever ran first is left approved.
        PolicyAction tried = store.all(TENANT).get(0);
        assertEquals(PolicyAction.APPROVED, tried.status());
        assertTrue(reclaims.reclaimCalls.get(0).contains(" | " + tried.accountId() + " "), reclaims.reclaimCalls.get(0));
        assertEquals(PolicyAction.PENDING, store.all(TENANT).get(1).status());

        reclaims.refuseReclaim = new Refusal(Refusal.Kind.INVALID, "invalid_groups", "The user is not in these groups.");
        PolicyService.Evaluation refused = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(2, refused.failed());
        store.all(TENANT).forEach(a -> {
            assertEquals(PolicyAction.FAILED, a.status(), a.accountId());
            assertEquals("invalid_groups", a.reasonCode());
        });
    }

    /** {@code n} pending actions of the policy stored as an earlier evaluation left them, noticed and due {@code dueAt}. */
    private void pendingActions(Policy p, int n, Instant dueAt) {
        for (int i = 0; i < n; i++) {
            String account = String.format("u-gone%05d", i);
            store.createAction(TENANT, new PolicyAction(PolicyAction.idOf(p.id(), account, "jira-software", null), p.id(), p.name(),
                    p.mode(), account, account, null, "jira-software", List.of("g-jira"), 1, null, PolicyAction.PENDING,
                    clock.instant(), clock.instant(), dueAt, null, null, null, null, null, null, clock.instant()));
        }
    }

    @Test
    void aDeletionCancelsAtMostFiftyPagesOfActionsOfEachStatus() {
        Policy p = policy(Policy.APPROVE, 50);
        pendingActions(p, PolicyService.MAX_ACTION_PAGES * PolicyService.ACTION_PAGE + 1, null);

        service.delete(TENANT, p.id(), "admin@x");

        assertEquals(PolicyService.MAX_ACTION_PAGES * PolicyService.ACTION_PAGE,
                store.actions(TENANT, PolicyAction.CANCELLED, null, null, 10_000).items().size());
        assertEquals(1, store.actions(TENANT, PolicyAction.PENDING, null, null, 10_000).items().size(),
                "past the bound an action is left; approving it is refused (its policy is gone)");
    }

    @Test
    void findingDueActionsStopsReadingOnceTheCapIsFilled() {
        Policy p = policy(Policy.AUTO, 1);
        pendingActions(p, PolicyService.ACTION_PAGE + 50, clock.instant());
        store.pageReads.clear();
        store.dueIndexed = false; // actions from before the due-date index: walked

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, run.cancelled(), "the one due action taken: its user is gone");
        assertEquals(java.util.Arrays.asList(PolicyAction.APPROVED, PolicyAction.PENDING), store.pageReads,
                "one page of each status: the first pending action filled the cap");
    }

    @Test
    void theDueIndexIsReadForNoMoreThanTheCapLeaves() {
        Policy p = policy(Policy.AUTO, 1);
        pendingActions(p, PolicyService.ACTION_PAGE + 50, clock.instant());
        store.pageReads.clear();

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, run.cancelled());
        assertEquals(List.of(PolicyAction.APPROVED), store.pageReads, "no walk of the pending ones");
        assertEquals(1, store.dueReads);
    }

    @Test
    void anApprovedActionACrashLeftUnfinishedTakesItsPlaceUnderTheCap() {
        Policy p = policy(Policy.AUTO, 1);
        pendingActions(p, 2, clock.instant());
        PolicyAction approved = store.all(TENANT).get(0);
        PolicyAction pending = store.all(TENANT).get(1);
        store.actionsOf(TENANT).put(approved.id(), approved.decided(PolicyAction.APPROVED, "policy:" + p.id(), clock.instant()));

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, run.reclaimed() + run.cancelled() + run.failed(), "the approved one only: the cap is 1");
        assertEquals(PolicyAction.CANCELLED, store.action(TENANT, approved.id()).orElseThrow().status(), "its user is gone");
        assertEquals(PolicyAction.PENDING, store.action(TENANT, pending.id()).orElseThrow().status());
    }
}
