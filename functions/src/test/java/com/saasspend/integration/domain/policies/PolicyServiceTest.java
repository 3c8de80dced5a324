package com.saasspend.integration.domain.policies;

import static com.saasspend.integration.domain.policies.PolicyFakes.CONFLUENCE;
import static com.saasspend.integration.domain.policies.PolicyFakes.JIRA;
import static com.saasspend.integration.domain.policies.PolicyFakes.TENANT;
import static com.saasspend.integration.domain.policies.PolicyFakes.group;
import static com.saasspend.integration.domain.policies.PolicyFakes.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryLicenseReader reader = new InMemoryLicenseReader();
    private final PolicyFakes.Reclaims reclaims = new PolicyFakes.Reclaims(reader);
    private final PolicyFakes.Events events = new PolicyFakes.Events();
    private final PolicyFakes.Settings settings = new PolicyFakes.Settings();
    private final InMemoryPolicyStore store = new InMemoryPolicyStore();
    private final PolicyService service = new PolicyService(store,
            new LicenseService(reader, settings, new InMemoryIntegrations(), clock), reclaims, events, settings, clock);

    private String daysAgo(int days) {
        return clock.instant().minus(Duration.ofDays(days)).toString();
    }

    @BeforeEach
    void org() {
        reader.groups.put("g-jira", group("g-jira", JIRA, "jira-software"));
        reader.groups.put("g-conf", group("g-conf", CONFLUENCE, "confluence"));
        reader.groups.put("g-contractors", group("g-contractors", CONFLUENCE, "confluence"));
        reader.groups.put("g-admins", group("g-admins", JIRA, "jira-software", "atlassian/admin"));
        reader.add(user("u-idle1", false, daysAgo(400), daysAgo(120), "g-jira"));
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(100), "g-jira", "g-conf"));
        reader.add(user("u-active", false, daysAgo(400), daysAgo(2), "g-jira"));
        reader.add(user("u-never", false, daysAgo(400), null, "g-jira"));
    }

    private Policy policy(String mode, int cap, List<String> excludeGroups, List<String> excludeAccounts) {
        return service.create(TENANT, new PolicyDraft("Idle Jira", List.of("jira-software"), Policy.INACTIVE, 90, excludeGroups,
                excludeAccounts, mode, 7, cap, null));
    }

    private List<String> candidateIds(PolicyService.Evaluation evaluation) {
        return evaluation.candidates().stream().map(PolicyService.Candidate::accountId).sorted().toList();
    }

    private static Refusal refusal(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(Refusal.class, call);
    }

    private List<String> accounts(List<PolicyAction> actions) {
        return actions.stream().map(PolicyAction::accountId).sorted().toList();
    }

    private PolicyAction actionOf(String accountId) {
        return store.all(TENANT).stream().filter(a -> a.accountId().equals(accountId)).findFirst().orElseThrow();
    }

    private void assertAllStatus(String status) {
        assertTrue(!store.all(TENANT).isEmpty());
        store.all(TENANT).forEach(a -> assertEquals(status, a.status(), a.accountId()));
    }

    private static List<String> skippedCodes(PolicyService.Evaluation evaluation) {
        return evaluation.skipped().stream().map(s -> s.accountId() + "=" + s.code()).sorted().toList();
    }

    // ---------------------------------------------------------------- rules

    @Test
    void anInvalidPolicyNamesEveryWrongFieldUnderOneStableCode() {
        Refusal r = refusal(() -> service.create(TENANT, new PolicyDraft(" ", List.of("Jira Software"), "idle", 0,
                List.of("bad id!"), null, "sometimes", 91, 0, null)));
        assertEquals(Refusal.Kind.INVALID, r.kind());
        assertEquals(PolicyRules.INVALID, r.code());
        assertEquals(List.of("name", "products", "condition.type", "condition.days", "excludeGroupIds", "mode", "graceDays",
                "maxReclaimsPerRun"), r.fields().stream().map(Refusal.Field::name).toList());
        assertTrue(store.policies(TENANT).isEmpty());
    }

    @Test
    void defaultsFillGraceAndCapAndAnEditNeedsTheVersionRead() {
        Policy created = service.create(TENANT, new PolicyDraft("p", List.of("jira-software", "jira-software"), Policy.NEVER_USED, 30,
                null, null, Policy.APPROVE, null, null, null));
        assertEquals(List.of("jira-software"), created.products());
        assertEquals(PolicyRules.DEFAULT_GRACE_DAYS, created.graceDays());
        assertEquals(PolicyRules.DEFAULT_RECLAIMS_PER_RUN, created.maxReclaimsPerRun());
        Policy updated = service.update(TENANT, created.id(), new PolicyDraft("p2", List.of("confluence"), Policy.INACTIVE, 60,
                null, null, Policy.AUTO, 3, 5, true));
        assertEquals(created.version() + 1, updated.version());
        assertEquals("p2", service.get(TENANT, created.id()).name());
        assertTrue(service.get(TENANT, created.id()).paused());
        assertEquals("policy_not_found", refusal(() -> service.get("other-tenant", created.id())).code());
    }

    @Test
    void anEditRacingAnotherIsRefusedAndChangesNothing() {
        Policy created = policy(Policy.APPROVE, 5, null, null);
        store.beforePut = () -> store.policies.get(TENANT).computeIfPresent(created.id(), (id, p) -> new Policy(p.id(), "theirs",
                p.products(), p.condition(), null, null, p.mode(), 7, 5, false, p.createdAt(), p.updatedAt(), p.version() + 1, null));
        Refusal r = refusal(() -> service.update(TENANT, created.id(), new PolicyDraft("mine", List.of("jira-software"), Policy.INACTIVE,
                90, null, null, Policy.APPROVE, 7, 5, null)));
        assertEquals("policy_changed", r.code());
        assertEquals(Refusal.Kind.CONFLICT, r.kind());
        store.beforePut = () -> {};
        assertEquals("theirs", service.get(TENANT, created.id()).name());
    }

    @Test
    void aTenantHasAtMostTwentyPolicies() {
        for (int i = 0; i < PolicyRules.MAX_POLICIES; i++) {
            clock.advance(Duration.ofSeconds(1));
            policy(Policy.REPORT, 5, null, null);
        }
        assertEquals("policy_limit_reached", refusal(() -> policy(Policy.REPORT, 5, null, null)).code());
        assertTrue(service.list("t2").isEmpty());
    }

    // ---------------------------------------------------------------- who is a candidate

    @Test
    void previewListsTheInactiveHoldersWithSeatsAndCostAndWritesNothing() {
        Policy policy = policy(Policy.APPROVE, 50, null, null);
        PolicyService.Evaluation preview = service.preview(TENANT, policy.id());
        assertEquals(List.of("u-idle1", "u-idle2"), candidateIds(preview));
        PolicyService.Candidate idle1 = preview.candidates().stream().filter(c -> c.accountId().equals("u-idle1")).findFirst().orElseThrow();
        assertEquals(List.of("g-jira"), idle1.groupIds());
        assertEquals(List.of(new OrgUser.GroupRef("g-jira", "g-jira-name")), idle1.groups(), "named for the preview's people");
        assertEquals(1, idle1.seatsFreed());
        assertEquals(0, new java.math.BigDecimal("8.50").compareTo(idle1.monthlyCostFreed()));
        assertTrue(store.all(TENANT).isEmpty());
        assertTrue(events.pending.isEmpty());
        // Read through the License page's listing (inactive for 90 days on the product), never a scan.
        assertTrue(!reader.slices.isEmpty());
        reader.slices.forEach(slice -> {
            assertEquals("jira-software", slice.product());
            assertEquals(com.saasspend.integration.domain.licenses.LicenseReader.Activity.INACTIVE, slice.activity());
        });
    }

    @Test
    void excludedGroupsAndAccountsOrgAdminsAndKeyOwnersAreNeverCandidates() {
        reader.add(user("u-contractor", false, daysAgo(400), daysAgo(200), "g-jira", "g-contractors"));
        reader.add(user("u-vip", false, daysAgo(400), daysAgo(200), "g-jira"));
        reader.add(user("u-orgadmin", true, daysAgo(400), daysAgo(200), "g-jira"));
        reader.add(user("u-keyowner", false, daysAgo(400), daysAgo(200), "g-jira"));
        reclaims.tokenOwners.put("u-keyowner", "the API token of the atlassian integration");
        Policy policy = policy(Policy.APPROVE, 50, List.of("g-contractors"), List.of("u-vip"));

        PolicyService.Evaluation preview = service.preview(TENANT, policy.id());

        assertEquals(List.of("u-idle1", "u-idle2"), candidateIds(preview));
        assertEquals(List.of("u-contractor=excluded_group", "u-keyowner=account_protected", "u-orgadmin=" + PolicyService.ORG_ADMIN,
                "u-vip=excluded_account"), skippedCodes(preview));
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(List.of("u-idle1", "u-idle2"), accounts(store.all(TENANT)));
        assertEquals(List.of(new OrgUser.GroupRef("g-jira", "g-jira-name")), actionOf("u-idle1").groups(), "the action names its groups");
    }

    @Test
    void neverUsedCountsFromTheDayTheUserWasAdded() {
        reader.add(user("u-new", false, daysAgo(5), null, "g-jira"));
        reader.add(user("u-undated", false, null, null, "g-jira"));
        Policy policy = service.create(TENANT, new PolicyDraft("unused", List.of("jira-software"), Policy.NEVER_USED, 30, null, null,
                Policy.APPROVE, null, null, null));
        PolicyService.Evaluation preview = service.preview(TENANT, policy.id());
        assertEquals(List.of("u-never"), candidateIds(preview));
        assertEquals(List.of("u-new=" + PolicyService.ADDED_RECENTLY, "u-undated=" + PolicyService.ADDED_RECENTLY), skippedCodes(preview));
    }

    @Test
    void theCapHoldsPerRunAndTheNextRunTakesTheNextCandidates() {
        for (int i = 0; i < 5; i++) {
            reader.add(user("u-old" + i, false, daysAgo(400), daysAgo(300 + i), "g-jira"));
        }
        Policy policy = policy(Policy.APPROVE, 2, null, null);

        PolicyService.Evaluation first = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(2, first.actionsCreated());
        assertTrue(first.capped());
        // Least recently active first.
        assertEquals(List.of("u-old3", "u-old4"), accounts(store.all(TENANT)));

        PolicyService.Evaluation second = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(2, second.actionsCreated());
        assertEquals(4, store.all(TENANT).size());
        assertEquals(2, service.get(TENANT, policy.id()).lastEvaluation().actionsCreated());
    }

    @Test
    void aSyncRunsEventDeliveredAgainTakesNoMoreCandidatesButTheNextRunAndARunThatDiedBeforeItsRecordDo() {
        for (int i = 0; i < 7; i++) {
            reader.add(user("u-old" + i, false, daysAgo(400), daysAgo(300 + i), "g-jira"));
        }
        Policy policy = policy(Policy.APPROVE, 2, null, null);

        assertEquals(2, service.evaluateAll(TENANT, "run-1", Budget.unlimited()).get(0).actionsCreated());
        PolicyService.Evaluation again = service.evaluateAll(TENANT, "run-1", Budget.unlimited()).get(0);
        assertEquals(PolicyService.ALREADY_EVALUATED, again.outcome());
        assertEquals(0, again.actionsCreated());
        assertEquals(2, store.all(TENANT).size(), "the cap bounds what one sync run starts, however often its event arrives");
        assertEquals(2, service.get(TENANT, policy.id()).lastEvaluation().actionsCreated(), "the redelivery left the record alone");

        assertEquals(2, service.evaluateAll(TENANT, "run-2", Budget.unlimited()).get(0).actionsCreated());
        assertEquals(4, store.all(TENANT).size());
        // run-2's evaluation died before its record (the record still names run-1): its redelivery evaluates it.
        store.recordEvaluation(TENANT, policy.id(), new Policy.LastEvaluation(java.time.Instant.parse(daysAgo(0)), "evaluated", 2, 2, 0, 0, "run-1"));
        assertEquals(2, service.evaluateAll(TENANT, "run-2", Budget.unlimited()).get(0).actionsCreated());
        assertEquals(6, store.all(TENANT).size());
        // No run named (an event from before runs were named): evaluated as before.
        assertEquals(2, service.evaluateAll(TENANT, Budget.unlimited()).get(0).actionsCreated());
        assertEquals(8, store.all(TENANT).size(), "cap 2 again: the fixture's own idle users are candidates too");
    }

    @Test
    void twoDeliveriesOfOneSyncEventAtTheSameMomentStartNoMoreThanTheCap() {
        for (int i = 0; i < 7; i++) {
            reader.add(user("u-old" + i, false, daysAgo(400), daysAgo(300 + i), "g-jira"));
        }
        policy(Policy.APPROVE, 2, null, null);
        // The second delivery runs whole while the first is paused between its reads and its first write.
        List<PolicyService.Evaluation> second = new java.util.ArrayList<>();
        store.beforeCreate = () -> {
            store.beforeCreate = () -> {};
            second.addAll(service.evaluateAll(TENANT, "run-1", Budget.unlimited()));
        };

        PolicyService.Evaluation first = service.evaluateAll(TENANT, "run-1", Budget.unlimited()).get(0);

        assertEquals(2, store.all(TENANT).size(), "the cap bounds what one sync run starts, however many deliveries overlap");
        assertEquals(2, first.actionsCreated());
        assertEquals(PolicyService.ALREADY_EVALUATING, second.get(0).outcome());
        assertEquals(0, second.get(0).actionsCreated());
        assertTrue(store.claims.isEmpty(), "the claim ends with the evaluation");
    }

    @Test
    void aClaimWhoseHolderDiedHoldsTheRunBackOnlyUntilTheFunctionsTimeoutAndAFailedOneNotAtAll() {
        for (int i = 0; i < 7; i++) {
            reader.add(user("u-old" + i, false, daysAgo(400), daysAgo(300 + i), "g-jira"));
        }
        Policy policy = policy(Policy.APPROVE, 2, null, null);
        store.beforeCreate = () -> {
            store.beforeCreate = () -> {};
            throw new com.saasspend.integration.testing.ProcessKilled();
        };
        assertThrows(com.saasspend.integration.testing.ProcessKilled.class, () -> service.evaluateAll(TENANT, "run-1", Budget.unlimited()));
        assertTrue(store.all(TENANT).isEmpty());

        // Redelivered while the dead claimant's invocation could still be running: left to it.
        clock.advance(PolicyService.EVALUATION_TIMEOUT.minusSeconds(1));
        assertEquals(PolicyService.ALREADY_EVALUATING, service.evaluateAll(TENANT, "run-1", Budget.unlimited()).get(0).outcome());
        assertTrue(store.all(TENANT).isEmpty());
        // Past the function's timeout the claimant cannot be running: the redelivery evaluates.
        clock.advance(Duration.ofSeconds(2));
        PolicyService.Evaluation retried = service.evaluateAll(TENANT, "run-1", Budget.unlimited()).get(0);
        assertEquals("evaluated", retried.outcome());
        assertEquals(2, retried.actionsCreated());
        assertEquals("run-1", service.get(TENANT, policy.id()).lastEvaluation().runId());

        // An evaluation that fails with an exception releases its claim: the Lambda's retry evaluates at once.
        store.beforeCreate = () -> {
            store.beforeCreate = () -> {};
            throw new IllegalStateException("DynamoDB unavailable");
        };
        assertThrows(IllegalStateException.class, () -> service.evaluateAll(TENANT, "run-2", Budget.unlimited()));
        assertEquals(2, service.evaluateAll(TENANT, "run-2", Budget.unlimited()).get(0).actionsCreated());
        assertEquals(4, store.all(TENANT).size());
        assertTrue(store.claims.isEmpty());
    }

    @Test
    void aLiveClaimOnOneRunDoesNotHoldBackTheNextRun() {
        for (int i = 0; i < 7; i++) {
            reader.add(user("u-old" + i, false, daysAgo(400), daysAgo(300 + i), "g-jira"));
        }
        policy(Policy.APPROVE, 2, null, null);
        store.beforeCreate = () -> {
            store.beforeCreate = () -> {};
            throw new com.saasspend.integration.testing.ProcessKilled();
        };
        assertThrows(com.saasspend.integration.testing.ProcessKilled.class, () -> service.evaluateAll(TENANT, "run-1", Budget.unlimited()));

        assertEquals(2, service.evaluateAll(TENANT, "run-2", Budget.unlimited()).get(0).actionsCreated());
    }

    // ---------------------------------------------------------------- approve mode

    @Test
    void approveModeRecordsPendingActionsOnceAndTellsTheAdminOnce() {
        policy(Policy.APPROVE, 50, null, null);

        service.evaluateAll(TENANT, Budget.unlimited());
        service.evaluateAll(TENANT, Budget.unlimited()); // the same sync event delivered again

        List<PolicyAction> actions = store.all(TENANT);
        assertEquals(List.of("u-idle1", "u-idle2"), accounts(actions));
        actions.forEach(a -> {
            assertEquals(PolicyAction.PENDING, a.status());
            assertNull(a.dueAt());
            assertNotNull(a.noticedAt());
        });
        assertEquals(1, events.pending.size());
        assertEquals(2, events.pending.get(0).size());
        // Known candidacies are found by one batch read, never by a conditional write that fails.
        assertEquals(0, store.failedCreates);
        assertTrue(events.notices.isEmpty());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void reportModeRecordsNoActionOnlyWhatItFound() {
        Policy policy = policy(Policy.REPORT, 50, null, null);
        PolicyService.Evaluation evaluation = service.evaluateAll(TENANT, Budget.unlimited()).get(0);
        assertEquals(2, evaluation.candidates().size());
        assertTrue(store.all(TENANT).isEmpty());
        assertTrue(events.pending.isEmpty());
        assertEquals(2, service.get(TENANT, policy.id()).lastEvaluation().candidates());
    }

    @Test
    void approvingRunsANormalReclaimKeyedByTheActionAndNamingThePolicy() {
        Policy policy = policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");

        PolicyAction done = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.DONE, done.status());
        assertEquals("rcl-0", done.reclaimId());
        assertEquals("admin@x", done.decidedBy());
        assertEquals(List.of("admin@x (policy " + policy.id() + ") | policy-action:" + action.id() + " | u-idle1 [g-jira]"),
                reclaims.reclaimCalls);
        assertEquals("action_not_pending", refusal(() -> service.approve(TENANT, "admin@x", action.id())).code());
        assertEquals(List.of(action.id()), service.actions(TENANT, PolicyAction.DONE, null, 10).items().stream().map(PolicyAction::id).toList());
    }

    @Test
    void anApprovalKilledAfterItsDecisionIsFinishedUnderTheSameReclaimKey() {
        policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = store.all(TENANT).get(0);
        reclaims.refuseReclaim = new Refusal(Refusal.Kind.UPSTREAM_UNAVAILABLE, "atlassian_unavailable", "503");
        refusal(() -> service.approve(TENANT, "admin@x", action.id()));
        assertEquals(PolicyAction.APPROVED, store.action(TENANT, action.id()).orElseThrow().status());

        reclaims.refuseReclaim = null;
        PolicyAction done = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.DONE, done.status());
        assertEquals(2, reclaims.reclaimCalls.size());
        reclaims.reclaimCalls.forEach(c -> assertTrue(c.contains("policy-action:" + action.id()), c));
    }

    @Test
    void aReclaimTheGuardrailsRefuseFailsTheActionWithTheReason() {
        policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = store.all(TENANT).get(0);
        reclaims.refuseReclaim = new Refusal(Refusal.Kind.INVALID, "invalid_groups", "The user is not in these groups.");
        PolicyAction failed = service.approve(TENANT, "admin@x", action.id());
        assertEquals(PolicyAction.FAILED, failed.status());
        assertEquals("invalid_groups", failed.reasonCode());
    }

    @Test
    void approvingAUserActiveSinceCancelsWithTheReason() {
        policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = actionOf("u-idle1");
        reader.add(user("u-idle1", false, daysAgo(400), daysAgo(0), "g-jira"));

        PolicyAction cancelled = service.approve(TENANT, "admin@x", action.id());

        assertEquals(PolicyAction.CANCELLED, cancelled.status());
        assertEquals(PolicyService.ACTIVE_AGAIN, cancelled.reasonCode());
        // The same wording as a bulk approval's (PolicyBulkApprovalsTest.aUserWhoUsedTheProductAgainOrLeft…).
        assertEquals("The user used jira-software again (last active " + daysAgo(0) + ") since the action was proposed; the seat stays.",
                cancelled.reason());
        assertTrue(reclaims.reclaimCalls.isEmpty());
    }

    @Test
    void rejectingKeepsTheSeatAndTheCandidacyIsNotProposedAgain() {
        policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = store.all(TENANT).get(0);
        assertEquals(PolicyAction.REJECTED, service.reject(TENANT, "admin@x", action.id()).status());
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(2, store.all(TENANT).size());
        assertEquals(PolicyAction.REJECTED, store.action(TENANT, action.id()).orElseThrow().status());
        assertEquals("action_not_pending", refusal(() -> service.reject(TENANT, "admin@x", action.id())).code());
    }

    @Test
    void anotherTenantsActionIsNotFoundAndAMalformedIdIsNotFound() {
        policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        PolicyAction action = store.all(TENANT).get(0);
        assertEquals("action_not_found", refusal(() -> service.approve("t2", "admin@y", action.id())).code());
        assertEquals("action_not_found", refusal(() -> service.reject(TENANT, "admin@x", "../x")).code());
        assertTrue(service.actions("t2", null, null, 10).items().isEmpty());
        assertEquals("invalid_status", refusal(() -> service.actions(TENANT, "maybe", null, 10)).code());
    }

    @Test
    void deletingAPolicyCancelsItsOpenActions() {
        Policy policy = policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        service.delete(TENANT, policy.id(), "admin@x");
        assertAllStatus(PolicyAction.CANCELLED);
        store.all(TENANT).forEach(a -> assertEquals(PolicyService.POLICY_DELETED, a.reasonCode()));
        assertTrue(service.list(TENANT).isEmpty());
    }

    // ---------------------------------------------------------------- auto mode

    @Test
    void autoModeNoticesFirstThenReclaimsWhenDueAfterReReadingTheUser() {
        Policy policy = policy(Policy.AUTO, 50, null, null);

        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(List.of("u-idle1", "u-idle2"), accounts(events.notices));
        Instant due = clock.instant().plus(Duration.ofDays(7));
        events.notices.forEach(n -> {
            assertTrue(n.email().endsWith("@example.com"));
            assertEquals(due, n.dueAt());
        });

        clock.advance(Duration.ofDays(6));
        service.evaluateAll(TENANT, Budget.unlimited());
        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertTrue(reclaims.refreshes.isEmpty());

        clock.advance(Duration.ofDays(1));
        // u-idle2 used Jira during the grace period: Atlassian says so when re-read just before the removal.
        String usedAt = clock.instant().minus(Duration.ofHours(3)).toString();
        reclaims.atlassianChanges.put("u-idle2", users -> users.put("u-idle2", user("u-idle2", false, daysAgo(400), usedAt, "g-jira", "g-conf")));
        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(1, reclaims.refreshes.size());
        assertEquals(List.of("u-idle1", "u-idle2"), reclaims.refreshes.get(0).stream().sorted().toList());
        assertEquals(1, run.reclaimed());
        assertEquals(1, run.cancelled());
        PolicyAction kept = actionOf("u-idle2");
        assertEquals(PolicyAction.CANCELLED, kept.status());
        assertEquals(PolicyService.ACTIVE_AGAIN, kept.reasonCode());
        assertTrue(kept.reason().contains(usedAt), kept.reason());
        PolicyAction reclaimed = actionOf("u-idle1");
        assertEquals(PolicyAction.DONE, reclaimed.status());
        assertEquals(PolicyService.ACTOR_PREFIX + policy.id(), reclaimed.decidedBy());
        assertEquals(List.of("policy:" + policy.id() + " (policy " + policy.id() + ") | policy-action:" + reclaimed.id() + " | u-idle1 [g-jira]"),
                reclaims.reclaimCalls);
        // The user kept active is not a candidate now; nothing more to do.
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(1, reclaims.reclaimCalls.size());
        assertEquals(2, store.all(TENANT).size());
    }

    @Test
    void autoModeWithNoGraceReclaimsOnTheNextEvaluationNotTheFirst() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertEquals(2, events.notices.size());
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(2, reclaims.reclaimCalls.size());
        assertAllStatus(PolicyAction.DONE);
    }

    @Test
    void aNoticeACrashLeftUnmarkedIsPublishedAgainAndNoSeatIsTakenWithoutOne() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        store.beforeUpdate = () -> { throw new Error("killed"); };
        assertThrows(Error.class, () -> service.evaluateAll(TENANT, "run-1", Budget.unlimited()));
        assertEquals(2, store.all(TENANT).size());
        store.all(TENANT).forEach(a -> assertNull(a.noticedAt()));
        store.beforeUpdate = () -> {};

        service.evaluateAll(TENANT, "run-2", Budget.unlimited()); // the next sync run (the dead one's claim is on run-1)

        assertTrue(reclaims.reclaimCalls.isEmpty());
        store.all(TENANT).forEach(a -> assertNotNull(a.noticedAt()));
        assertEquals(List.of("u-idle1", "u-idle2"), events.notices.stream().map(PolicyAction::accountId).distinct().sorted().toList());
    }

    /** {@code count} more pending actions of the policy, noticed, due {@code dueIn} from now, for users not in the org. */
    private void pendingActions(Policy policy, int count, Duration dueIn) {
        Instant now = clock.instant();
        for (int i = 0; i < count; i++) {
            String account = "u-later" + i;
            store.createAction(TENANT, new PolicyAction(PolicyAction.idOf(policy.id(), account, "jira-software", null), policy.id(),
                    policy.name(), policy.mode(), account, account, null, "jira-software", List.of("g-jira"), 1, null, PolicyAction.PENDING,
                    now, now, now.plus(dueIn), daysAgo(200), null, null, null, null, null, now, null));
        }
    }

    @Test
    void anAutoPolicysRunReadsTheActionsDueNotEveryPendingOne() {
        Policy policy = service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 2, null));
        service.evaluateAll(TENANT, Budget.unlimited()); // notices u-idle1 and u-idle2, due at once (no grace)
        pendingActions(policy, 250, Duration.ofDays(30));
        store.pageReads.clear();
        store.dueReads = 0;
        clock.advance(Duration.ofMinutes(15));

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertEquals(2, run.reclaimed());
        assertEquals(List.of("u-idle1", "u-idle2"), reclaims.reclaimCalls.stream().map(c -> c.split(" \\| ")[2].split(" ")[0]).sorted().toList());
        assertEquals(0, store.pageReads.stream().filter(PolicyAction.PENDING::equals).count(), "no walk of the 250 not due");
        assertEquals(1, store.dueReads);
    }

    @Test
    void actionsFromBeforeTheDueIndexAreStillFoundDueByTheWalk() {
        Policy policy = service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 2, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        pendingActions(policy, 150, Duration.ofDays(30));
        store.dueIndexed = false;
        store.dueReads = 0;
        clock.advance(Duration.ofMinutes(15));

        assertEquals(2, service.evaluateAll(TENANT, Budget.unlimited()).get(0).reclaimed());
        assertEquals(0, store.dueReads);
    }

    @Test
    void theCapBoundsDueReclaimsPerRun() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 1, null));
        service.evaluateAll(TENANT, Budget.unlimited()); // notices one user (cap 1)
        assertEquals(1, store.all(TENANT).size());
        service.evaluateAll(TENANT, Budget.unlimited()); // reclaims it, notices the next
        assertEquals(1, reclaims.reclaimCalls.size());
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(2, reclaims.reclaimCalls.size());
    }

    @Test
    void theKillSwitchStopsEvaluationAndADueReclaim() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        settings.settings = new TenantSettings(30, Map.of(), true);

        assertTrue(service.evaluateAll(TENANT, Budget.unlimited()).isEmpty());

        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertTrue(reclaims.refreshes.isEmpty());
        assertAllStatus(PolicyAction.PENDING);
        settings.settings = new TenantSettings(30, Map.of(), false);
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(2, reclaims.reclaimCalls.size());
    }

    @Test
    void aPausedPolicyDoesNothingAndNoReclaimHappensWhileAtlassianCannotBeReRead() {
        Policy paused = service.create(TENANT, new PolicyDraft("p", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 50, true));
        assertEquals(List.of("paused"), service.evaluateAll(TENANT, Budget.unlimited()).stream().map(PolicyService.Evaluation::outcome).toList());
        assertTrue(store.all(TENANT).isEmpty());

        service.update(TENANT, paused.id(), new PolicyDraft("p", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 50, false));
        service.evaluateAll(TENANT, Budget.unlimited());
        reclaims.refreshFailure = new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "503", null);
        service.evaluateAll(TENANT, Budget.unlimited());
        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertAllStatus(PolicyAction.PENDING);
    }

    @Test
    void aDueActionWhoseUserCannotBeReReadBecauseAtlassianIsPausedStaysPendingWithTheReasonAndRunsOnALaterEvaluation() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited()); // notices, due now
        reclaims.atlassianNotSyncing = true;

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertTrue(reclaims.reclaimCalls.isEmpty(), "no seat taken on stored data");
        assertEquals(0, run.reclaimed());
        assertAllStatus(PolicyAction.PENDING);
        store.all(TENANT).forEach(a -> {
            assertEquals(PolicyService.USER_NOT_REREAD, a.reasonCode());
            assertTrue(a.reason().contains("paused or not connected"), a.reason());
        });
        PolicyAction deferred = actionOf("u-idle1");
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(deferred, actionOf("u-idle1"), "the same reason is not written again");

        reclaims.atlassianNotSyncing = false;
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(2, reclaims.reclaimCalls.size(), "retried once Atlassian answers");
        assertAllStatus(PolicyAction.DONE);
        store.all(TENANT).forEach(a -> assertNull(a.reasonCode()));
    }

    @Test
    void aDueUserAtlassianDoesNotAnswerForIsNotReclaimedButOneItCancelsOnStoredDataIs() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        reclaims.notAnswered.add("u-idle1");
        reclaims.notAnswered.add("u-idle2");
        // u-idle2's stored copy already says it used Jira again: cancelling keeps the seat, safe on any data.
        String usedAt = clock.instant().minus(Duration.ofHours(1)).toString();
        reader.users.put("u-idle2", user("u-idle2", false, daysAgo(400), usedAt, "g-jira", "g-conf"));

        PolicyService.Evaluation run = service.evaluateAll(TENANT, Budget.unlimited()).get(0);

        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertEquals(1, run.cancelled());
        assertEquals(PolicyAction.PENDING, actionOf("u-idle1").status());
        assertEquals(PolicyService.USER_NOT_REREAD, actionOf("u-idle1").reasonCode());
        assertTrue(actionOf("u-idle1").reason().contains("did not confirm"), actionOf("u-idle1").reason());
        assertEquals(PolicyAction.CANCELLED, actionOf("u-idle2").status());
        assertEquals(PolicyService.ACTIVE_AGAIN, actionOf("u-idle2").reasonCode());
    }

    @Test
    void anAtlassianFailureDuringTheReReadDefersTheBatchWithTheReason() {
        service.create(TENANT, new PolicyDraft("now", List.of("jira-software"), Policy.INACTIVE, 90, null, null, Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        reclaims.refreshFailure = new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "503", null);

        service.evaluateAll(TENANT, Budget.unlimited());

        assertTrue(reclaims.reclaimCalls.isEmpty());
        assertAllStatus(PolicyAction.PENDING);
        store.all(TENANT).forEach(a -> assertEquals(PolicyService.USER_NOT_REREAD, a.reasonCode()));
    }

    @Test
    void untilReclaimIsOpenAPolicyIsNotEvaluated() {
        policy(Policy.APPROVE, 50, null, null);
        reclaims.reclaimNotEnabled = true;
        assertEquals(List.of("reclaim_not_enabled"),
                service.evaluateAll(TENANT, Budget.unlimited()).stream().map(PolicyService.Evaluation::outcome).toList());
        assertTrue(store.all(TENANT).isEmpty());
    }

    @Test
    void actionsRecordedInApproveModeGetTheUsersNoticeWhenThePolicyTurnsAuto() {
        Policy policy = policy(Policy.APPROVE, 50, null, null);
        service.evaluateAll(TENANT, Budget.unlimited());
        assertTrue(events.notices.isEmpty());
        service.update(TENANT, policy.id(), new PolicyDraft("Idle Jira", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 3, 50, null));

        service.evaluateAll(TENANT, Budget.unlimited());

        assertEquals(List.of("u-idle1", "u-idle2"), accounts(events.notices));
        store.all(TENANT).forEach(a -> assertEquals(clock.instant().plus(Duration.ofDays(3)), a.dueAt()));
        assertTrue(reclaims.reclaimCalls.isEmpty(), "due only after the grace period counted from the user's notice");
    }

    @Test
    void listingsBeingRebuiltLeaveThePolicyForTheNextSync() {
        policy(Policy.APPROVE, 50, null, null);
        reader.summary = new com.saasspend.integration.domain.licenses.LicenseReader.Summary(Map.of(), 30, clock.instant(), false);
        assertEquals(List.of("listing_being_prepared"),
                service.evaluateAll(TENANT, Budget.unlimited()).stream().map(PolicyService.Evaluation::outcome).toList());
        assertTrue(store.all(TENANT).isEmpty());
    }

    @Test
    void theActionIdIsTheCandidacy() {
        String a = PolicyAction.idOf("pol-1", "u1", "jira-software", "2026-01-01T00:00:00Z");
        assertEquals(a, PolicyAction.idOf("pol-1", "u1", "jira-software", "2026-01-01T00:00:00Z"));
        assertTrue(PolicyAction.wellFormed(a), a);
        assertNotEquals(a, PolicyAction.idOf("pol-1", "u1", "jira-software", "2026-02-01T00:00:00Z"));
        assertNotEquals(a, PolicyAction.idOf("pol-1", "u1", "confluence", "2026-01-01T00:00:00Z"));
        assertNotEquals(a, PolicyAction.idOf("pol-2", "u1", "jira-software", "2026-01-01T00:00:00Z"));
        assertNotEquals(a, PolicyAction.idOf("pol-1", "u1", "jira-software", null));
    }
}
