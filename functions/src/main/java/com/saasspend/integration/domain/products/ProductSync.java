package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.PagingGuard;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.CheckpointedRun;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.ListingTracker;
import com.saasspend.integration.domain.sync.SyncLease;
import com.saasspend.integration.domain.sync.SyncCheckpoint;
import com.saasspend.integration.domain.sync.SyncCheckpoint.Phase;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
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
    static final int MAX_INVOCATIONS = CheckpointedRun.MAX_INVOCATIONS;

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

    public SyncResult run(String tenantId, IntegrationType type, Budget budget) {
        return run(tenantId, type, budget, false);
    }

    /** {@code freshCredentialTried}: this is the one retry after a 401 found a newer credential in the vault. */
    private SyncResult run(String tenantId, IntegrationType type, Budget budget, boolean freshCredentialTried) {
        if (!type.isProduct()) {
            throw new IllegalArgumentException("The product sync does not sync " + type.id());
        }
        SyncLease.Opened opened = SyncLease.open(state, integrations, clock, lease, tenantId, type);
        if (opened.lease() == null) {
            return opened.refused();
        }
        SyncLease held = opened.lease();
        Integration integration = held.integration();
        Run run;
        Map<String, String> secret;
        try {
            SyncCheckpoint checkpoint = state.checkpoint(tenantId, type).filter(c -> listsIn(type, c.phase()))
                    .orElseGet(() -> firstCheckpoint(type)).nextInvocation();
            held.markSyncing();
            secret = vault.read(integration.secretName());
            run = new Run(tenantId, type, held, budget, checkpoint);
            Log.put("runId", checkpoint.runId());
        } catch (RuntimeException beforeStart) {
            // Nothing ran: free the lease at once rather than when it expires (a saved checkpoint stays).
            held.release();
            throw beforeStart;
        }
        Credential credential = new Credential(type, integration.settings(), secret, null);
        SyncResult result = run.complete(() -> run.execute(credential), vault, integration.secretName(), secret::equals,
                freshCredentialTried);
        if (result == null) {
            // Rotated while this warm instance held the old credential in its cache: resume from the checkpoint
            // once with the stored one instead of pausing the integration.
            return run(tenantId, type, budget, true);
        }
        return result.expiring(integration.credentialExpiresOn());
    }

    /**
     * Which checkpoint phase holds which listing: Jira's roles are PRODUCTS; site groups (Jira, Confluence) are GROUPS;
     * Trello's and Bitbucket's members are USERS; FINALIZE is the sweep and summary after the last page.
     */
    private static boolean listsIn(IntegrationType type, Phase phase) {
        return phase == Phase.FINALIZE || switch (type) {
            case JIRA -> phase == Phase.PRODUCTS || phase == Phase.GROUPS;
            case CONFLUENCE -> phase == Phase.GROUPS;
            case TRELLO, BITBUCKET -> phase == Phase.USERS;
            case ATLASSIAN -> false;
        };
    }

    private SyncCheckpoint firstCheckpoint(IntegrationType type) {
        SyncCheckpoint start = SyncCheckpoint.start(UUID.randomUUID().toString(), clock.instant());
        return switch (type) {
            case JIRA -> start;
            case CONFLUENCE -> start.next(Phase.GROUPS, null, 0);
            default -> start.next(Phase.USERS, null, 0);
        };
    }

    /**
     * One invocation's share of a run of one product sync. After every page the checkpoint is saved (cursor, page,
     * totals, summary tallies), so a run cut short continues at the next page in the next invocation; a page whose
     * checkpoint was not saved is done again (its writes already stored are then found unchanged).
     */
    private final class Run extends CheckpointedRun {
        /** The store with every creating write fenced by this run's lease. */
        private final ProductStore licenses;
        /** Bitbucket: owners and collaborators, listed once per invocation (few; everyone else is a plain member). */
        private Set<String> owners;
        private Set<String> collaborators;

        Run(String tenantId, IntegrationType type, SyncLease held, Budget budget, SyncCheckpoint checkpoint) {
            super(tenantId, type, held, checkpoint, apiCallCounter, clock);
            this.budget = budget;
            this.licenses = store.fencedBy(held.fence());
        }

        SyncResult execute(Credential credential) {
            Runnable page = switch (type) {
                case JIRA -> {
                    JiraApi api = apis.jira(credential);
                    yield () -> {
                        if (checkpoint.phase() == Phase.PRODUCTS) {
                            jiraRoles(api);
                        } else {
                            siteGroups(api, ProductListing.JIRA_GROUPS);
                        }
                    };
                }
                case CONFLUENCE -> {
                    SiteGroupsApi api = apis.confluence(credential);
                    yield () -> siteGroups(api, ProductListing.CONFLUENCE_GROUPS);
                }
                case TRELLO -> {
                    TrelloEnterpriseApi api = apis.trello(credential);
                    yield () -> trello(api);
                }
                case BITBUCKET -> {
                    BitbucketWorkspaceApi api = apis.bitbucket(credential);
                    yield () -> bitbucket(api);
                }
                case ATLASSIAN -> throw new IllegalStateException("not a product");
            };
            while (checkpoint.phase() != Phase.FINALIZE) {
                page.run();
                if (checkpoint.phase() != Phase.FINALIZE && budget.nearlyOut()) {
                    throw new OutOfTime();
                }
            }
            return finish(credential);
        }

        private SyncResult finish(Credential credential) {
            // Every listing was complete: now, and only now, what is gone may be marked so.
            Instant now = clock.instant();
            long removed = 0;
            if (type == IntegrationType.JIRA) {
                removed += tracker(ProductListing.JIRA_ROLES).sweep(1, now);
            }
            removed += tracker(listingOf(type)).sweep(checkpoint.page(), now);
            Hashed<ProductSummary> hashed = Hashed.of(summary(credential));
            if (!licenses.summaryHash(tenantId, type).map(hashed.hash()::equals).orElse(false)) {
                licenses.putSummary(tenantId, type, hashed, now);
            }
            SyncResult completed = completed(removed);
            SyncRunRecord record = completed.run();
            LOG.info("product sync completed", "integration", type.id(), "members", record.users(),
                    "membersWritten", record.usersWritten(), "groups", record.groups(), "groupsWritten", record.groupsWritten(),
                    "removed", removed, "apiCalls", record.apiCalls(), "invocations", record.invocations());
            return completed;
        }

        /** The product's summary: the tallies of every page of the run, with each count the product always shows. */
        private ProductSummary summary(Credential credential) {
            Map<String, Long> counts = new LinkedHashMap<>();
            List<String> always = switch (type) {
                case JIRA -> List.of("roles", "groups", "memberships");
                case CONFLUENCE -> List.of("groups", "memberships");
                case TRELLO -> List.of("members", "licensed", "deactivated", "collaborators", "managed", "admins");
                default -> List.of("members");
            };
            always.forEach(name -> counts.put(name, 0L));
            counts.putAll(checkpoint.tallies());
            if (type == IntegrationType.BITBUCKET) {
                counts.put("owners", (long) owners.size());
                counts.put("collaborators", (long) collaborators.size());
            }
            String instance = credential.settings().get(switch (type) {
                case JIRA, CONFLUENCE -> "site";
                case TRELLO -> "enterpriseId";
                default -> "workspace";
            });
            return new ProductSummary(instance, credential.settings().getOrDefault("name", instance), linked(credential), counts);
        }

        /** The run's tracker of a listing (its pages span invocations: each page is opened at its index). */
        private ListingTracker tracker(ProductListing listing) {
            return new ListingTracker(licenses.digests(tenantId, listing), checkpoint.runId());
        }

        /** The guard of the product's listing being paged. */
        private PagingGuard productGuard(String what) {
            return guard(label(type) + " " + what);
        }

        /** The page is done: totals and tallies move on, and the checkpoint says where the next page starts. */
        private void pageDone(String nextCursor, Phase after, long membersSeen, long membersWritten, long groupsSeen,
                              long groupsWritten, Map<String, Long> tallies) {
            Map<String, Long> sum = new HashMap<>(checkpoint.tallies());
            tallies.forEach((name, n) -> sum.merge(name, n, Long::sum));
            checkpoint = checkpoint.withTallies(sum).withProgress(checkpoint.counts(), checkpoint.apiCalls(),
                    checkpoint.usersWritten() + membersWritten, checkpoint.groupsWritten() + groupsWritten,
                    checkpoint.usersSeen() + membersSeen, checkpoint.groupsSeen() + groupsSeen);
            advance(nextCursor == null ? checkpoint.next(after, null, checkpoint.page() + 1)
                    : checkpoint.next(checkpoint.phase(), nextCursor, checkpoint.page() + 1));
        }

        private void jiraRoles(JiraApi api) {
            List<JiraRole> roles = api.applicationRoles();
            ListingTracker.PageCheck page = tracker(ProductListing.JIRA_ROLES).page(0);
            List<Hashed<JiraRole>> changed = page.changed(roles.stream().map(Hashed::of).toList(), JiraRole::key);
            if (!changed.isEmpty()) {
                licenses.putRoles(tenantId, changed, clock.instant());
            }
            page.close();
            Map<String, Long> tallies = new HashMap<>();
            tallies.put("roles", (long) roles.size());
            for (JiraRole role : roles) {
                tallies.put("userCount:" + role.key(), (long) role.userCount());
            }
            // The roles are one call: the groups listing starts at its first page.
            Map<String, Long> sum = new HashMap<>(checkpoint.tallies());
            sum.putAll(tallies);
            checkpoint = checkpoint.withTallies(sum).withProgress(checkpoint.counts(), checkpoint.apiCalls(),
                    checkpoint.usersWritten(), checkpoint.groupsWritten() + changed.size(), checkpoint.usersSeen(),
                    checkpoint.groupsSeen() + roles.size());
            advance(checkpoint.next(Phase.GROUPS, null, 0));
        }

        /** One page of the site's groups, each with all its members; one group's members in memory at a time. */
        private void siteGroups(SiteGroupsApi api, ProductListing listing) {
            Page<GroupRef> page = api.groups(checkpoint.cursor());
            // Before the page's digest is opened: a listing that does not advance stores nothing more.
            String next = productGuard("groups").next(page.nextCursor(), page.items().size());
            ListingTracker.PageCheck check = tracker(listing).page(checkpoint.page());
            long groupCount = 0;
            long memberships = 0;
            long written = 0;
            for (GroupRef ref : page.items()) {
                ProductGroup group = withMembers(api, ref);
                if (group == null) {
                    continue;
                }
                Hashed<ProductGroup> hashed = Hashed.of(group);
                if (check.changed(group.id(), hashed.hash())) {
                    licenses.putGroup(tenantId, listing, hashed, clock.instant());
                    written++;
                }
                groupCount++;
                memberships += group.memberIds().size();
            }
            check.close();
            pageDone(next, Phase.FINALIZE, memberships, 0, groupCount, written,
                    Map.of("groups", groupCount, "memberships", memberships));
        }

        /** The group with all its members; null when it was deleted after it was listed (it is then not on the listing). */
        private ProductGroup withMembers(SiteGroupsApi api, GroupRef ref) {
            List<String> ids = new ArrayList<>();
            List<String> inactiveIds = new ArrayList<>();
            String cursor = null;
            PagingGuard members = PagingGuard.of(label(type) + " members of group " + ref.id());
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
                cursor = members.next(page.nextCursor(), page.items().size());
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

        private void trello(TrelloEnterpriseApi api) {
            Page<TrelloMember> page = api.members(checkpoint.cursor());
            String next = productGuard("enterprise members").next(page.nextCursor(), page.items().size());
            ListingTracker.PageCheck check = tracker(ProductListing.TRELLO_MEMBERS).page(checkpoint.page());
            List<Hashed<TrelloMember>> changed = check.changed(page.items().stream().map(Hashed::of).toList(), TrelloMember::id);
            if (!changed.isEmpty()) {
                licenses.putTrelloMembers(tenantId, changed, clock.instant());
            }
            check.close();
            Map<String, Long> tallies = new HashMap<>();
            for (TrelloMember m : page.items()) {
                tallies.merge("members", 1L, Long::sum);
                tallies.merge("licensed", m.licensed() ? 1L : 0L, Long::sum);
                tallies.merge("deactivated", m.deactivated() ? 1L : 0L, Long::sum);
                tallies.merge("collaborators", m.collaborator() ? 1L : 0L, Long::sum);
                tallies.merge("managed", m.managed() ? 1L : 0L, Long::sum);
                tallies.merge("admins", m.admin() ? 1L : 0L, Long::sum);
            }
            pageDone(next, Phase.FINALIZE, page.items().size(), changed.size(), 0, 0, tallies);
        }

        private void bitbucket(BitbucketWorkspaceApi api) {
            if (owners == null) {
                owners = allUuids(api, "owner");
                collaborators = allUuids(api, "collaborator");
            }
            Page<BitbucketMember> page = api.members(checkpoint.cursor());
            String next = productGuard("workspace members").next(page.nextCursor(), page.items().size());
            List<Hashed<BitbucketMember>> hashed = page.items().stream()
                    .map(m -> m.withPermission(owners.contains(m.uuid()) ? "owner" : collaborators.contains(m.uuid()) ? "collaborator" : "member"))
                    .map(Hashed::of).toList();
            ListingTracker.PageCheck check = tracker(ProductListing.BITBUCKET_MEMBERS).page(checkpoint.page());
            List<Hashed<BitbucketMember>> changed = check.changed(hashed, BitbucketMember::uuid);
            if (!changed.isEmpty()) {
                licenses.putBitbucketMembers(tenantId, changed, clock.instant());
            }
            check.close();
            pageDone(next, Phase.FINALIZE, page.items().size(), changed.size(), 0, 0,
                    Map.of("members", (long) page.items().size()));
        }

        private Set<String> allUuids(BitbucketWorkspaceApi api, String permission) {
            Set<String> uuids = new HashSet<>();
            String cursor = null;
            PagingGuard permissions = PagingGuard.of(label(type) + " workspace permissions (" + permission + ")");
            do {
                Page<String> page = api.memberUuidsWithPermission(permission, cursor);
                cursor = permissions.next(page.nextCursor(), page.items().size());
                uuids.addAll(page.items());
                checkTime();
            } while (cursor != null);
            return uuids;
        }

        private boolean linked(Credential credential) {
            return Boolean.parseBoolean(credential.settings().get("linkedToOrg"));
        }

        @Override
        protected SyncResult outOfInvocations() {
            return endInError("timed-out", "The " + label(type) + " sync did not finish within " + MAX_INVOCATIONS
                    + " invocations (" + label(type) + " answered too slowly to list everything in time); what it read is "
                    + "stored, nothing was marked removed, and it starts again from the beginning at the next sync.",
                    UpstreamFailure.Kind.OUT_OF_TIME, false);
        }

        @Override
        protected String internalErrorMessage() {
            return "The " + type.id() + " sync stopped on an internal error; it continues at the next sync.";
        }

        @Override
        protected SyncResult fail(UpstreamFailure failure) {
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
            return endInError("failed", message, failure.kind(), tokenRejected);
        }
    }

    /** The listing a product's run ends on (its pages are counted by the checkpoint): Jira's and Confluence's groups, the members otherwise. */
    private static ProductListing listingOf(IntegrationType type) {
        return switch (type) {
            case JIRA -> ProductListing.JIRA_GROUPS;
            case CONFLUENCE -> ProductListing.CONFLUENCE_GROUPS;
            case TRELLO -> ProductListing.TRELLO_MEMBERS;
            case BITBUCKET -> ProductListing.BITBUCKET_MEMBERS;
            case ATLASSIAN -> throw new IllegalStateException("not a product");
        };
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
