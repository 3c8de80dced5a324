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
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.reclaim.IdempotencyKeys.Held;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.FreedSeat;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.GroupResult;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.ContentHash;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.LicenseStore.Hashed;
import com.saasspend.integration.domain.sync.SeatDelta;
import java.math.BigDecimal;
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
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Reclaim: the access groups of a user, the dry run, the removal itself with its audit item, the undo, and the
 * audit trail. Memberships change only through the Organizations API; the stored user and the seat summary follow at
 * once (so the License page shows it), and a targeted re-sync of the user settles them against Atlassian.
 */
public final class ReclaimService {
    private static final Log LOG = Log.of(ReclaimService.class);
    /** An idempotency key (or undo) held longer than this without an answer belongs to a crashed invocation. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    private static final int WRITE_ATTEMPTS = 5;

    private final IntegrationStore integrations;
    private final CredentialVault vault;
    private final AtlassianOrgApi orgApi;
    private final LicenseStore licenses;
    private final ReclaimAudit audit;
    private final IdempotencyKeys keys;
    private final TenantSettingsStore settings;
    private final SyncRequester syncRequester;
    private final Clock clock;

    public ReclaimService(IntegrationStore integrations, CredentialVault vault, AtlassianOrgApi orgApi, LicenseStore licenses,
                          ReclaimAudit audit, IdempotencyKeys keys, TenantSettingsStore settings, SyncRequester syncRequester,
                          Clock clock) {
        this.integrations = integrations;
        this.vault = vault;
        this.orgApi = orgApi;
        this.licenses = licenses;
        this.audit = audit;
        this.keys = keys;
        this.settings = settings;
        this.syncRequester = syncRequester;
        this.clock = clock;
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
    private record Prepared(OrgUser user, Map<String, OrgGroup> groups, ReclaimPlan plan, String orgId) {}

    private Prepared prepare(String tenantId, ReclaimRequest request) {
        List<Integration> all = integrations.list(tenantId);
        Integration atlassian = requireReclaimOpen(all);
        OrgUser user = storedUser(tenantId, request.accountId()).item();
        Set<String> ids = new LinkedHashSet<>(groupIds(user));
        ids.addAll(request.groupIds());
        Map<String, OrgGroup> groups = licenses.groups(tenantId, ids);
        ReclaimPlanner.Context context = new ReclaimPlanner.Context(tokenOwners(all), productsById(tenantId),
                settings.get(tenantId).seatPrices(), notices(all));
        ReclaimPlan plan = ReclaimPlanner.plan(user, groups, request, context);
        return new Prepared(user, groups, plan, atlassian.setting("orgId"));
    }

    // ---------------------------------------------------------------- reclaim

    public Answer reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request) {
        String fingerprint = ContentHash.of(request.fingerprintSource());
        Instant now = clock.instant();
        Optional<Held> held = keys.claim(tenantId, idempotencyKey, fingerprint, now, now.plus(KEY_LIFETIME));
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
                throw new Refusal(Kind.CONFLICT, "idempotency_key_in_progress",
                        "A reclaim with this Idempotency-Key is still running. Ask again in a few seconds for its answer.");
            }
        }
        Prepared prepared;
        String apiKey;
        try {
            prepared = prepare(tenantId, request);
            apiKey = orgApiKey(tenantId);
        } catch (RuntimeException refused) {
            // Nothing changed: the key is free for a corrected request.
            keys.release(tenantId, idempotencyKey);
            throw refused;
        }
        ReclaimRecord record = execute(tenantId, actor, prepared, apiKey, now);
        keys.complete(tenantId, idempotencyKey, record);
        return new Answer(record, false);
    }

    private ReclaimRecord execute(String tenantId, String actor, Prepared prepared, String apiKey, Instant startedAt) {
        ReclaimPlan plan = prepared.plan();
        OrgUser user = prepared.user();
        List<GroupResult> pending = plan.groups().stream()
                .map(g -> new GroupResult(g.groupId(), g.name(), "pending", null)).toList();
        ReclaimRecord record = new ReclaimRecord(ReclaimRecord.newId(startedAt), user.accountId(), user.name(), actor, startedAt,
                ReclaimRecord.IN_PROGRESS, pending, List.of(), null, plan.notices(), startedAt.plus(ReclaimRecord.UNDO_WINDOW), null);
        // Written first, so a crash midway still leaves a trace of what was attempted.
        audit.put(tenantId, record);

        List<GroupResult> results = new ArrayList<>();
        String stoppedBecause = null;
        boolean attempted = false;
        for (ReclaimPlan.GroupStep step : plan.groups()) {
            if (!step.removable()) {
                results.add(new GroupResult(step.groupId(), step.name(), "refused", step.reason()));
                continue;
            }
            if (stoppedBecause != null) {
                results.add(new GroupResult(step.groupId(), step.name(), "failed",
                        "Not attempted, because Atlassian failed on an earlier group (" + stoppedBecause + "). The user is still a member."));
                continue;
            }
            attempted = true;
            try {
                orgApi.removeMembership(prepared.orgId(), apiKey, step.groupId(), user.accountId());
                results.add(new GroupResult(step.groupId(), step.name(), "removed", null));
            } catch (UpstreamFailure failure) {
                GroupResult result = removalFailure(step, failure);
                results.add(result);
                if (stopsTheRest(failure)) {
                    stoppedBecause = failure.getMessage();
                }
            }
        }

        Set<String> gone = results.stream().filter(r -> r.result().equals("removed") || r.result().equals("not_a_member"))
                .map(GroupResult::groupId).collect(Collectors.toCollection(LinkedHashSet::new));
        List<FreedSeat> freed = List.of();
        if (!gone.isEmpty()) {
            OrgUser after = ReclaimPlanner.withoutGroups(user, gone, prepared.groups());
            Set<String> kept = after.products().stream().map(OrgUser.ProductAccess::resourceId).collect(Collectors.toSet());
            Map<String, ReclaimPlan.ProductOutcome> outcomes = plan.products().stream()
                    .collect(Collectors.toMap(ReclaimPlan.ProductOutcome::resourceId, p -> p, (a, b) -> a));
            freed = user.products().stream().filter(p -> !kept.contains(p.resourceId())).map(p -> {
                ReclaimPlan.ProductOutcome outcome = outcomes.get(p.resourceId());
                return new FreedSeat(p.resourceId(), p.key(), outcome == null ? p.key() : outcome.productName(), p.lastActive(),
                        outcome == null ? null : outcome.monthlyPrice());
            }).toList();
            updateStoredUser(tenantId, user.accountId(), prepared.groups(), u -> ReclaimPlanner.withoutGroups(u, gone, prepared.groups()));
        }
        BigDecimal cost = freed.stream().map(FreedSeat::monthlyPrice).filter(Objects::nonNull).reduce(BigDecimal::add).orElse(null);
        ReclaimRecord done = record.completed(results, freed, cost);
        audit.put(tenantId, done);
        if (attempted) {
            requestResync(tenantId, user.accountId(), "reclaim");
        }
        LOG.info("reclaim done", "reclaimId", done.id(), "removed", gone.size(), "seatsFreed", freed.size());
        return done;
    }

    private static GroupResult removalFailure(ReclaimPlan.GroupStep step, UpstreamFailure failure) {
        return switch (failure.kind()) {
            // Atlassian's 404 on DELETE membership: the user already is not a member.
            case NOT_FOUND -> new GroupResult(step.groupId(), step.name(), "not_a_member",
                    "Atlassian says the user was already not a member of this group.");
            case FORBIDDEN -> new GroupResult(step.groupId(), step.name(), "refused",
                    "Atlassian refused the change (HTTP 403): " + failure.getMessage()
                            + " A group synced from an identity provider is changed there; an API key with scopes cannot change groups.");
            case UNAUTHORIZED -> new GroupResult(step.groupId(), step.name(), "failed",
                    "Atlassian rejected the organization API key (HTTP 401). Rotate it in Settings > Integrations. The user is still a member.");
            case RATE_LIMITED -> new GroupResult(step.groupId(), step.name(), "failed",
                    "Atlassian kept rate limiting the request" + (failure.retryAfterSeconds() == null ? "" : " (retry after "
                            + failure.retryAfterSeconds() + " s)") + ". The user is still a member; try again later.");
            default -> new GroupResult(step.groupId(), step.name(), "failed",
                    failure.getMessage() + " The user is still a member as far as we know; try again later.");
        };
    }

    /** After these, the next call would fail the same way: stop instead of spending the request's time. */
    private static boolean stopsTheRest(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- undo

    public ReclaimRecord undo(String tenantId, String actor, String reclaimId) {
        ReclaimRecord record = find(tenantId, reclaimId);
        Instant now = clock.instant();
        if (record.undo() != null && ReclaimRecord.COMPLETED.equals(record.undo().status())) {
            throw new Refusal(Kind.CONFLICT, "reclaim_already_undone",
                    "This reclaim was already undone at " + record.undo().undoneAt() + " by " + record.undo().undoneBy() + ".");
        }
        if (!ReclaimRecord.COMPLETED.equals(record.status())) {
            throw new Refusal(Kind.CONFLICT, "reclaim_in_progress", "This reclaim has not finished; undo it once it has.");
        }
        if (now.isAfter(record.undoableUntil())) {
            throw new Refusal(Kind.CONFLICT, "undo_window_passed", "A reclaim can be undone for "
                    + ReclaimRecord.UNDO_WINDOW.toDays() + " days; this one's window ended at " + record.undoableUntil()
                    + ". Add the user to the groups again in admin.atlassian.com.");
        }
        List<GroupResult> toRestore = record.groups().stream().filter(g -> g.result().equals("removed")).toList();
        if (toRestore.isEmpty()) {
            throw new Refusal(Kind.CONFLICT, "nothing_to_undo", "This reclaim removed no membership, so there is nothing to undo.");
        }
        requireReclaimOpen(integrations.list(tenantId));
        String orgId = integrations.find(tenantId, IntegrationType.ATLASSIAN).orElseThrow().setting("orgId");
        String apiKey = orgApiKey(tenantId);
        if (!audit.claimUndo(tenantId, reclaimId, now, now.minus(STALE_AFTER))) {
            throw new Refusal(Kind.CONFLICT, "undo_in_progress", "An undo of this reclaim is already running or done; "
                    + "read the reclaim for its outcome.");
        }
        List<GroupResult> results = new ArrayList<>();
        String stoppedBecause = null;
        for (GroupResult group : toRestore) {
            if (stoppedBecause != null) {
                results.add(new GroupResult(group.groupId(), group.name(), "failed",
                        "Not attempted, because Atlassian failed on an earlier group (" + stoppedBecause + ")."));
                continue;
            }
            try {
                orgApi.addMembership(orgId, apiKey, group.groupId(), record.accountId());
                results.add(new GroupResult(group.groupId(), group.name(), "restored", null));
            } catch (UpstreamFailure failure) {
                results.add(switch (failure.kind()) {
                    case CONFLICT -> new GroupResult(group.groupId(), group.name(), "already_member",
                            "Atlassian says the user is already a member of this group again.");
                    case NOT_FOUND -> new GroupResult(group.groupId(), group.name(), "failed",
                            "The group or the user no longer exists in the organization (HTTP 404).");
                    case FORBIDDEN -> new GroupResult(group.groupId(), group.name(), "refused",
                            "Atlassian refused the change (HTTP 403): " + failure.getMessage());
                    default -> new GroupResult(group.groupId(), group.name(), "failed", failure.getMessage());
                });
                if (stopsTheRest(failure)) {
                    stoppedBecause = failure.getMessage();
                }
            }
        }
        Set<String> back = results.stream().filter(r -> r.result().equals("restored") || r.result().equals("already_member"))
                .map(GroupResult::groupId).collect(Collectors.toSet());
        List<OrgUser.GroupRef> refs = toRestore.stream().filter(g -> back.contains(g.groupId()))
                .map(g -> new OrgUser.GroupRef(g.groupId(), g.name())).toList();
        List<OrgUser.ProductAccess> seats = record.seatsFreed().stream()
                .map(s -> new OrgUser.ProductAccess(s.productKey(), s.resourceId(), s.lastActive())).toList();
        int restoredSeats = 0;
        if (!refs.isEmpty()) {
            Map<String, OrgGroup> groups = licenses.groups(tenantId, back);
            restoredSeats = updateStoredUser(tenantId, record.accountId(), groups,
                    u -> ReclaimPlanner.withGroupsRestored(u, refs, seats, groups));
        }
        ReclaimRecord undone = record.withUndo(new ReclaimRecord.Undo(actor, now, ReclaimRecord.COMPLETED, results, restoredSeats));
        audit.put(tenantId, undone);
        requestResync(tenantId, record.accountId(), "reclaim-undo");
        return undone;
    }

    // ---------------------------------------------------------------- audit trail

    public ReclaimRecord find(String tenantId, String reclaimId) {
        return audit.find(tenantId, reclaimId).orElseThrow(() -> new Refusal(Kind.NOT_FOUND, "reclaim_not_found",
                "There is no reclaim with this id."));
    }

    public Page<ReclaimRecord> list(String tenantId, String cursor, int limit) {
        return audit.list(tenantId, cursor, limit);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Applies {@code change} to the stored user, conditionally on the hash it read; on a lost race reads the user
     * again and recomputes. Adjusts the seat summary by what actually changed; answers the seats gained (negative: freed).
     */
    private int updateStoredUser(String tenantId, String accountId, Map<String, OrgGroup> knownGroups, UnaryOperator<OrgUser> change) {
        Map<String, OrgGroup> groups = new HashMap<>(knownGroups);
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            Optional<Hashed<OrgUser>> stored = licenses.user(tenantId, accountId);
            if (stored.isEmpty()) {
                return 0;
            }
            Set<String> unknown = groupIds(stored.get().item()).stream().filter(id -> !groups.containsKey(id)).collect(Collectors.toSet());
            if (!unknown.isEmpty()) {
                groups.putAll(licenses.groups(tenantId, unknown));
            }
            Hashed<OrgUser> after = AtlassianOrgSync.hashed(change.apply(stored.get().item()));
            if (after.hash().equals(stored.get().hash())) {
                return 0;
            }
            Instant now = clock.instant();
            if (licenses.replaceUser(tenantId, after, stored.get().hash(), now)) {
                licenses.adjustSeats(tenantId, accountId, SeatDelta.between(stored.get().item(), after.item(),
                        // The tenant's own threshold, as the sync counts seats.
                        now.minus(Duration.ofDays(settings.get(tenantId).inactivityDays()))), now);
                return after.item().products().size() - stored.get().item().products().size();
            }
        }
        LOG.warn("the stored user kept changing; the targeted re-sync settles it");
        return 0;
    }

    private void requestResync(String tenantId, String accountId, String reason) {
        try {
            syncRequester.request(List.of(new SyncRequest(tenantId, IntegrationType.ATLASSIAN, reason, List.of(accountId))));
        } catch (RuntimeException e) {
            // The change is done and stored; the next scheduled sync confirms it instead.
            LOG.warn("targeted re-sync could not be requested", "error", e.getClass().getSimpleName());
        }
    }

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

    private String orgApiKey(String tenantId) {
        Integration atlassian = integrations.find(tenantId, IntegrationType.ATLASSIAN).orElseThrow();
        return vault.read(atlassian.secretName()).get("apiKey");
    }

    /** The product's promise: reclaim opens once Atlassian, Jira and Confluence are connected. */
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
        return all.stream().filter(i -> i.type() == IntegrationType.ATLASSIAN).findFirst().orElseThrow();
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
