package com.saasspend.integration.domain.policies;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.Refusal.Kind;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.LicenseReader;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.domain.reclaim.jobs.JobPlan;
import com.saasspend.integration.domain.reclaim.jobs.JobPlanner;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Reclaim policies: their rules, what they would do now ({@link #preview}), their evaluation after each completed org
 * sync ({@link #evaluateAll}) and the actions it records, decided by an admin ({@link #approve}, {@link #reject}) or,
 * in auto mode, run when due unless the user, re-read from Atlassian just before, is active again.
 *
 * <p>Candidates come from the License page's own listings (an index range per page, never the tenant's users), read
 * least recently active first and only until the policy's cap is reached; each is planned by the bulk reclaim's
 * {@link JobPlanner} over the single reclaim's {@link ReclaimPlanner}, so a policy never proposes what a reclaim would
 * refuse; org admins and the integration key owners are never candidates. An action's id is derived from its
 * candidacy and created with a conditional put, so a repeated sync or a twice-delivered event creates nothing twice.
 * Every step is resumable: an approved action is run again under the same reclaim key (the reclaim finishes, never
 * repeats), a notice not yet marked published is published again.
 */
public final class PolicyService {
    private static final Log LOG = Log.of(PolicyService.class);
    /** Rows of the listing looked at per product in one evaluation, whatever the cap (bounds an invocation's reads). */
    static final int MAX_EXAMINED = JobSelection.MAX_USERS;
    /** Skipped users an answer names (the count is complete). */
    static final int MAX_SKIPPED_SHOWN = 100;
    /** Pending actions looked at per page when finding due ones or cancelling a deleted policy's. */
    static final int ACTION_PAGE = 100;
    /** Pages of actions one evaluation or deletion walks at most. */
    static final int MAX_ACTION_PAGES = 50;
    public static final String ACTOR_PREFIX = "policy:";
    static final Pattern POLICY_ID = Pattern.compile("pol-[0-9a-f]{20}");

    // Stable reason codes of a skipped user or an ended action (besides the planner's own).
    public static final String ORG_ADMIN = "org_admin";
    public static final String ADDED_RECENTLY = "added_recently";
    public static final String ACTIVE_AGAIN = "active_again";
    public static final String NO_LONGER_CANDIDATE = "no_longer_candidate";
    public static final String USER_GONE = "user_gone";
    public static final String POLICY_DELETED = "policy_deleted";
    /** Outcome of a policy whose evaluation on the event's sync run is recorded already (a redelivered event). */
    public static final String ALREADY_EVALUATED = "already_evaluated";
    /** Outcome of a policy another delivery of the event is evaluating right now (its claim is live). */
    public static final String ALREADY_EVALUATING = "already_evaluating";
    /**
     * How long an evaluation's claim is honoured: the PolicyEvaluationFunction's Timeout in template.yaml
     * (TemplateContractTest holds them equal), after which its holder cannot be running any more.
     */
    public static final Duration EVALUATION_TIMEOUT = Duration.ofSeconds(300);
    /** An open action not run because its user could not be re-read from Atlassian just before the removal. */
    public static final String USER_NOT_REREAD = "user_not_reread";

    private final PolicyStore store;
    private final LicenseService listing;
    private final PolicyReclaims reclaims;
    private final PolicyEvents events;
    private final TenantSettingsStore settings;
    private final Clock clock;

    public PolicyService(PolicyStore store, LicenseService listing, PolicyReclaims reclaims, PolicyEvents events,
                         TenantSettingsStore settings, Clock clock) {
        this.store = store;
        this.listing = listing;
        this.reclaims = reclaims;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- policies

    public List<Policy> list(String tenantId) {
        return store.policies(tenantId);
    }

    public Policy get(String tenantId, String policyId) {
        return (POLICY_ID.matcher(policyId == null ? "" : policyId).matches() ? store.policy(tenantId, policyId) : Optional.<Policy>empty())
                .orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "policy_not_found", "There is no policy with this id."));
    }

    public Policy create(String tenantId, PolicyDraft draft) {
        Instant now = clock.instant();
        Policy policy = PolicyRules.validate(draft, newId(), now, now, 1);
        if (store.policies(tenantId).size() >= PolicyRules.MAX_POLICIES) {
            throw new Refusal(Kind.CONFLICT, "policy_limit_reached", "A tenant has at most " + PolicyRules.MAX_POLICIES
                    + " policies; delete one or widen an existing one.");
        }
        store.putPolicy(tenantId, policy, null);
        LOG.info("policy created", "policyId", policy.id(), "mode", policy.mode());
        return policy;
    }

    public Policy update(String tenantId, String policyId, PolicyDraft draft) {
        Policy current = get(tenantId, policyId);
        Policy updated = PolicyRules.validate(draft, current.id(), current.createdAt(), clock.instant(), current.version() + 1)
                .withLastEvaluation(current.lastEvaluation());
        if (!store.putPolicy(tenantId, updated, current.version())) {
            throw new Refusal(Kind.CONFLICT, "policy_changed", "The policy was changed by someone else meanwhile; read it again and retry.");
        }
        LOG.info("policy updated", "policyId", policyId, "mode", updated.mode(), "paused", updated.paused());
        return updated;
    }

    /**
     * Deletes the policy, then cancels its open actions (a deletion interrupted between the two leaves actions that
     * approving refuses: their policy is gone).
     */
    public void delete(String tenantId, String policyId, String actor) {
        get(tenantId, policyId);
        store.deletePolicy(tenantId, policyId);
        Instant now = clock.instant();
        for (String status : List.of(PolicyAction.PENDING, PolicyAction.APPROVED)) {
            forEachAction(tenantId, status, policyId, action -> {
                // One decided meanwhile keeps that decision (the conditional update writes nothing); the walk goes on.
                store.updateAction(tenantId, action.decided(PolicyAction.CANCELLED, actor, now)
                        .ended(PolicyAction.CANCELLED, null, null, null, POLICY_DELETED, "The policy was deleted.", now), status);
                return true;
            });
        }
        LOG.info("policy deleted", "policyId", policyId);
    }

    private static String newId() {
        byte[] random = new byte[10];
        ThreadLocalRandom.current().nextBytes(random);
        return "pol-" + HexFormat.of().formatHex(random);
    }

    // ---------------------------------------------------------------- evaluation

    /** A user the policy would act on now, with what it would free. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Candidate(String accountId, String name, String email, String productKey, List<String> groupIds,
                            List<OrgUser.GroupRef> groups, int seatsFreed, BigDecimal monthlyCostFreed, String lastActive,
                            String actionId) {}

    /** A user the listing named that the policy leaves alone, with a stable code. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Skipped(String accountId, String name, String productKey, String code, String reason) {}

    /**
     * What an evaluation found or did. {@code outcome}: evaluated, paused (the policy), policies_paused (the tenant's kill
     * switch), reclaim_not_enabled. {@code capped}: more candidates may exist past the per-run cap or the rows examined.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evaluation(String policyId, String mode, String outcome, List<Candidate> candidates, int skippedCount,
                             List<Skipped> skipped, int examined, boolean capped, int actionsCreated, int reclaimed, int cancelled,
                             int failed) {}

    /** What the policy would do now; writes nothing. */
    public Evaluation preview(String tenantId, String policyId) {
        Policy policy = get(tenantId, policyId);
        ReclaimPlanner.Context context = reclaims.planningContext(tenantId);
        Found found = find(tenantId, policy, context, false, (c, known) -> true);
        String outcome = settings.get(tenantId).policiesPaused() ? "policies_paused" : policy.paused() ? "paused" : "evaluated";
        return new Evaluation(policy.id(), policy.mode(), outcome, found.candidates, found.skippedCount, found.skipped, found.examined,
                found.capped, 0, 0, 0, 0);
    }

    /**
     * After a completed org sync: every policy of the tenant, each bounded by its cap, while the invocation has time.
     * The tenant's kill switch stops all of it, due reclaims included.
     */
    public List<Evaluation> evaluateAll(String tenantId, Budget budget) {
        return evaluateAll(tenantId, null, budget);
    }

    /**
     * As {@link #evaluateAll(String, Budget)}, on completed sync run {@code runId}: a policy already evaluated on that run
     * is left alone, so its event delivered again does not take the next candidates up to the cap a second time (the cap
     * bounds what one sync run starts). A run whose evaluation died before it was recorded is evaluated again.
     */
    public List<Evaluation> evaluateAll(String tenantId, String runId, Budget budget) {
        if (settings.get(tenantId).policiesPaused()) {
            LOG.info("policies are paused for the tenant; nothing evaluated");
            return List.of();
        }
        // Until the actions stored before the status index are in it, each run brings a bounded part of them in.
        store.indexStoredActions(tenantId);
        List<Evaluation> results = new ArrayList<>();
        for (Policy policy : store.policies(tenantId)) {
            if (budget.nearlyOut()) {
                LOG.warn("out of time before every policy was evaluated; the next sync evaluates them", "policyId", policy.id());
                break;
            }
            if (policy.lastEvaluation() != null && policy.lastEvaluation().evaluatedOn(runId)) {
                LOG.info("policy already evaluated on this sync run", "policyId", policy.id(), "runId", runId);
                results.add(new Evaluation(policy.id(), policy.mode(), ALREADY_EVALUATED, List.of(), 0, List.of(), 0, false, 0, 0, 0, 0));
                continue;
            }
            results.add(policy.paused() ? evaluate(tenantId, policy, runId, budget) : claimed(tenantId, policy, runId, budget));
        }
        return results;
    }

    /**
     * Evaluates the policy under a claim taken before anything is read: the run record ({@code lastEvaluation}) is
     * written only at the end, so without it two deliveries of one event at the same moment would both take candidates
     * up to the cap. A claim whose holder died (older than the function's timeout) is taken over; one that failed with
     * an exception is released, so the Lambda's retry evaluates again.
     */
    private Evaluation claimed(String tenantId, Policy policy, String runId, Budget budget) {
        PolicyStore.EvaluationClaim claim = new PolicyStore.EvaluationClaim(newClaimId(), runId, clock.instant());
        if (!store.claimEvaluation(tenantId, policy.id(), claim, claim.since().minus(EVALUATION_TIMEOUT))) {
            LOG.info("policy being evaluated by another delivery; left to it", "policyId", policy.id(), "runId", runId);
            return new Evaluation(policy.id(), policy.mode(), ALREADY_EVALUATING, List.of(), 0, List.of(), 0, false, 0, 0, 0, 0);
        }
        Evaluation evaluation;
        try {
            evaluation = evaluate(tenantId, policy, runId, budget);
        } catch (RuntimeException failed) {
            store.releaseEvaluation(tenantId, policy.id(), claim.claimId());
            throw failed;
        }
        store.releaseEvaluation(tenantId, policy.id(), claim.claimId());
        return evaluation;
    }

    private static String newClaimId() {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return "eval-" + HexFormat.of().formatHex(random);
    }

    Evaluation evaluate(String tenantId, Policy policy, String runId, Budget budget) {
        if (policy.paused()) {
            return new Evaluation(policy.id(), policy.mode(), "paused", List.of(), 0, List.of(), 0, false, 0, 0, 0, 0);
        }
        ReclaimPlanner.Context context;
        try {
            context = reclaims.planningContext(tenantId);
        } catch (Refusal notOpen) {
            LOG.info("policy not evaluated", "policyId", policy.id(), "code", notOpen.code());
            return new Evaluation(policy.id(), policy.mode(), notOpen.code(), List.of(), 0, List.of(), 0, false, 0, 0, 0, 0);
        }
        Instant now = clock.instant();
        int[] reclaimedCancelledFailed = new int[3];
        if (Policy.AUTO.equals(policy.mode())) {
            // Due actions first: they were announced a grace period ago; new candidates wait for their own.
            runDue(tenantId, policy, budget, reclaimedCancelledFailed);
        }
        List<PolicyAction> created = new ArrayList<>();
        int[] createdCount = {0};
        // Report mode records nothing: the evaluation's own answer (and the policy's lastEvaluation) is the report.
        boolean records = !Policy.REPORT.equals(policy.mode());
        Found found;
        try {
            found = find(tenantId, policy, context, records,
                    records ? recorder(tenantId, policy, now, created, createdCount) : (c, known) -> true);
        } catch (Refusal notReady) {
            if (notReady.kind() != Kind.NOT_READY) {
                throw notReady;
            }
            // The License page's listings are being rebuilt by the next sync: its completion evaluates again.
            publishNotices(tenantId, policy, created);
            LOG.info("policy not evaluated", "policyId", policy.id(), "code", notReady.code());
            return new Evaluation(policy.id(), policy.mode(), notReady.code(), List.of(), 0, List.of(), 0, false, createdCount[0],
                    reclaimedCancelledFailed[0], reclaimedCancelledFailed[1], reclaimedCancelledFailed[2]);
        }
        publishNotices(tenantId, policy, created);
        Evaluation evaluation = new Evaluation(policy.id(), policy.mode(), "evaluated", found.candidates, found.skippedCount,
                found.skipped, found.examined, found.capped, createdCount[0],
                reclaimedCancelledFailed[0], reclaimedCancelledFailed[1], reclaimedCancelledFailed[2]);
        store.recordEvaluation(tenantId, policy.id(), new Policy.LastEvaluation(now, evaluation.outcome(), found.candidates.size(),
                evaluation.actionsCreated(), evaluation.reclaimed(), evaluation.cancelled(), runId));
        LOG.info("policy evaluated", "policyId", policy.id(), "mode", policy.mode(), "candidates", found.candidates.size(),
                "created", evaluation.actionsCreated(), "reclaimed", evaluation.reclaimed(), "cancelled", evaluation.cancelled(),
                "examined", found.examined);
        return evaluation;
    }

    /**
     * Records each candidate's action once (a conditional create; a known one is not written again) and collects the
     * actions whose notice is still to publish; a candidate counts towards the cap only when its action is new.
     */
    private Sink recorder(String tenantId, Policy policy, Instant now, List<PolicyAction> toNotice, int[] createdCount) {
        return (candidate, known) -> {
            if (known == null) {
                PolicyAction action = newAction(policy, candidate, now);
                if (store.createAction(tenantId, action)) {
                    toNotice.add(action);
                    createdCount[0]++;
                    return true;
                }
                // Created by a concurrent evaluation of the same sync: that one announces it.
                return false;
            }
            // Known already: a notice that a crash left unpublished is published now (at least once); an action recorded
            // in approve mode, its policy since switched to auto, gets the user's notice and a due date now.
            if (PolicyAction.PENDING.equals(known.status()) && (known.noticedAt() == null
                    || (Policy.AUTO.equals(policy.mode()) && known.dueAt() == null))) {
                toNotice.add(known);
            }
            return false;
        };
    }

    private static PolicyAction newAction(Policy policy, Candidate c, Instant now) {
        return new PolicyAction(c.actionId(), policy.id(), policy.name(), policy.mode(), c.accountId(), c.name(), c.email(),
                c.productKey(), c.groupIds(), c.seatsFreed(), c.monthlyCostFreed(), PolicyAction.PENDING, now, null, null,
                c.lastActive(), null, null, null, null, null, now, null, c.groups());
    }

    /**
     * Publishes the notices of actions not yet noticed, then marks them (a crash between the two publishes again: at
     * least once). An auto action's due date counts from its notice: no seat is reclaimed without one.
     */
    private void publishNotices(String tenantId, Policy policy, List<PolicyAction> unnoticed) {
        if (unnoticed.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (Policy.AUTO.equals(policy.mode())) {
            for (PolicyAction action : unnoticed) {
                PolicyAction noticed = action.noticed(now, now.plus(Duration.ofDays(policy.graceDays())));
                events.noticeDue(tenantId, policy, noticed);
                store.updateAction(tenantId, noticed, PolicyAction.PENDING);
            }
        } else {
            List<PolicyAction> noticed = unnoticed.stream().map(a -> a.noticed(now, null)).toList();
            events.actionsPending(tenantId, policy, noticed);
            noticed.forEach(a -> store.updateAction(tenantId, a, PolicyAction.PENDING));
        }
    }

    /**
     * Candidates of a policy, each offered to {@code sink} with its action when one exists for this candidacy (read
     * only when actions are recorded); those it answers true for count towards the cap.
     */
    private interface Sink {
        boolean take(Candidate candidate, PolicyAction known);
    }

    private static final class Found {
        final List<Candidate> candidates = new ArrayList<>();
        final List<Skipped> skipped = new ArrayList<>();
        int skippedCount;
        int examined;
        boolean capped;

        void skip(Skipped s) {
            skippedCount++;
            if (skipped.size() < MAX_SKIPPED_SHOWN) {
                skipped.add(s);
            }
        }
    }

    private Found find(String tenantId, Policy policy, ReclaimPlanner.Context context, boolean readActions, Sink sink) {
        Found found = new Found();
        Instant now = clock.instant();
        int[] counted = {0};
        // Groups already read in this evaluation: batches share most of their users' groups (at most the org's groups).
        Map<String, OrgGroup> groupsRead = new HashMap<>();
        for (String product : policy.products()) {
            if (counted[0] >= policy.maxReclaimsPerRun()) {
                found.capped = true;
                break;
            }
            boolean inactive = Policy.INACTIVE.equals(policy.condition().type());
            List<String> batch = new ArrayList<>();
            int[] examined = {0};
            boolean whole = listing.forEachUser(tenantId, new LicenseService.UserQuery(product, inactive ? "inactive" : "never",
                    policy.condition().days(), null, LicenseReader.UserOrder.LAST_ACTIVE_ASC, null, LicenseService.MAX_LIMIT), row -> {
                        batch.add(row.accountId());
                        examined[0]++;
                        if (batch.size() == LicenseStore.USERS_PER_READ) {
                            consider(tenantId, policy, product, context, now, batch, readActions, sink, counted, found, groupsRead);
                            batch.clear();
                        }
                        return counted[0] < policy.maxReclaimsPerRun() && examined[0] < MAX_EXAMINED;
                    });
            if (!batch.isEmpty() && counted[0] < policy.maxReclaimsPerRun()) {
                consider(tenantId, policy, product, context, now, batch, readActions, sink, counted, found, groupsRead);
            }
            found.examined += examined[0];
            found.capped |= !whole;
        }
        return found;
    }

    /** One batch of listed users: read (one batch read), screened, planned; each planned user offered to the sink. */
    private void consider(String tenantId, Policy policy, String product, ReclaimPlanner.Context context, Instant now,
                          List<String> accountIds, boolean readActions, Sink sink, int[] counted, Found found,
                          Map<String, OrgGroup> groupsRead) {
        Map<String, OrgUser> users = reclaims.users(tenantId, accountIds);
        List<JobPlanner.Candidate> eligible = new ArrayList<>();
        for (String id : accountIds) {
            OrgUser user = users.get(id);
            if (user == null) {
                continue; // removed from the org since the listing was read
            }
            Optional<Skipped> skipped = screen(policy, product, user, now);
            if (skipped.isPresent()) {
                found.skip(skipped.get());
            } else {
                eligible.add(new JobPlanner.Candidate(id, user));
            }
        }
        if (eligible.isEmpty()) {
            return;
        }
        Set<String> groupIds = new LinkedHashSet<>();
        eligible.forEach(c -> c.user().groups().forEach(g -> groupIds.add(g.id())));
        groupIds.removeAll(groupsRead.keySet());
        if (!groupIds.isEmpty()) {
            groupsRead.putAll(reclaims.groups(tenantId, groupIds));
        }
        Map<String, OrgGroup> groups = groupsRead;
        JobPlan plan = JobPlanner.plan("policy", now, now, eligible, groups, selection(policy, product), context);
        plan.skipped().forEach(s -> found.skip(new Skipped(s.accountId(), s.name(), product, s.code(), s.reason())));
        // The batch's actions in one read: a candidate already decided (or pending) costs a read, never a failed write.
        Map<String, PolicyAction> known = !readActions || plan.included().isEmpty() ? Map.of() : store.actions(tenantId,
                plan.included().stream().map(p -> PolicyAction.idOf(policy.id(), p.accountId(), product,
                        lastActive(users.get(p.accountId()), product))).toList());
        for (JobPlan.PlannedUser planned : plan.included()) {
            if (counted[0] >= policy.maxReclaimsPerRun()) {
                found.capped = true;
                return;
            }
            OrgUser user = users.get(planned.accountId());
            String lastActive = lastActive(user, product);
            Candidate candidate = new Candidate(user.accountId(), user.name(), user.email(), product, planned.groupIds(),
                    planned.groups(), planned.productsFreed().size(), planned.monthlyCostFreed(), lastActive,
                    PolicyAction.idOf(policy.id(), user.accountId(), product, lastActive));
            found.candidates.add(candidate);
            if (sink.take(candidate, known.get(candidate.actionId()))) {
                counted[0]++;
            }
        }
    }

    private static JobSelection selection(Policy policy, String product) {
        return new JobSelection(null, new JobSelection.Filter(product, null, null, null, policy.excludeGroupIds(), policy.excludeAccountIds()),
                product, null);
    }

    /** Who a policy never proposes before planning: org admins always; for never_used, users added too recently. */
    private static Optional<Skipped> screen(Policy policy, String product, OrgUser user, Instant now) {
        if (user.orgAdmin()) {
            return Optional.of(new Skipped(user.accountId(), user.name(), product, ORG_ADMIN,
                    "Organization admins are never reclaimed by a policy."));
        }
        if (Policy.NEVER_USED.equals(policy.condition().type())) {
            Instant added = parseInstant(user.addedToOrg());
            if (added == null || added.isAfter(now.minus(Duration.ofDays(policy.condition().days())))) {
                return Optional.of(new Skipped(user.accountId(), user.name(), product, ADDED_RECENTLY, added == null
                        ? "Atlassian does not say when the user was added to the organization, so the policy leaves them alone."
                        : "Added to the organization less than " + policy.condition().days() + " days ago."));
            }
        }
        return Optional.empty();
    }

    /** The user's latest use of the product key, as stored (null: never used it, or does not hold it). */
    static String lastActive(OrgUser user, String product) {
        return user.products().stream().filter(p -> product.equalsIgnoreCase(p.key())).map(OrgUser.ProductAccess::lastActive)
                .filter(Objects::nonNull).max((a, b) -> Instant.parse(a).compareTo(Instant.parse(b))).orElse(null);
    }

    private static boolean holds(OrgUser user, String product) {
        return user.products().stream().anyMatch(p -> product.equalsIgnoreCase(p.key()));
    }

    static Instant parseInstant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- due actions (auto mode)

    /**
     * The policy's noticed actions whose grace period has ended (and approved ones a crash left unfinished), at most
     * its cap per run: each user re-read from Atlassian first; active again (or no longer a candidate) cancels the action
     * with the reason, else it is reclaimed. A user who could not be re-read (Atlassian paused, disconnected, failing or
     * silent about them) is not reclaimed: the action stays open with reason {@link #USER_NOT_REREAD}, retried next run.
     */
    private void runDue(String tenantId, Policy policy, Budget budget, int[] reclaimedCancelledFailed) {
        Instant now = clock.instant();
        int cap = policy.maxReclaimsPerRun();
        List<PolicyAction> due = new ArrayList<>();
        // Approved ones first: a crash left them unfinished (few).
        forEachAction(tenantId, PolicyAction.APPROVED, policy.id(), action -> {
            due.add(action);
            return due.size() < cap;
        });
        if (due.size() < cap) {
            // The pending ones due, read by due date; a store that cannot yet (actions from before its index) is walked.
            Optional<List<PolicyAction>> byDueDate = store.dueActions(tenantId, policy.id(), now, cap - due.size());
            if (byDueDate.isPresent()) {
                due.addAll(byDueDate.get());
            } else {
                forEachAction(tenantId, PolicyAction.PENDING, policy.id(), action -> {
                    if (action.dueAt() != null && !action.dueAt().isAfter(now)) {
                        due.add(action);
                    }
                    return due.size() < cap;
                });
            }
        }
        for (int from = 0; from < due.size(); from += PolicyReclaims.REFRESH_BATCH) {
            if (budget.nearlyOut() || settings.get(tenantId).policiesPaused()) {
                // The kill switch is read again between batches: pausing stops a run already under way.
                break;
            }
            List<PolicyAction> batch = due.subList(from, Math.min(due.size(), from + PolicyReclaims.REFRESH_BATCH));
            PolicyReclaims.Reread reread;
            try {
                reread = reclaims.refresh(tenantId, batch.stream().map(PolicyAction::accountId).distinct().toList());
            } catch (UpstreamFailure | Refusal notNow) {
                // Without Atlassian's word on activity no seat is taken: the actions wait for the next run.
                LOG.warn("users could not be re-read before their due reclaims; they wait for the next run", "policyId", policy.id(),
                        "error", notNow.getMessage());
                batch.forEach(action -> defer(tenantId, action, "Atlassian did not answer when the user was re-read just before the"
                        + " removal; the seat is not taken on stored data. A later evaluation retries."));
                return;
            }
            for (PolicyAction action : batch) {
                // Cancelling on stored data is safe; removing is not: a user Atlassian did not just confirm keeps the seat.
                String notReread = !reread.connected()
                        ? "The Atlassian integration is paused or not connected, so the user could not be re-read just before the"
                                + " removal; the seat is not taken on stored data. A later evaluation retries."
                        : reread.current().contains(action.accountId()) ? null
                        : "Atlassian did not confirm the user's current state just before the removal; the seat is not taken on"
                                + " stored data. A later evaluation retries.";
                PolicyAction ended;
                try {
                    ended = runIfStillCandidate(tenantId, policy, action, ACTOR_PREFIX + policy.id(), notReread);
                } catch (UpstreamFailure | Refusal notNow) {
                    // Atlassian failing or the user's reclaim held elsewhere: it stays approved, finished by the next run.
                    LOG.warn("a due policy action could not be run now", "actionId", action.id(), "error", notNow.getMessage());
                    return;
                }
                switch (ended.status()) {
                    case PolicyAction.DONE -> reclaimedCancelledFailed[0]++;
                    case PolicyAction.CANCELLED -> reclaimedCancelledFailed[1]++;
                    case PolicyAction.FAILED -> reclaimedCancelledFailed[2]++;
                    default -> { }
                }
            }
        }
    }

    /** Walks actions of one status (and policy), a bounded number of pages, until {@code each} answers false. */
    private void forEachAction(String tenantId, String status, String policyId, java.util.function.Predicate<PolicyAction> each) {
        String after = null;
        for (int pages = 0; pages < MAX_ACTION_PAGES; pages++) {
            Page<PolicyAction> page = store.actions(tenantId, status, policyId, after, ACTION_PAGE);
            for (PolicyAction action : page.items()) {
                if (!each.test(action)) {
                    return;
                }
            }
            if (page.nextCursor() == null) {
                return;
            }
            after = page.nextCursor();
        }
    }

    /**
     * Why the stored {@code user} (null: gone) no longer is the candidate the action proposed: {@link #USER_GONE}, or
     * {@link #ACTIVE_AGAIN} when the product's last use changed since; empty when it still is.
     */
    static Optional<String> changedSinceProposed(OrgUser user, PolicyAction action) {
        if (user == null) {
            return Optional.of(USER_GONE);
        }
        return Objects.equals(lastActive(user, action.productKey()), action.lastActive()) ? Optional.empty() : Optional.of(ACTIVE_AGAIN);
    }

    /**
     * Why an action whose user changed since it was proposed ({@link #changedSinceProposed}'s {@code code}) is cancelled:
     * one wording for a single run or approval and a bulk approval. {@code lastActive}: the product's last use as read
     * (null: not known).
     */
    static String changedSinceProposedReason(String code, String productKey, String lastActive) {
        if (USER_GONE.equals(code)) {
            return "The user is no longer in the organization.";
        }
        return "The user used " + productKey + " again" + (lastActive == null ? "" : " (last active " + lastActive + ")")
                + " since the action was proposed; the seat stays.";
    }

    /**
     * Runs an action as a normal reclaim, after checking from the stored user (just re-read for a due action) that it is
     * still a candidate: its product's last use unchanged, still held, still planned by the policy's rules. Resumable:
     * the action is {@code approved} before the reclaim and the reclaim's key is the action's, so a crash anywhere is
     * finished by running it again. {@code notReread}: why the user's stored copy is not Atlassian's word just now; the
     * action may still be cancelled on it, never run (it stays open with that reason).
     */
    private PolicyAction runIfStillCandidate(String tenantId, Policy policy, PolicyAction action, String actor, String notReread) {
        Instant now = clock.instant();
        OrgUser user = reclaims.users(tenantId, List.of(action.accountId())).get(action.accountId());
        Optional<String> notCandidate = changedSinceProposed(user, action);
        String why = notCandidate.map(code -> changedSinceProposedReason(code, action.productKey(),
                user == null ? null : lastActive(user, action.productKey()))).orElse(null);
        List<OrgUser.GroupRef> planned = action.groups();
        if (notCandidate.isEmpty() && !holds(user, action.productKey())) {
            notCandidate = Optional.of(NO_LONGER_CANDIDATE);
            why = "The user no longer holds " + action.productKey() + ".";
        }
        if (notCandidate.isEmpty()) {
            // Planned again now: groups, exclusions and guardrails may have changed since the action was recorded.
            Optional<Skipped> screened = screen(policy, action.productKey(), user, now);
            Map<String, OrgGroup> groups = reclaims.groups(tenantId, user.groups().stream().map(OrgUser.GroupRef::id).toList());
            JobPlan plan = screened.isPresent() ? null : JobPlanner.plan("policy", now, now,
                    List.of(new JobPlanner.Candidate(user.accountId(), user)), groups, selection(policy, action.productKey()),
                    reclaims.planningContext(tenantId));
            if (plan == null || plan.included().isEmpty()) {
                Skipped skipped = screened.orElseGet(() -> plan.skipped().stream().findFirst()
                        .map(s -> new Skipped(s.accountId(), s.name(), action.productKey(), s.code(), s.reason()))
                        .orElse(new Skipped(user.accountId(), user.name(), action.productKey(), NO_LONGER_CANDIDATE, "Not a candidate any more.")));
                notCandidate = Optional.of(skipped.code());
                why = skipped.reason();
            } else {
                planned = plan.included().get(0).groups();
            }
        }
        if (notCandidate.isPresent()) {
            PolicyAction cancelled = action.ended(PolicyAction.CANCELLED, null, null, null, notCandidate.get(), why, now);
            store.updateAction(tenantId, cancelled, action.status());
            LOG.info("policy action cancelled", "actionId", action.id(), "policyId", policy.id(), "code", notCandidate.get());
            return cancelled;
        }
        if (notReread != null) {
            return defer(tenantId, action, notReread);
        }
        PolicyAction approved = action;
        if (PolicyAction.PENDING.equals(action.status())) {
            approved = action.decided(PolicyAction.APPROVED, actor, now).withGroups(planned).withReason(null, null, now);
            if (!store.updateAction(tenantId, approved, PolicyAction.PENDING)) {
                return store.action(tenantId, action.id()).orElse(action); // decided by another caller meanwhile
            }
        }
        return reclaim(tenantId, policy.id(), approved, planned.stream().map(OrgUser.GroupRef::id).toList());
    }

    /** Leaves the action open with why it did not run now (written only when that reason is new). */
    private PolicyAction defer(String tenantId, PolicyAction action, String why) {
        if (USER_NOT_REREAD.equals(action.reasonCode()) && why.equals(action.reason())) {
            return action;
        }
        PolicyAction deferred = action.withReason(USER_NOT_REREAD, why, clock.instant());
        LOG.info("policy action deferred", "actionId", action.id(), "policyId", action.policyId(), "code", USER_NOT_REREAD);
        return store.updateAction(tenantId, deferred, action.status()) ? deferred : action;
    }

    private PolicyAction reclaim(String tenantId, String policyId, PolicyAction approved, List<String> groupIds) {
        PolicyReclaims.Reclaimed reclaimed;
        try {
            reclaimed = reclaims.reclaim(tenantId, approved.decidedBy() + " (policy " + policyId + ")", reclaimKey(approved.id()),
                    new ReclaimRequest(approved.accountId(), groupIds));
        } catch (Refusal refused) {
            switch (refused.kind()) {
                case UPSTREAM_UNAVAILABLE, UPSTREAM_RATE_LIMITED, UPSTREAM_OUT_OF_TIME, CONFLICT -> throw refused; // stays approved: retried
                default -> {
                    PolicyAction failed = approved.ended(PolicyAction.FAILED, null, 0, null, refused.code(), refused.getMessage(), clock.instant());
                    store.updateAction(tenantId, failed, PolicyAction.APPROVED);
                    return failed;
                }
            }
        }
        boolean removed = "completed".equals(reclaimed.status()) || "partial".equals(reclaimed.status());
        PolicyAction ended = approved.ended(removed ? PolicyAction.DONE : PolicyAction.FAILED, reclaimed.reclaimId(), reclaimed.seatsFreed(),
                reclaimed.monthlyCostFreed(), removed ? null : "reclaim_" + reclaimed.status(),
                removed ? null : "The reclaim ended " + reclaimed.status() + "; see the reclaim for each group's result.", clock.instant());
        store.updateAction(tenantId, ended, PolicyAction.APPROVED);
        LOG.info("policy action reclaimed", "actionId", approved.id(), "policyId", policyId, "reclaimId", reclaimed.reclaimId(),
                "status", reclaimed.status());
        return ended;
    }

    /** The single reclaim's idempotency key of an action: running it again finds that reclaim. */
    static String reclaimKey(String actionId) {
        return "policy-action:" + actionId;
    }

    // ---------------------------------------------------------------- actions (the admin's decisions)

    public Page<PolicyAction> actions(String tenantId, String status, String after, int limit) {
        if (status != null && !PolicyAction.STATUSES.contains(status)) {
            throw new Refusal(Kind.INVALID, "invalid_status", "status is one of " + String.join(", ", PolicyAction.STATUSES) + ".",
                    List.of(new Refusal.Field("status", "is one of " + String.join(", ", PolicyAction.STATUSES))), null);
        }
        return store.actions(tenantId, status, null, after, limit);
    }

    public PolicyAction action(String tenantId, String actionId) {
        return (PolicyAction.wellFormed(actionId) ? store.action(tenantId, actionId) : Optional.<PolicyAction>empty())
                .orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "action_not_found", "There is no policy action with this id."));
    }

    /**
     * Runs a pending action now as a normal reclaim (same audit, undo), checked first against the stored user; an
     * approved one left unfinished is finished. Not refused by the kill switch: an admin's own decision.
     */
    public PolicyAction approve(String tenantId, String actor, String actionId) {
        PolicyAction action = action(tenantId, actionId);
        if (!action.open()) {
            throw new Refusal(Kind.CONFLICT, "action_not_pending", "This action is " + action.status() + "; only a pending action is decided.");
        }
        if (action.jobId() != null) {
            throw new Refusal(Kind.CONFLICT, "action_in_job", "This action was approved into bulk reclaim job " + action.jobId()
                    + ", which runs it; follow it at /reclaim-jobs/" + action.jobId() + ".");
        }
        Policy policy = store.policy(tenantId, action.policyId()).orElseThrow(() -> new Refusal(Kind.CONFLICT, POLICY_DELETED,
                "The policy of this action was deleted; reclaim the user from the License page instead."));
        if (PolicyAction.APPROVED.equals(action.status())) {
            return reclaim(tenantId, policy.id(), action, action.groupIds());
        }
        // The admin decides on what the page shows: no re-read is required here.
        return runIfStillCandidate(tenantId, policy, action, actor, null);
    }

    public PolicyAction reject(String tenantId, String actor, String actionId) {
        PolicyAction action = action(tenantId, actionId);
        if (!PolicyAction.PENDING.equals(action.status())) {
            throw new Refusal(Kind.CONFLICT, "action_not_pending", "This action is " + action.status() + "; only a pending action is decided.");
        }
        PolicyAction rejected = action.decided(PolicyAction.REJECTED, actor, clock.instant());
        if (!store.updateAction(tenantId, rejected, PolicyAction.PENDING)) {
            throw new Refusal(Kind.CONFLICT, "action_not_pending", "This action was decided meanwhile; read it again.");
        }
        LOG.info("policy action rejected", "actionId", actionId, "policyId", action.policyId());
        return rejected;
    }
}
