package com.saasspend.integration.domain.products;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.PagingGuard;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.ListingTracker;
import com.saasspend.integration.domain.sync.SyncLease;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Syncs one product integration of a tenant (Jira, Confluence, Trello or Bitbucket) into the product store: Jira
 * application roles and groups with members, Confluence groups with members, Trello Enterprise members, Bitbucket
 * workspace members.
 *
 * <p>Writes only what changed (content hashes against page digests and stored items). Marks items removed only at the
 * end of a run that listed everything; a run that fails or runs out of time keeps what it wrote (each item written is
 * true) and removes nothing. Memory holds one page, and one group's members at a time. A lease per tenant and product
 * keeps the schedule and a manual sync from interleaving. Every run is recorded and sets the integration's status.
 */
public final class ProductSync {
    private static final Log LOG = Log.of(ProductSync.class);

    public enum Outcome {
        /** Everything was listed; the store holds the product's state. */
        COMPLETED,
        /** Another invocation holds the lease; this one did nothing. */
        BUSY,
        /** Nothing to sync: not connected, or paused until the token is rotated. */
        SKIPPED,
        /** The product failed or refused, or time ran out; the integration's status says why. Nothing was removed. */
        FAILED,
        /** The run lost its lease (the integration was disconnected, or the lease lapsed and another run took over). */
        FENCED
    }

    /**
     * {@code failure}: why a FAILED run failed (an upstream kind; OUT_OF_TIME when time ran out), else null.
     * {@code credentialExpiresOn}: the token's expiry as the run read it (null when the run did not start or none was
     * given). The handler turns both into metrics and decides whether to raise.
     */
    public record Result(Outcome outcome, SyncRunRecord run, UpstreamFailure.Kind failure, LocalDate credentialExpiresOn) {
        public Result(Outcome outcome, SyncRunRecord run) {
            this(outcome, run, null, null);
        }

        Result failedBy(UpstreamFailure.Kind kind) {
            return new Result(outcome, run, kind, credentialExpiresOn);
        }

        Result expiring(LocalDate expiresOn) {
            return new Result(outcome, run, failure, expiresOn);
        }
    }

    private final ProductApis apis;
    private final ProductStore store;
    private final SyncStateStore state;
    private final IntegrationStore integrations;
    private final CredentialVault vault;
    private final LongSupplier apiCallCounter;
    private final Clock clock;
    private final Duration lease;

    public ProductSync(ProductApis apis, ProductStore store, SyncStateStore state, IntegrationStore integrations,
                       CredentialVault vault, LongSupplier apiCallCounter, Clock clock, Duration lease) {
        this.apis = apis;
        this.store = store;
        this.state = state;
        this.integrations = integrations;
        this.vault = vault;
        this.apiCallCounter = apiCallCounter;
        this.clock = clock;
        this.lease = lease;
    }

    public Result run(String tenantId, IntegrationType type, Budget budget) {
        return run(tenantId, type, budget, false);
    }

    /** {@code freshCredentialTried}: this is the one retry after a 401 found a newer credential in the vault. */
    private Result run(String tenantId, IntegrationType type, Budget budget, boolean freshCredentialTried) {
        if (!type.isProduct()) {
            throw new IllegalArgumentException("The product sync does not sync " + type.id());
        }
        Integration integration = integrations.find(tenantId, type).orElse(null);
        if (integration == null || integration.status() == IntegrationStatus.DISCONNECTED || integration.syncPaused()) {
            return new Result(Outcome.SKIPPED, null);
        }
        SyncLease held = new SyncLease(state, integrations, clock, lease, tenantId, type);
        switch (held.take(integration)) {
            case BUSY -> {
                LOG.info("another sync of this product is running; leaving it alone", "integration", type.id());
                return new Result(Outcome.BUSY, null);
            }
            case GONE -> {
                return new Result(Outcome.SKIPPED, null);
            }
            case HELD -> integration = held.integration();
        }
        Run run = new Run(tenantId, type, held, budget);
        Log.put("runId", run.runId);
        Map<String, String> secret = null;
        Result result;
        try {
            // Inside the try: a failure here must free the lease too (it would otherwise hold until it expires).
            held.markSyncing();
            secret = vault.read(integration.secretName());
            Credential credential = new Credential(type, integration.settings(), secret, null);
            result = run.execute(credential);
        } catch (SyncFencedOut fenced) {
            LOG.warn("product sync lost its lease and stopped", "integration", type.id());
            result = new Result(Outcome.FENCED, null);
        } catch (UpstreamFailure failure) {
            Map<String, String> used = secret;
            if (failure.kind() == UpstreamFailure.Kind.UNAUTHORIZED && !freshCredentialTried && used != null
                    && CredentialVault.newerThanUsed(vault, integration.secretName(), used::equals)) {
                // Rotated while this warm instance held the old credential in its cache: run once more with the stored
                // one instead of pausing the integration (a product run restarts from its beginning anyway).
                held.release();
                LOG.info("the product rejected the cached credential and a newer one is stored; retrying once with it",
                        "integration", type.id());
                return run(tenantId, type, budget, true);
            }
            result = failure.kind() == UpstreamFailure.Kind.OUT_OF_TIME ? run.outOfTime() : run.fail(failure);
        } catch (OutOfTime outOfTime) {
            result = run.outOfTime();
        } catch (RuntimeException unexpected) {
            run.record("failed", "internal error: " + unexpected.getClass().getSimpleName());
            held.recordStatus(IntegrationStatus.ERROR, null,
                    "The " + type.id() + " sync stopped on an internal error; it runs again at the next sync.", false);
            throw unexpected;
        }
        return result.expiring(integration.credentialExpiresOn());
    }

    /** The invocation's time is nearly up: stop at a page boundary. */
    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super("out of time", null, false, false);
        }
    }

    /** One run of one product sync. */
    private final class Run {
        private final String tenantId;
        private final IntegrationType type;
        private final SyncLease held;
        private final Budget budget;
        final String runId = UUID.randomUUID().toString();
        private final Instant startedAt = clock.instant();
        private final long callsAtStart = apiCallCounter.getAsLong();
        private final List<ListingTracker> trackers = new ArrayList<>();
        /** The store with every creating write fenced by this run's lease. */
        private final ProductStore licenses;
        private long members;
        private long groups;
        private long membersWritten;
        private long groupsWritten;
        private long removed;

        Run(String tenantId, IntegrationType type, SyncLease held, Budget budget) {
            this.tenantId = tenantId;
            this.type = type;
            this.held = held;
            this.budget = budget;
            this.licenses = store.fencedBy(held.fence());
        }

        Result execute(Credential credential) {
            ProductSummary summary = switch (type) {
                case JIRA -> jira(apis.jira(credential), credential);
                case CONFLUENCE -> siteGroups(apis.confluence(credential), ProductListing.CONFLUENCE_GROUPS, credential, Map.of());
                case TRELLO -> trello(apis.trello(credential), credential);
                case BITBUCKET -> bitbucket(apis.bitbucket(credential), credential);
                case ATLASSIAN -> throw new IllegalStateException("not a product");
            };
            // Every listing was complete: now, and only now, what is gone may be marked so.
            Instant now = clock.instant();
            for (ListingTracker tracker : trackers) {
                removed += tracker.sweep(now);
            }
            Hashed<ProductSummary> hashed = Hashed.of(summary);
            if (!licenses.summaryHash(tenantId, type).map(hashed.hash()::equals).orElse(false)) {
                licenses.putSummary(tenantId, type, hashed, now);
            }
            SyncRunRecord record = record("completed", null);
            held.recordStatus(IntegrationStatus.CONNECTED, now, null, false);
            LOG.info("product sync completed", "integration", type.id(), "members", members, "membersWritten", membersWritten,
                    "groups", groups, "groupsWritten", groupsWritten, "removed", removed, "apiCalls", record.apiCalls());
            return new Result(Outcome.COMPLETED, record);
        }

        private ListingTracker tracker(ProductListing listing) {
            ListingTracker tracker = new ListingTracker(licenses.digests(tenantId, listing), runId);
            trackers.add(tracker);
            return tracker;
        }

        /** Between pages and inside long ones: stop when time is nearly out, and keep the lease alive. */
        private void checkTime() {
            if (budget.nearlyOut()) {
                throw new OutOfTime();
            }
            held.renewIfDue();
        }

        /** One listing's guard, named for the admin: "Jira groups", "Bitbucket workspace members". */
        private PagingGuard guard(String what) {
            return PagingGuard.of(label(type) + " " + what);
        }

        private ProductSummary jira(JiraApi api, Credential credential) {
            List<JiraRole> roles = api.applicationRoles();
            ListingTracker.PageCheck page = tracker(ProductListing.JIRA_ROLES).nextPage();
            List<Hashed<JiraRole>> changed = page.changed(roles.stream().map(Hashed::of).toList(), JiraRole::key);
            if (!changed.isEmpty()) {
                licenses.putRoles(tenantId, changed, clock.instant());
            }
            page.close();
            groups += roles.size();
            groupsWritten += changed.size();
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("roles", (long) roles.size());
            for (JiraRole role : roles) {
                counts.put("userCount:" + role.key(), (long) role.userCount());
            }
            checkTime();
            return siteGroups(api, ProductListing.JIRA_GROUPS, credential, counts);
        }

        /** Every group of the site, each with all its members; one group's members in memory at a time. */
        private ProductSummary siteGroups(SiteGroupsApi api, ProductListing listing, Credential credential,
                                          Map<String, Long> countsSoFar) {
            ListingTracker tracker = tracker(listing);
            long groupCount = 0;
            long memberships = 0;
            String cursor = null;
            PagingGuard guard = guard("groups");
            do {
                Page<GroupRef> page = api.groups(cursor);
                // Before the page's digest is opened: a listing that does not advance stores nothing more.
                cursor = guard.next(page.nextCursor(), page.items().size());
                ListingTracker.PageCheck check = tracker.nextPage();
                for (GroupRef ref : page.items()) {
                    ProductGroup group = withMembers(api, ref);
                    if (group == null) {
                        continue;
                    }
                    Hashed<ProductGroup> hashed = Hashed.of(group);
                    if (check.changed(group.id(), hashed.hash())) {
                        licenses.putGroup(tenantId, listing, hashed, clock.instant());
                        groupsWritten++;
                    }
                    groupCount++;
                    memberships += group.memberIds().size();
                }
                check.close();
                checkTime();
            } while (cursor != null);
            groups += groupCount;
            members += memberships;
            Map<String, Long> counts = new LinkedHashMap<>(countsSoFar);
            counts.put("groups", groupCount);
            counts.put("memberships", memberships);
            String site = credential.settings().get("site");
            return new ProductSummary(site, credential.settings().getOrDefault("name", site), linked(credential), counts);
        }

        /** The group with all its members; null when it was deleted after it was listed (it is then not on the listing). */
        private ProductGroup withMembers(SiteGroupsApi api, GroupRef ref) {
            List<String> ids = new ArrayList<>();
            List<String> inactiveIds = new ArrayList<>();
            String cursor = null;
            PagingGuard guard = guard("members of group " + ref.id());
            do {
                Page<SiteGroupsApi.GroupMember> page;
                try {
                    page = api.members(ref.id(), cursor);
                } catch (UpstreamFailure failure) {
                    if (failure.kind() != UpstreamFailure.Kind.NOT_FOUND) {
                        throw failure;
                    }
                    LOG.info("a group was deleted while the sync listed it", "integration", type.id(), "groupId", ref.id());
                    return null;
                }
                cursor = guard.next(page.nextCursor(), page.items().size());
                for (SiteGroupsApi.GroupMember member : page.items()) {
                    ids.add(member.accountId());
                    if (Boolean.FALSE.equals(member.active())) {
                        inactiveIds.add(member.accountId());
                    }
                }
                checkTime();
            } while (cursor != null);
            return new ProductGroup(ref.id(), ref.name(), ids, inactiveIds);
        }

        private ProductSummary trello(TrelloEnterpriseApi api, Credential credential) {
            ListingTracker tracker = tracker(ProductListing.TRELLO_MEMBERS);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String name : List.of("members", "licensed", "deactivated", "collaborators", "managed", "admins")) {
                counts.put(name, 0L);
            }
            String cursor = null;
            PagingGuard guard = guard("enterprise members");
            do {
                Page<TrelloMember> page = api.members(cursor);
                cursor = guard.next(page.nextCursor(), page.items().size());
                ListingTracker.PageCheck check = tracker.nextPage();
                List<Hashed<TrelloMember>> changed = check.changed(page.items().stream().map(Hashed::of).toList(), TrelloMember::id);
                if (!changed.isEmpty()) {
                    licenses.putTrelloMembers(tenantId, changed, clock.instant());
                }
                check.close();
                for (TrelloMember m : page.items()) {
                    counts.merge("members", 1L, Long::sum);
                    counts.merge("licensed", m.licensed() ? 1L : 0L, Long::sum);
                    counts.merge("deactivated", m.deactivated() ? 1L : 0L, Long::sum);
                    counts.merge("collaborators", m.collaborator() ? 1L : 0L, Long::sum);
                    counts.merge("managed", m.managed() ? 1L : 0L, Long::sum);
                    counts.merge("admins", m.admin() ? 1L : 0L, Long::sum);
                }
                members += page.items().size();
                membersWritten += changed.size();
                checkTime();
            } while (cursor != null);
            String enterprise = credential.settings().get("enterpriseId");
            return new ProductSummary(enterprise, credential.settings().getOrDefault("name", enterprise), linked(credential), counts);
        }

        private ProductSummary bitbucket(BitbucketWorkspaceApi api, Credential credential) {
            // Owners and collaborators are few; everyone else listed is a plain member.
            Set<String> owners = allUuids(api, "owner");
            Set<String> collaborators = allUuids(api, "collaborator");
            ListingTracker tracker = tracker(ProductListing.BITBUCKET_MEMBERS);
            long count = 0;
            String cursor = null;
            PagingGuard guard = guard("workspace members");
            do {
                Page<BitbucketMember> page = api.members(cursor);
                cursor = guard.next(page.nextCursor(), page.items().size());
                List<Hashed<BitbucketMember>> hashed = page.items().stream()
                        .map(m -> m.withPermission(owners.contains(m.uuid()) ? "owner" : collaborators.contains(m.uuid()) ? "collaborator" : "member"))
                        .map(Hashed::of).toList();
                ListingTracker.PageCheck check = tracker.nextPage();
                List<Hashed<BitbucketMember>> changed = check.changed(hashed, BitbucketMember::uuid);
                if (!changed.isEmpty()) {
                    licenses.putBitbucketMembers(tenantId, changed, clock.instant());
                }
                check.close();
                count += page.items().size();
                membersWritten += changed.size();
                checkTime();
            } while (cursor != null);
            members += count;
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("members", count);
            counts.put("owners", (long) owners.size());
            counts.put("collaborators", (long) collaborators.size());
            String workspace = credential.settings().get("workspace");
            return new ProductSummary(workspace, credential.settings().getOrDefault("name", workspace), linked(credential), counts);
        }

        private Set<String> allUuids(BitbucketWorkspaceApi api, String permission) {
            Set<String> uuids = new HashSet<>();
            String cursor = null;
            PagingGuard guard = guard("workspace permissions (" + permission + ")");
            do {
                Page<String> page = api.memberUuidsWithPermission(permission, cursor);
                cursor = guard.next(page.nextCursor(), page.items().size());
                uuids.addAll(page.items());
                checkTime();
            } while (cursor != null);
            return uuids;
        }

        private boolean linked(Credential credential) {
            return Boolean.parseBoolean(credential.settings().get("linkedToOrg"));
        }

        Result fail(UpstreamFailure failure) {
            String product = label(type);
            boolean tokenRejected = failure.kind() == UpstreamFailure.Kind.UNAUTHORIZED;
            String message = switch (failure.kind()) {
                case UNAUTHORIZED -> product + " rejected the " + credentialName(type) + ". Syncing is paused "
                        + "until you rotate the token: create a new one and enter it in Settings > Integrations > " + product + ".";
                case FORBIDDEN -> product + " refused to list " + whatIsRead(type) + " (HTTP 403): the connected account "
                        + "needs " + neededAccess(type) + ". Give it that access, or rotate the token for an account that has it.";
                case NOT_FOUND -> product + " no longer knows the " + instanceName(type) + " this integration reads (HTTP 404). "
                        + "If it was renamed or deleted, disconnect " + product + " and connect it again.";
                case RATE_LIMITED -> product + " kept rate limiting the sync; it runs again at the next sync.";
                case BROKEN_PAGING -> product + "'s listing did not advance, so the sync stopped: " + failure.getMessage()
                        + " Nothing was removed; the sync starts again from the beginning at the next sync.";
                default -> product + " failed during the sync (" + failure.getMessage() + "); it runs again at the next sync.";
            };
            record("failed", message);
            held.recordStatus(IntegrationStatus.ERROR, null, message, tokenRejected);
            LOG.warn("product sync failed", "integration", type.id(), "kind", failure.kind(), "status", failure.status());
            return new Result(Outcome.FAILED, null).failedBy(failure.kind());
        }

        Result outOfTime() {
            String message = "The " + label(type) + " sync ran out of time before it listed everything; what it read is "
                    + "stored, nothing was marked removed, and it runs again at the next sync.";
            record("timed-out", message);
            held.recordStatus(IntegrationStatus.ERROR, null, message, false);
            LOG.warn("product sync ran out of time", "integration", type.id());
            return new Result(Outcome.FAILED, null).failedBy(UpstreamFailure.Kind.OUT_OF_TIME);
        }

        /** Records the run and frees the lease. */
        SyncRunRecord record(String outcome, String error) {
            SyncRunRecord record = new SyncRunRecord(runId, type, startedAt, clock.instant(), outcome, members, groups,
                    membersWritten, groupsWritten, removed, apiCallCounter.getAsLong() - callsAtStart, 1, error);
            held.finish(record);
            return record;
        }
    }

    static String label(IntegrationType type) {
        return switch (type) {
            case JIRA -> "Jira";
            case CONFLUENCE -> "Confluence";
            case TRELLO -> "Trello";
            case BITBUCKET -> "Bitbucket";
            case ATLASSIAN -> "Atlassian";
        };
    }

    private static String credentialName(IntegrationType type) {
        return type == IntegrationType.TRELLO ? "token (revoked or expired, or its member is no longer an enterprise admin)"
                : "API token (revoked or expired)";
    }

    private static String whatIsRead(IntegrationType type) {
        return switch (type) {
            case JIRA -> "application roles, groups or group members";
            case CONFLUENCE -> "groups or group members";
            case TRELLO -> "the enterprise's members";
            default -> "the workspace's members";
        };
    }

    private static String neededAccess(IntegrationType type) {
        return switch (type) {
            case JIRA -> "Jira administration (Browse users and groups, application access)";
            case CONFLUENCE -> "Confluence administration";
            case TRELLO -> "enterprise admin rights";
            default -> "membership of the workspace";
        };
    }

    private static String instanceName(IntegrationType type) {
        return switch (type) {
            case JIRA, CONFLUENCE -> "site";
            case TRELLO -> "enterprise";
            default -> "workspace";
        };
    }
}
