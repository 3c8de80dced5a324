package com.saasspend.integration.domain.policies;

import static com.saasspend.integration.domain.policies.PolicyFakes.CONFLUENCE;
import static com.saasspend.integration.domain.policies.PolicyFakes.JIRA;
import static com.saasspend.integration.domain.policies.PolicyFakes.TENANT;
import static com.saasspend.integration.domain.policies.PolicyFakes.group;
import static com.saasspend.integration.domain.policies.PolicyFakes.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Approving many policy actions as one bulk reclaim job: one plan, one job, the marks, resumable, refusals. */
class PolicyBulkApprovalsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemoryLicenseReader reader = new InMemoryLicenseReader();
    private final PolicyFakes.Reclaims reclaims = new PolicyFakes.Reclaims(reader);
    private final PolicyFakes.Settings settings = new PolicyFakes.Settings();
    private final InMemoryPolicyStore store = new InMemoryPolicyStore();
    private final PolicyService service = new PolicyService(store,
            new LicenseService(reader, settings, new InMemoryIntegrations(), clock), reclaims, new PolicyFakes.Events(), settings, clock);
    private final Jobs jobs = new Jobs();
    private final PolicyBulkApprovals bulk = new PolicyBulkApprovals(store, reclaims, jobs, clock);
    private Policy policy;

    /** The bulk reclaim as the real service answers: a key holds one job; the same key for another plan is refused. */
    final class Jobs implements PolicyBulkApprovals.Jobs {
        final List<JobSelection> plans = new ArrayList<>();
        final Map<String, ReclaimJob> byKey = new LinkedHashMap<>();
        final List<String> starts = new ArrayList<>();

        @Override public JobPlan plan(String tenantId, JobSelection selection) {
            plans.add(selection);
            return new JobPlan("plan-" + plans.size(), clock.instant(), clock.instant().plus(Duration.ofHours(24)), List.of(), 0, null,
                    selection.accountIds().size(), 0, List.of(), List.of(), List.of());
        }

        @Override public ReclaimJobService.Started start(String tenantId, String actor, String key, String planId) {
            starts.add(actor + " | " + key + " | " + planId);
            ReclaimJob held = byKey.get(key);
            if (held != null) {
                if (!held.planId().equals(planId)) {
                    throw new Refusal(Refusal.Kind.REJECTED, "idempotency_key_reused", "another plan");
                }
                return new ReclaimJobService.Started(held, true);
            }
            ReclaimJob job = new ReclaimJob("job-" + (byKey.size() + 1), ReclaimJob.RECLAIM, planId, null, null, actor, clock.instant(),
                    ReclaimJob.RUNNING, false, true, 1, new ReclaimJob.Counts(2, 0, 0, 0, 0, 0, 0, 0, null), null);
            byKey.put(key, job);
            return new ReclaimJobService.Started(job, false);
        }
    }

    private String daysAgo(int days) {
        return clock.instant().minus(Duration.ofDays(days)).toString();
    }

    @BeforeEach
    void pendingActions() {
        reader.groups.put("g-jira", group("g-jira", JIRA, "jira-software"));
        reader.groups.put("g-conf", group("g-conf", CONFLUENCE, "confluence"));
        reader.add(user("u-idle1", false, daysAgo(400), daysAgo(120), "g-jira"));
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(100), "g-jira", "g-conf"));
        reader.add(user("u-idle3", false, daysAgo(400), daysAgo(95), "g-jira"));
        policy = service.create(TENANT, new PolicyDraft("Idle Jira", List.of("jira-software"), Policy.INACTIVE, 90, List.of("g-vip"),
                List.of("u-ceo"), Policy.APPROVE, 7, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        assertEquals(3, store.all(TENANT).size());
    }

    private String idOf(String accountId) {
        return store.all(TENANT).stream().filter(a -> a.accountId().equals(accountId)).findFirst().orElseThrow().id();
    }

    private PolicyAction actionOf(String accountId) {
        return store.action(TENANT, idOf(accountId)).orElseThrow();
    }

    /** A stored action of the policy on Jira for {@code accountId}, in {@code status}, its user idle 120 days. */
    private String stored(String accountId, String status) {
        String lastActive = daysAgo(120);
        reader.add(user(accountId, false, daysAgo(400), lastActive, "g-jira"));
        PolicyAction action = new PolicyAction(PolicyAction.idOf(policy.id(), accountId, "jira-software", null), policy.id(),
                policy.name(), Policy.APPROVE, accountId, "U", null, "jira-software", List.of("g-jira"), 1, null, status,
                clock.instant(), clock.instant(), null, lastActive, null, null, null, null, null, clock.instant());
        assertTrue(store.createAction(TENANT, action));
        return action.id();
    }

    private int storedUsers;

    /** {@code count} stored actions of the policy on Jira, each of a user of its own, in {@code status}. */
    private List<String> stored(int count, String status) {
        return IntStream.range(0, count).mapToObj(i -> stored(String.format("u-more%05d", storedUsers++), status)).toList();
    }

    private static List<String> unknownIds(Policy policy, int count) {
        return IntStream.range(0, count).mapToObj(i -> PolicyAction.idOf(policy.id(), "nobody" + i, "jira-software", null)).toList();
    }

    private PolicyBulkApprovals.Request byIds(String... accounts) {
        return new PolicyBulkApprovals.Request(java.util.Arrays.stream(accounts).map(this::idOf).toList(), null, null, null);
    }

    @Test
    void manyPendingActionsBecomeOneJobOfTheirUsersAndAreMarkedApprovedWithItsIdAndTheAuditNamesThePolicy() {
        PolicyBulkApprovals.Approved approved = bulk.approve(TENANT, "admin@example.com", "k1", byIds("u-idle1", "u-idle2", "u-idle3"));

        assertEquals(1, jobs.plans.size());
        JobSelection selection = jobs.plans.get(0);
        assertEquals(List.of("u-idle1", "u-idle2", "u-idle3"), selection.accountIds().stream().sorted().toList());
        assertEquals("jira-software", selection.grantingProduct(), "the groups granting the actions' product");
        assertEquals(List.of("g-vip"), selection.filter().excludeGroupIds(), "the policy's exclusions hold in the job");
        assertEquals(List.of("u-ceo"), selection.filter().excludeAccountIds());
        assertEquals(List.of("admin@example.com (policy " + policy.id() + ") | policy-actions:k1@" + clock.instant().toEpochMilli()
                + " | plan-1"), jobs.starts);
        assertEquals(3, approved.approved());
        assertFalse(approved.replayed());
        for (String account : List.of("u-idle1", "u-idle2", "u-idle3")) {
            PolicyAction action = actionOf(account);
            assertEquals(PolicyAction.APPROVED, action.status());
            assertEquals("job-1", action.jobId());
            assertEquals("admin@example.com", action.decidedBy());
        }
        assertEquals(1, store.batchUpdates, "three marks, one batched write");
        assertTrue(reclaims.reclaimCalls.isEmpty(), "the job reclaims, not the request");
    }

    @Test
    void anActionInAJobIsRunByTheJobOnly() {
        bulk.approve(TENANT, "admin", "k1", byIds("u-idle1"));
        Refusal single = assertThrows(Refusal.class, () -> service.approve(TENANT, "admin", idOf("u-idle1")));
        assertEquals("action_in_job", single.code());
        // The policy turned auto: its due run leaves the job's action alone.
        service.update(TENANT, policy.id(), new PolicyDraft("Idle Jira", List.of("jira-software"), Policy.INACTIVE, 90, null, null,
                Policy.AUTO, 0, 50, null));
        service.evaluateAll(TENANT, Budget.unlimited());
        service.evaluateAll(TENANT, Budget.unlimited());
        assertFalse(reclaims.reclaimCalls.stream().anyMatch(c -> c.contains("u-idle1")), reclaims.reclaimCalls.toString());
        assertEquals("job-1", actionOf("u-idle1").jobId());
    }

    @Test
    void aRetryAfterTheProcessDiedBetweenTheJobStartAndTheMarksStartsNoSecondJobAndFinishesTheMarks() {
        store.beforeUpdate = () -> { throw new Error("killed"); };
        assertThrows(Error.class, () -> bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2")));
        assertEquals(1, jobs.byKey.size(), "the job started");
        assertEquals(PolicyAction.PENDING, actionOf("u-idle1").status(), "no mark written");
        store.beforeUpdate = () -> {};

        PolicyBulkApprovals.Approved retried = bulk.approve(TENANT, "admin", "k1", byIds("u-idle2", "u-idle1"));

        assertTrue(retried.replayed());
        assertEquals(1, jobs.plans.size(), "not planned again");
        assertEquals(1, jobs.byKey.size(), "no second job");
        assertEquals("job-1", retried.job().id());
        assertEquals(2, retried.approved());
        assertEquals("job-1", actionOf("u-idle1").jobId());
        assertEquals("job-1", actionOf("u-idle2").jobId());
        assertEquals(PolicyAction.PENDING, actionOf("u-idle3").status());

        PolicyBulkApprovals.Approved again = bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2"));
        assertEquals(2, again.approved(), "a later retry answers the same");
        assertEquals(1, jobs.byKey.size());
    }

    @Test
    void aUserWhoUsedTheProductAgainOrLeftIsCancelledWithTheReasonNotPutInTheJob() {
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(1), "g-jira", "g-conf"));
        reader.users.remove("u-idle3");

        PolicyBulkApprovals.Approved approved = bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2", "u-idle3"));

        assertEquals(List.of("u-idle1"), jobs.plans.get(0).accountIds());
        assertEquals(1, approved.approved());
        assertEquals(2, approved.cancelled());
        assertEquals(PolicyAction.CANCELLED, actionOf("u-idle2").status());
        assertEquals(PolicyService.ACTIVE_AGAIN, actionOf("u-idle2").reasonCode());
        assertEquals(PolicyService.USER_GONE, actionOf("u-idle3").reasonCode());
        // The single approval's wording (PolicyServiceTest.approvingAUserActiveSinceCancelsWithTheReason), date included.
        assertEquals("The user used jira-software again (last active " + daysAgo(1) + ") since the action was proposed; the seat stays.",
                actionOf("u-idle2").reason());
        assertEquals("The user is no longer in the organization.", actionOf("u-idle3").reason());
    }

    @Test
    void aRetryThatFinishesTheMarksSaysTheSameAsTheRequestThatDecided() {
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(1), "g-jira", "g-conf"));
        String used = daysAgo(1);
        store.beforeUpdate = () -> { throw new com.saasspend.integration.testing.ProcessKilled(); };
        assertThrows(com.saasspend.integration.testing.ProcessKilled.class, () -> bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2")));
        store.beforeUpdate = () -> {};
        assertEquals(PolicyAction.PENDING, actionOf("u-idle2").status());
        // The user used Jira yet again meanwhile: the retry carries out the decision made, with what it read then.
        reader.add(user("u-idle2", false, daysAgo(400), daysAgo(0), "g-jira", "g-conf"));

        bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2"));

        assertEquals(PolicyAction.CANCELLED, actionOf("u-idle2").status());
        assertEquals("The user used jira-software again (last active " + used + ") since the action was proposed; the seat stays.",
                actionOf("u-idle2").reason());
    }

    @Test
    void thePolicysPendingActionsAreApprovedWithoutNamingThem() {
        PolicyBulkApprovals.Approved approved = bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, null));
        assertEquals(3, approved.approved());
        assertEquals(List.of("u-idle1", "u-idle2", "u-idle3"), jobs.plans.get(0).accountIds().stream().sorted().toList());

        Refusal none = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k2",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, null)));
        assertEquals("nothing_to_approve", none.code());
        assertEquals("policy_not_found", assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k3",
                new PolicyBulkApprovals.Request(null, "pol-00000000000000000000", PolicyAction.PENDING, null))).code());
        assertEquals("invalid_status", assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k4",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.APPROVED, null))).code());
    }

    @Test
    void aPolicysActionsOnSeveralProductsNeedTheProductNamed() {
        PolicyAction jira = actionOf("u-idle1");
        PolicyAction conf = new PolicyAction(PolicyAction.idOf(policy.id(), "u-idle2", "confluence", null), policy.id(), policy.name(),
                Policy.APPROVE, "u-idle2", "U", null, "confluence", List.of("g-conf"), 1, null, PolicyAction.PENDING, clock.instant(),
                clock.instant(), null, null, null, null, null, null, null, clock.instant());
        assertTrue(store.createAction(TENANT, conf));

        Refusal mixed = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, null)));
        assertEquals("mixed_products", mixed.code());
        assertEquals(Refusal.Kind.INVALID, mixed.kind());
        Refusal mixedIds = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(List.of(jira.id(), conf.id()), null, null, null)));
        assertEquals("mixed_actions", mixedIds.code());
        assertTrue(jobs.plans.isEmpty());

        bulk.approve(TENANT, "admin", "k1", new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, "confluence"));
        assertEquals(List.of("u-idle2"), jobs.plans.get(0).accountIds());
        assertEquals("confluence", jobs.plans.get(0).grantingProduct());
    }

    @Test
    void unknownDecidedTooManyAndAReusedKeyAreRefusedWithStableCodesAndNothingStarts() {
        String unknown = PolicyAction.idOf(policy.id(), "nobody", "jira-software", null);
        Refusal notFound = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(List.of(idOf("u-idle1"), unknown), null, null, null)));
        assertEquals("unknown_actions", notFound.code());
        assertTrue(notFound.getMessage().contains(unknown));
        assertEquals("unknown_actions", assertThrows(Refusal.class, () -> bulk.approve("another-tenant", "admin", "k1",
                byIds("u-idle1"))).code(), "another tenant's actions do not exist for it");

        service.reject(TENANT, "admin", idOf("u-idle3"));
        Refusal decided = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle3")));
        assertEquals("actions_not_pending", decided.code());
        assertEquals(Refusal.Kind.CONFLICT, decided.kind());

        List<String> tooMany = IntStream.range(0, PolicyBulkApprovals.MAX_ACTIONS + 1)
                .mapToObj(i -> PolicyAction.idOf(policy.id(), "u" + i, "jira-software", null)).toList();
        assertEquals("too_many_actions", assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(tooMany, null, null, null))).code());
        assertTrue(jobs.plans.isEmpty());
        assertTrue(jobs.starts.isEmpty());

        bulk.approve(TENANT, "admin", "k1", byIds("u-idle1"));
        Refusal reused = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1", byIds("u-idle2")));
        assertEquals("idempotency_key_reused", reused.code());
        assertEquals(PolicyAction.PENDING, actionOf("u-idle2").status());
        assertEquals(1, jobs.byKey.size());
    }

    @Test
    void theKeyIsFreeAgainOnceItExpires() {
        bulk.approve(TENANT, "admin", "k1", byIds("u-idle1"));
        clock.advance(PolicyBulkApprovals.KEY_LIFETIME.plusMinutes(1));
        assertEquals("plan-2", bulk.approve(TENANT, "admin", "k1", byIds("u-idle2")).job().planId(), "a new approval");
    }

    @Test
    void aFullReadOfActionsAndUsersIsOneCallEachWithNoEmptyCallAfter() {
        List<String> ids = new ArrayList<>(List.of(idOf("u-idle1"), idOf("u-idle2"), idOf("u-idle3")));
        ids.addAll(stored(PolicyStore.ACTIONS_PER_READ - 3, PolicyAction.PENDING));
        assertEquals(LicenseStore.USERS_PER_READ, ids.size(), "as many actions as one read of users takes, too");
        int userReads = reclaims.userReads;
        int actionReads = store.actionReads;

        PolicyBulkApprovals.Approved approved = bulk.approve(TENANT, "admin", "k1", new PolicyBulkApprovals.Request(ids, null, null, null));

        assertEquals(PolicyStore.ACTIONS_PER_READ, approved.approved());
        assertEquals(1, reclaims.userReads - userReads, "the users in one read");
        assertEquals(2, store.actionReads - actionReads, "the actions read once to check them, once to mark them");
        assertEquals(1, store.batchUpdates, "marked in one call");
    }

    @Test
    void exactlyTheMostActionsAtOnceAreAcceptedAndNoneIsRefusedWithTheBound() {
        Refusal none = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(List.of(), null, null, null)));
        assertEquals("too_many_actions", none.code());
        assertEquals("Approve 1 to " + PolicyBulkApprovals.MAX_ACTIONS + " actions at once.", none.getMessage());

        // As many as a request takes: checked (they do not exist), not refused by their number.
        Refusal most = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(unknownIds(policy, PolicyBulkApprovals.MAX_ACTIONS), null, null, null)));
        assertEquals("unknown_actions", most.code());
    }

    @Test
    void theUnknownActionsAreNamedUpToTwentyThenElided() {
        List<String> twenty = unknownIds(policy, 20);
        Refusal named = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(twenty, null, null, null)));
        assertEquals("20 of the named actions do not exist: " + String.join(", ", twenty) + ".", named.getMessage());

        List<String> more = unknownIds(policy, 21);
        Refusal elided = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(more, null, null, null)));
        assertEquals("21 of the named actions do not exist: " + String.join(", ", more.subList(0, 20)) + ", ....",
                elided.getMessage());
    }

    @Test
    void theDecidedActionsAreNamedWithTheirStatusUpToTwentyThenElided() {
        List<String> twenty = stored(20, PolicyAction.REJECTED);
        Refusal named = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(twenty, null, null, null)));
        assertEquals("20 of the named actions are decided already: "
                + String.join(", ", twenty.stream().map(id -> id + " (rejected)").toList())
                + ". Only pending actions are approved; leave those out.", named.getMessage());

        List<String> more = new ArrayList<>(twenty);
        more.add(stored("u-one-more", PolicyAction.DONE));
        Refusal elided = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(more, null, null, null)));
        assertEquals("21 of the named actions are decided already: "
                + String.join(", ", twenty.stream().map(id -> id + " (rejected)").toList())
                + ", .... Only pending actions are approved; leave those out.", elided.getMessage());
        assertTrue(jobs.plans.isEmpty());
    }

    @Test
    void aPolicysPendingActionsUpToTheMostAreApprovedAndOneMoreIsRefusedNamingTheProduct() {
        stored(PolicyBulkApprovals.MAX_ACTIONS - 3, PolicyAction.PENDING);
        PolicyBulkApprovals.Request all = new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, "jira-software");
        assertEquals(PolicyBulkApprovals.MAX_ACTIONS, bulk.approve(TENANT, "admin", "k1", all).approved());

        stored(PolicyBulkApprovals.MAX_ACTIONS + 1, PolicyAction.PENDING);
        Refusal tooMany = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k2",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, "jira-software")));
        assertEquals("too_many_actions", tooMany.code());
        assertEquals("The policy has more than " + PolicyBulkApprovals.MAX_ACTIONS + " pending actions on jira-software; approve "
                + "them by id, " + PolicyBulkApprovals.MAX_ACTIONS + " at a time.", tooMany.getMessage());
        Refusal tooManyOfAny = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k2",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, null)));
        assertEquals("The policy has more than " + PolicyBulkApprovals.MAX_ACTIONS + " pending actions; approve them by id, "
                + PolicyBulkApprovals.MAX_ACTIONS + " at a time.", tooManyOfAny.getMessage());
    }

    @Test
    void noPendingActionOnTheNamedProductSaysWhichProduct() {
        Refusal none = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1",
                new PolicyBulkApprovals.Request(null, policy.id(), PolicyAction.PENDING, "confluence")));
        assertEquals("nothing_to_approve", none.code());
        assertEquals("The policy has no pending actions on confluence.", none.getMessage());
    }

    @Test
    void actionsOfADeletedPolicyAreRefusedWithWhereToReclaimInstead() {
        store.deletePolicy(TENANT, policy.id());
        Refusal deleted = assertThrows(Refusal.class, () -> bulk.approve(TENANT, "admin", "k1", byIds("u-idle1")));
        assertEquals(PolicyService.POLICY_DELETED, deleted.code());
        assertEquals(Refusal.Kind.CONFLICT, deleted.kind());
        assertEquals("The policy of these actions was deleted; reclaim the users from the License page instead.", deleted.getMessage());
        assertTrue(jobs.plans.isEmpty());
    }

    @Test
    void aRequestThatLostTheRaceForItsKeyCarriesOutTheWinnersDecision() {
        store.beforeBulkCreate = () -> {
            store.beforeBulkCreate = () -> {};
            // The same request, sent twice at once: the other copy stores its decision first.
            bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2"));
        };

        PolicyBulkApprovals.Approved loser = bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle2"));

        assertTrue(loser.replayed());
        assertEquals("plan-2", loser.job().planId(), "the winner's plan (the loser's plan-1 is left unused)");
        assertEquals(1, jobs.byKey.size(), "one job");
        assertEquals(2, loser.approved());
    }

    @Test
    void aReplayOfAFinishedApprovalCountsItsCancellationsAgain() {
        reader.users.remove("u-idle3");
        PolicyBulkApprovals.Approved first = bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle3"));
        assertEquals(1, first.cancelled());

        PolicyBulkApprovals.Approved replay = bulk.approve(TENANT, "admin", "k1", byIds("u-idle1", "u-idle3"));

        assertTrue(replay.replayed());
        assertEquals(1, replay.approved());
        assertEquals(1, replay.cancelled(), "marked by the first: counted, not marked again");
        assertEquals(PolicyService.USER_GONE, actionOf("u-idle3").reasonCode());
    }
}
