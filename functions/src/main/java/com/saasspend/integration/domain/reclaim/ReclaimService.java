package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.ReclaimGate;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.Refusal.Kind;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.reclaim.IdempotencyKeys.Held;
import com.saasspend.integration.domain.savings.SavingsCounter;
import com.saasspend.integration.domain.savings.SavingsStore;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.GroupResult;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.ContentHash;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.Hashed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reclaim: the access groups of a user, the dry run, the removal itself with its audit item, the undo, and the
 * audit trail. Memberships change only through the Organizations API; the stored user and the seat summary follow at
 * once (so the License page shows it), and a targeted re-sync of the user settles them against Atlassian.
 * The removal and the undo are resumable ({@link ReclaimRun}, {@link UndoRun}): an interrupted one is finished by a
 * retry with the same key, by the next call on the reclaim, or by {@link #sweep}.
 */
public final class ReclaimService {
    private static final Log LOG = Log.of(ReclaimService.class);
    /** An idempotency key held longer than this without an answer belongs to a crashed invocation. */
    static final Duration STALE_AFTER = ReclaimCore.LEASE;
    static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private final IntegrationStore integrations;
    private final LicenseStore licenses;
    private final ReclaimAudit audit;
    private final IdempotencyKeys keys;
    private final TenantSettingsStore settings;
    private final Clock clock;
    private final ReclaimCore core;
    private final ReclaimRun reclaimRun;
    private final UndoRun undoRun;

    public ReclaimService(IntegrationStore integrations, CredentialVault vault, AtlassianOrgApi orgApi, LicenseStore licenses,
                          ReclaimAudit audit, IdempotencyKeys keys, TenantSettingsStore settings, SyncRequester syncRequester,
                          SavingsStore savings, ReclaimEvents events, Clock clock) {
        this(integrations, vault, orgApi, licenses, audit, keys, settings, syncRequester, savings, events, clock, Duration.ZERO);
    }

    /**
     * {@code tenantFactsFor}: how long the tenant's integrations, products and settings are kept between reclaims (zero:
     * read by each; a bulk job's worker keeps them briefly, see {@link TenantFacts}).
     */
    public ReclaimService(IntegrationStore integrations, CredentialVault vault, AtlassianOrgApi orgApi, LicenseStore licenses,
                          ReclaimAudit audit, IdempotencyKeys keys, TenantSettingsStore settings, SyncRequester syncRequester,
                          SavingsStore savings, ReclaimEvents events, Clock clock, Duration tenantFactsFor) {
        this.integrations = integrations;
        this.licenses = licenses;
        this.audit = audit;
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
        this.core = new ReclaimCore(integrations, vault, orgApi, licenses, audit, settings, syncRequester,
                new SavingsCounter(savings), events, new TenantFacts(integrations, licenses, settings, clock, tenantFactsFor), clock);
        this.reclaimRun = new ReclaimRun(core);
        this.undoRun = new UndoRun(core);
    }

    /** The answer to a reclaim, and whether it is the stored answer of an earlier request with the same key. */
    public record Answer(ReclaimRecord record, boolean replayed) {}

    // ---------------------------------------------------------------- access groups

    public List<AccessGroup> accessGroups(String tenantId, String accountId) {
        OrgUser user = storedUser(tenantId, accountId).item();
        Map<String, OrgGroup> groups = licenses.groups(tenantId, groupIds(user));
        Map<String, ProductInstance> products = productsById(tenantId);
        String tokenOf = tokenOwners(integrations.list(tenantId)).get(accountId);
        List<AccessGroup> result = new ArrayList<>();
        for (OrgUser.GroupRef ref : user.groups()) {
            OrgGroup group = groups.get(ref.id());
            if (group == null) {
                result.add(new AccessGroup(ref.id(), ref.name(), null, List.of(), false, null, true, null, false, List.of(),
                        null, false, "The group is newer than the last sync; what it grants is known after the next sync."));
                continue;
            }
            List<AccessGroup.Grant> grants = group.grants().stream().map(g -> new AccessGroup.Grant(g.resourceId(), g.productKey(),
                    Optional.ofNullable(products.get(g.resourceId())).map(ProductInstance::name).orElse(g.productKey()),
                    g.roles(), g.defaultGroup())).toList();
            List<String> defaultFor = group.grants().stream().filter(OrgGroup.Grant::defaultGroup)
                    .map(OrgGroup.Grant::productKey).filter(Objects::nonNull).distinct().toList();
            String blocked = null;
            if (tokenOf != null) {
                blocked = "This account owns " + tokenOf + "; its access is never reclaimed.";
            } else if (group.externallyManaged()) {
                blocked = ReclaimPlanner.IDP_MANAGED_REASON;
            } else if (user.orgAdmin() && ReclaimPlanner.grantsAdmin(group)) {
                blocked = "The group grants administrator roles to an organization admin; change an admin's access in admin.atlassian.com.";
            }
            result.add(new AccessGroup(group.id(), group.name(), group.description(), grants, group.externallyManaged(),
                    group.managedBy(), !group.externallyManaged(),
                    group.externallyManaged() ? "In your identity provider: the group is synced to Atlassian from it (SCIM), "
                            + "so membership changes made anywhere else are refused or overwritten." : null,
                    !defaultFor.isEmpty(), defaultFor, group.memberCount(), true, blocked));
        }
        return result;
    }

    // ---------------------------------------------------------------- plan

    public ReclaimPlan plan(String tenantId, ReclaimRequest request) {
        return prepare(tenantId, request).plan();
    }

    /** Everything a reclaim decides before it changes anything; refusals are thrown from here. */
    private record Prepared(Hashed<OrgUser> stored, Map<String, OrgGroup> groups, ReclaimPlan plan, Integration atlassian) {
        OrgUser user() {
            return stored.item();
        }
    }

    private Prepared prepare(String tenantId, ReclaimRequest request) {
        TenantFacts.Facts facts = core.facts.of(tenantId);
        List<Integration> all = facts.integrations();
        Integration atlassian = requireReclaimOpen(all);
        Hashed<OrgUser> stored = storedUser(tenantId, request.accountId());
        OrgUser user = stored.item();
        Set<String> ids = new LinkedHashSet<>(groupIds(user));
        ids.addAll(request.groupIds());
        Map<String, OrgGroup> groups = core.facts.groups(tenantId, ids);
        ReclaimPlanner.Context context = new ReclaimPlanner.Context(tokenOwners(all), facts.products(),
                facts.settings().seatPrices(), notices(all));
        ReclaimPlan plan = ReclaimPlanner.plan(user, groups, request, context);
        return new Prepared(stored, groups, plan, atlassian);
    }

    /**
     * What the planner needs besides a user and its groups, for a bulk plan (one read for all its users); refuses as a
     * plan does until reclaim is open.
     */
    public ReclaimPlanner.Context planningContext(String tenantId) {
        List<Integration> all = integrations.list(tenantId);
        requireReclaimOpen(all);
        return new ReclaimPlanner.Context(tokenOwners(all), productsById(tenantId), settings.get(tenantId).seatPrices(), notices(all));
    }

    // ---------------------------------------------------------------- reclaim

    public Answer reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request) {
        return reclaim(tenantId, actor, idempotencyKey, request, null);
    }

    /**
     * {@code jobId}: the bulk job this user's reclaim belongs to (null for a single reclaim); the job requests the
     * targeted re-syncs in batches (one request per chunk of users instead of one per user; an interrupted run finished
     * later re-syncs its user itself). Whoever settles the reclaim (this call, a retry with the key, the sweep, a read)
     * publishes its {@code ReclaimCompleted}, with the job id, just before settling it: at least once, and never on a replay.
     */
    public Answer reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request, String jobId) {
        boolean inJob = jobId != null;
        String fingerprint = ContentHash.of(request.fingerprintSource());
        Instant now = clock.instant();
        String reclaimId = ReclaimRecord.newId(now);
        Optional<Held> held = keys.claim(tenantId, idempotencyKey, fingerprint, reclaimId, now, now.plus(KEY_LIFETIME));
        if (held.isPresent()) {
            Held h = held.get();
            if (!h.fingerprint().equals(fingerprint)) {
                throw new Refusal(Kind.REJECTED, "idempotency_key_reused",
                        "This Idempotency-Key was already used for a different reclaim (another user or other groups). "
                                + "Use a new key for a new reclaim.");
            }
            if (h.answer() != null) {
                return new Answer(h.answer(), true);
            }
            boolean stale = h.startedAt().isBefore(now.minus(STALE_AFTER));
            if (!stale || !keys.takeOver(tenantId, idempotencyKey, h.startedAt(), now, now.plus(KEY_LIFETIME))) {
                throw keyInProgress();
            }
            if (h.reclaimId() != null) {
                Optional<ReclaimRecord> started = audit.find(tenantId, h.reclaimId());
                if (started.isPresent()) {
                    // The holder died after writing its record: finish that reclaim, never start another.
                    ReclaimRecord record = settleOrFinish(tenantId, started.get()).orElseThrow(ReclaimService::keyInProgress);
                    keys.complete(tenantId, idempotencyKey, record);
                    return new Answer(record, false);
                }
                // The holder died before its record existed: it changed nothing at Atlassian.
                reclaimId = h.reclaimId();
            }
        }
        Prepared prepared;
        ReclaimCore.Connection connection;
        try {
            prepared = prepare(tenantId, request);
            connection = core.connection(prepared.atlassian());
        } catch (RuntimeException refused) {
            // Nothing changed: the key is free for a corrected request, and the next one reads the tenant afresh.
            core.facts.forget(tenantId);
            keys.release(tenantId, idempotencyKey);
            throw refused;
        }
        ReclaimRecord record = reclaimRun.start(tenantId, fresh(reclaimId, actor, prepared, jobId), baseline(prepared), connection,
                Budget.unlimited(), !inJob, prepared.stored());
        keys.complete(tenantId, idempotencyKey, record);
        return new Answer(record, false);
    }

    private static Refusal keyInProgress() {
        return new Refusal(Kind.CONFLICT, "idempotency_key_in_progress",
                "A reclaim with this Idempotency-Key is still running. Ask again in a few seconds for its answer.");
    }

    /** The record as a reclaim starts: removable groups pending, the others refused with the plan's reason. */
    private static ReclaimRecord fresh(String id, String actor, Prepared prepared, String jobId) {
        Instant createdAt = ReclaimRecord.createdAtOf(id).orElseThrow();
        List<GroupResult> groups = prepared.plan().groups().stream()
                .map(g -> new GroupResult(g.groupId(), g.name(), g.removable() ? ReclaimRecord.PENDING : ReclaimRecord.REFUSED,
                        g.removable() ? null : g.reason())).toList();
        return new ReclaimRecord(id, prepared.user().accountId(), prepared.user().name(), actor, createdAt, ReclaimRecord.IN_PROGRESS,
                groups, List.of(), null, prepared.plan().notices(), createdAt.plus(ReclaimRecord.UNDO_WINDOW), null, jobId);
    }

    private static ReclaimBaseline baseline(Prepared prepared) {
        return new ReclaimBaseline(prepared.user().products(), prepared.user().groups(), prepared.groups(), prepared.plan().products());
    }

    // ---------------------------------------------------------------- finishing interrupted runs

    /**
     * A settled record as it is; an unsettled one finished by this caller if no live run holds it (else empty). A
     * failure to reach Atlassian leaves it for the next finisher.
     */
    private Optional<ReclaimRecord> settleOrFinish(String tenantId, ReclaimRecord record) {
        return record.unsettled() ? finish(tenantId, record, Budget.unlimited()) : Optional.of(record);
    }

    private Optional<ReclaimRecord> finish(String tenantId, ReclaimRecord record, Budget budget) {
        if (!audit.lease(tenantId, record.id(), clock.instant(), core.leaseUntil())) {
            return Optional.empty();
        }
        // Read again under the lease: the run we waited for may have settled it meanwhile.
        ReclaimRecord current = audit.find(tenantId, record.id()).orElse(record);
        if (current.inProgress()) {
            return Optional.of(reclaimRun.finish(tenantId, current, budget));
        }
        if (current.undoInProgress()) {
            Optional<ReclaimCore.Connection> connection = core.connection(tenantId);
            if (connection.isEmpty()) {
                // Nothing can be asked of Atlassian: settled as it stands, retried by an undo once connected.
                ReclaimRecord settled = current.withUndo(current.undo().withGroups(current.undo().groups().stream()
                        .map(g -> g.is(ReclaimRecord.RESTORED, ReclaimRecord.ALREADY_MEMBER) ? g
                                : g.as(ReclaimRecord.NOT_ATTEMPTED, "Not attempted: the Atlassian integration is not connected."))
                        .toList()).settled(ReclaimRecord.undoOutcome(current.undo().groups()), current.undo().seatsRestored()));
                audit.settle(tenantId, settled);
                return Optional.of(settled);
            }
            return Optional.of(undoRun.run(tenantId, current.undo().undoneBy(), current, connection.get(), budget));
        }
        // Settled already (the holder died between its last write and dropping the open listing).
        audit.settle(tenantId, current);
        return Optional.of(current);
    }

    /**
     * Finishes this tenant's interrupted reclaims and undos (a bounded batch; the scheduled sweep calls it once per
     * tenant every 15 minutes). Answers how many it settled.
     */
    public int sweep(String tenantId, int limit, Budget budget) {
        int settled = 0;
        for (String id : audit.open(tenantId, limit)) {
            if (budget.nearlyOut()) {
                break;
            }
            Optional<ReclaimRecord> record = audit.find(tenantId, id);
            if (record.isEmpty()) {
                continue;
            }
            try {
                if (finish(tenantId, record.get(), budget).isPresent()) {
                    settled++;
                }
            } catch (UpstreamFailure | Refusal notNow) {
                // Atlassian could not be asked: the record stays open for the next sweep.
                LOG.warn("an interrupted reclaim could not be finished yet", "reclaimId", id, "error", notNow.getMessage());
            }
        }
        return settled;
    }

    // ---------------------------------------------------------------- undo

    public ReclaimRecord undo(String tenantId, String actor, String reclaimId) {
        return undo(tenantId, actor, reclaimId, false);
    }

    /** {@code inJob}: the job requests the targeted re-syncs, as for {@link #reclaim(String, String, String, ReclaimRequest, boolean)}. */
    public ReclaimRecord undo(String tenantId, String actor, String reclaimId, boolean inJob) {
        boolean undoWasInterrupted = audit.find(tenantId, reclaimId).map(ReclaimRecord::undoInProgress).orElse(false);
        ReclaimRecord record = find(tenantId, reclaimId);
        if (undoWasInterrupted && !record.undoInProgress()) {
            // An interrupted undo that this call just finished: its outcome is the answer (retry again if partial).
            return record;
        }
        if (record.inProgress()) {
            throw new Refusal(Kind.CONFLICT, "reclaim_in_progress", "This reclaim has not finished; undo it once it has.");
        }
        Instant now = clock.instant();
        if (record.undo() != null && ReclaimRecord.COMPLETED.equals(record.undo().status())) {
            throw new Refusal(Kind.CONFLICT, "reclaim_already_undone",
                    "This reclaim was already undone at " + record.undo().undoneAt() + " by " + record.undo().undoneBy() + ".");
        }
        if (record.undoInProgress()) {
            throw undoInProgress();
        }
        if (now.isAfter(record.undoableUntil())) {
            throw new Refusal(Kind.CONFLICT, "undo_window_passed", "A reclaim can be undone for "
                    + ReclaimRecord.UNDO_WINDOW.toDays() + " days; this one's window ended at " + record.undoableUntil()
                    + ". Add the user to the groups again in admin.atlassian.com.");
        }
        if (UndoRun.targets(record).isEmpty()) {
            throw new Refusal(Kind.CONFLICT, "nothing_to_undo", "This reclaim removed no membership, so there is nothing to undo.");
        }
        ReclaimCore.Connection connection;
        try {
            connection = core.connection(requireReclaimOpen(core.facts.of(tenantId).integrations()));
        } catch (RuntimeException refused) {
            core.facts.forget(tenantId);
            throw refused;
        }
        if (!audit.lease(tenantId, reclaimId, now, core.leaseUntil())) {
            throw undoInProgress();
        }
        // Read again under the lease: another undo may have settled it between our read and the lease.
        ReclaimRecord current = audit.find(tenantId, reclaimId).orElse(record);
        if (current.undo() != null && ReclaimRecord.COMPLETED.equals(current.undo().status())) {
            audit.settle(tenantId, current);
            throw new Refusal(Kind.CONFLICT, "reclaim_already_undone", "This reclaim was already undone at "
                    + current.undo().undoneAt() + " by " + current.undo().undoneBy() + ".");
        }
        return undoRun.run(tenantId, actor, current, connection, Budget.unlimited(), !inJob);
    }

    private static Refusal undoInProgress() {
        return new Refusal(Kind.CONFLICT, "undo_in_progress", "An undo of this reclaim is running; read the reclaim "
                + "in a few seconds for its outcome.");
    }

    // ---------------------------------------------------------------- audit trail

    /**
     * The reclaim; an interrupted one (no live run holds it) is finished first, from Atlassian's truth, so a reader
     * never sees a stuck {@code in_progress}. If Atlassian cannot be reached it is answered as it stands.
     */
    public ReclaimRecord find(String tenantId, String reclaimId) {
        ReclaimRecord record = audit.find(tenantId, reclaimId).orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "reclaim_not_found",
                "There is no reclaim with this id."));
        if (!record.unsettled()) {
            return record;
        }
        try {
            return finish(tenantId, record, Budget.unlimited()).orElse(record);
        } catch (UpstreamFailure notNow) {
            LOG.warn("an interrupted reclaim could not be finished yet", "reclaimId", reclaimId, "error", notNow.getMessage());
            return audit.find(tenantId, reclaimId).orElse(record);
        }
    }

    public Page<ReclaimRecord> list(String tenantId, String cursor, int limit) {
        return audit.list(tenantId, cursor, limit);
    }

    // ---------------------------------------------------------------- helpers

    private Hashed<OrgUser> storedUser(String tenantId, String accountId) {
        return licenses.user(tenantId, accountId).orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "user_not_found",
                "No user with this account id is in your synced Atlassian organization."));
    }

    private static List<String> groupIds(OrgUser user) {
        return user.groups().stream().map(OrgUser.GroupRef::id).toList();
    }

    private Map<String, ProductInstance> productsById(String tenantId) {
        return licenses.products(tenantId).stream().collect(Collectors.toMap(ProductInstance::id, p -> p, (a, b) -> a));
    }

    /**
     * The product's promise: reclaim opens once Atlassian, Jira and Confluence are connected; and it decides on synced
     * data only while Atlassian's sync runs (not paused by a refused key).
     */
    private static Integration requireReclaimOpen(List<Integration> all) {
        Set<IntegrationType> connected = all.stream().filter(i -> i.status() != IntegrationStatus.DISCONNECTED)
                .map(Integration::type).collect(Collectors.toSet());
        List<String> missing = ReclaimGate.missingFor(connected);
        if (!missing.isEmpty()) {
            throw new Refusal(Kind.CONFLICT, "reclaim_not_enabled",
                    "Reclaim opens once Jira and Confluence are connected. Connect " + String.join(", ", missing)
                            + " in Settings > Integrations first.",
                    missing.stream().map(m -> new Refusal.Field(m, "is not connected")).toList(), null);
        }
        Integration atlassian = all.stream().filter(i -> i.type() == IntegrationType.ATLASSIAN).findFirst().orElseThrow();
        if (!atlassian.syncs()) {
            // The key was refused: the stored org is no longer kept in step, and every membership call would fail.
            throw new Refusal(Kind.CONFLICT, "atlassian_paused",
                    "Atlassian refused the organization's API key, so syncing is paused and the License page may be out of "
                            + "date. Rotate the key in Settings > Integrations, then plan and reclaim again.");
        }
        return atlassian;
    }

    /** Accounts whose API tokens we hold: reclaiming them would cut off our own access. */
    private static Map<String, String> tokenOwners(List<Integration> all) {
        Map<String, String> owners = new HashMap<>();
        for (Integration i : all) {
            String account = i.setting("adminAccountId");
            if (i.status() != IntegrationStatus.DISCONNECTED && account != null && !account.isBlank()) {
                owners.merge(account, "the API token of the " + i.type().id() + " integration", (a, b) -> a + " and " + b);
            }
        }
        return owners;
    }

    private static List<ReclaimPlan.Notice> notices(List<Integration> all) {
        List<ReclaimPlan.Notice> notices = new ArrayList<>();
        for (Integration i : all) {
            if (i.type() == IntegrationType.BITBUCKET && i.status() != IntegrationStatus.DISCONNECTED
                    && "false".equals(i.setting("linkedToOrg"))) {
                String workspace = i.setting("workspace");
                notices.add(new ReclaimPlan.Notice("bitbucket", workspace, "bitbucket_workspace_not_reclaimable",
                        ReclaimPlanner.BITBUCKET_DIRECT_MESSAGE + ". The workspace '" + workspace + "' was created directly "
                                + "in Bitbucket, so if this user is a member of it, that seat is not freed here."));
            }
        }
        return notices;
    }
}
