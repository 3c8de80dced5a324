package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import com.saasspend.integration.domain.sync.SyncCheckpoint.Phase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Syncs one tenant's Atlassian organization into the license store: product instances, groups with what they grant,
 * then every user with product access, last-active times and groups, page by page.
 *
 * <p>Cost: each page is compared with its digest from the last run (one small read); only items whose content hash
 * changed are read and written. A tenant's first listing (no user stored when the run began) has nothing to compare
 * with: its user pages read no digest and no stored hash, and its end sweeps nothing (see
 * {@link SyncCheckpoint#newUsersPage}). Correctness: an item is marked removed only at the end of a complete listing. Scale:
 * after every page the checkpoint is saved, so a run that nears the invocation's time limit continues in the next
 * invocation, and memory holds two pages at most (one being stored while the next is fetched: {@link BackgroundStore}).
 * Concurrency: a lease lets one invocation run at a time.
 */
public final class AtlassianOrgSync {
    private static final Log LOG = Log.of(AtlassianOrgSync.class);
    private static final int MAX_CURSOR_RESTARTS = 3;
    static final int MAX_INVOCATIONS = CheckpointedRun.MAX_INVOCATIONS;
    static final String GROUPS_LISTING = "organization groups";
    static final String USERS_LISTING = "organization users";

    private final AtlassianOrgApi api;
    private final LicenseStore store;
    private final SyncStateStore state;
    private final IntegrationStore integrations;
    private final CredentialVault vault;
    private final LongSupplier apiCallCounter;
    private final Clock clock;
    private final Duration lease;
    private final TenantSettingsStore settings;
    /** Null: no incremental runs, every run is a full listing. */
    private final EventStreamStateStore streams;
    private final FullListingSchedule schedule;
    private final IncrementalOrgSync incremental;

    public AtlassianOrgSync(AtlassianOrgApi api, LicenseStore store, SyncStateStore state, IntegrationStore integrations,
                            CredentialVault vault, LongSupplier apiCallCounter, Clock clock, Duration lease,
                            TenantSettingsStore settings) {
        this(api, store, state, integrations, vault, apiCallCounter, clock, lease, settings, null, null);
    }

    /** With {@code streams}, a run not asked to be full polls the audit-event stream instead of listing, when it can. */
    public AtlassianOrgSync(AtlassianOrgApi api, LicenseStore store, SyncStateStore state, IntegrationStore integrations,
                            CredentialVault vault, LongSupplier apiCallCounter, Clock clock, Duration lease,
                            TenantSettingsStore settings, EventStreamStateStore streams, FullListingSchedule schedule) {
        this.streams = streams;
        this.schedule = schedule == null ? FullListingSchedule.defaults() : schedule;
        this.incremental = new IncrementalOrgSync(api, clock);
        this.api = api;
        this.store = store;
        this.state = state;
        this.integrations = integrations;
        this.vault = vault;
        this.apiCallCounter = apiCallCounter;
        this.clock = clock;
        this.lease = lease;
        this.settings = settings;
    }

    /** A full listing of the org (or the continuation of one under way). */
    public SyncResult run(String tenantId, Budget budget) {
        return run(tenantId, budget, true, false);
    }

    /**
     * {@code full}: list the whole org (asked for by the admin, or a continuation); otherwise an incremental run from
     * the audit-event stream when one can be trusted (see {@link #wantsFullListing}).
     */
    public SyncResult run(String tenantId, Budget budget, boolean full) {
        return run(tenantId, budget, full, false);
    }

    /** {@code freshKeyTried}: this is the one retry after a 401 found a newer key in the vault than the one used. */
    private SyncResult run(String tenantId, Budget budget, boolean full, boolean freshKeyTried) {
        SyncLease.Opened opened = SyncLease.open(state, integrations, clock, lease, tenantId, IntegrationType.ATLASSIAN);
        if (opened.lease() == null) {
            return opened.refused();
        }
        SyncLease held = opened.lease();
        Integration integration = held.integration();
        Run run;
        EventStreamState stream = null;
        try {
            Optional<SyncCheckpoint> underway = state.checkpoint(tenantId, IntegrationType.ATLASSIAN);
            if (streams != null) {
                Integration connection = integration;
                stream = streams.find(tenantId, IntegrationType.ATLASSIAN)
                        .filter(s -> Objects.equals(s.connectedAt(), connection.connectedAt())).orElse(null);
            }
            if (underway.isEmpty() && !full && !wantsFullListing(tenantId, stream)) {
                SyncResult applied = incrementally(tenantId, budget, held, integration, stream);
                if (applied != null) {
                    return applied.expiring(integration.credentialExpiresOn());
                }
                // Not trusted or not available: list the org now, in this invocation.
            }
            SyncCheckpoint checkpoint = underway
                    .orElseGet(() -> SyncCheckpoint.start(UUID.randomUUID().toString(), clock.instant()))
                    .nextInvocation();
            held.markSyncing();
            run = new Run(tenantId, held, integration.setting("orgId"), vault.read(integration.secretName()).get("apiKey"),
                    checkpoint, settings.get(tenantId).inactivityDays(), integration.connectedAt());
            Log.put("runId", checkpoint.runId());
        } catch (RuntimeException beforeStart) {
            // Nothing ran: free the lease at once rather than when it expires.
            held.release();
            throw beforeStart;
        }
        SyncResult result = run.complete(() -> run.execute(budget), vault, integration.secretName(),
                stored -> run.apiKey.equals(stored.get("apiKey")), freshKeyTried);
        if (result == null) {
            // The key was rotated while this warm instance held the old one in its cache: resume from the
            // checkpoint once with the stored key instead of pausing the integration.
            return run(tenantId, budget, full, true);
        }
        return result.expiring(integration.credentialExpiresOn());
    }

    /**
     * Whether this run lists the org rather than polling its audit-event stream: no full listing yet for this
     * connection (connect), the stream found unavailable less than a day ago, the tenant's daily full listing due, or
     * its stored users predating the License page's current listing layout (a full listing rewrites them all).
     */
    private boolean wantsFullListing(String tenantId, EventStreamState stream) {
        if (streams == null || stream == null || stream.lastFullAt() == null || !store.listingsCurrent(tenantId)) {
            return true;
        }
        Instant now = clock.instant();
        if (stream.streamUnavailable() != null && stream.checkedAt() != null
                && stream.checkedAt().isAfter(now.minus(STREAM_RECHECK))) {
            return true;
        }
        return schedule.due(tenantId, stream.lastFullAt(), now);
    }

    /** An org whose stream was unavailable is tried again this long after. */
    static final Duration STREAM_RECHECK = Duration.ofDays(1);

    /**
     * Notes of writes outside the listing are settled only when older than the run's start by this much: another
     * function's clock may run a little ahead of this one's (a note kept once more costs one read).
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /**
     * One incremental run under the held lease. Answers its result, or null when the org must be listed instead (the
     * run could not be trusted, the stream is unavailable, or Atlassian failed: the listing meets the same failure and
     * reports it as every sync does).
     */
    private SyncResult incrementally(String tenantId, Budget budget, SyncLease held, Integration integration, EventStreamState stream) {
        Instant startedAt = clock.instant();
        long callsAtStart = apiCallCounter.getAsLong();
        String runId = SyncRunRecord.INCREMENTAL_RUN_PREFIX + UUID.randomUUID();
        Log.put("runId", runId);
        IncrementalOrgSync.Result result;
        try {
            result = incremental.run(tenantId, integration.setting("orgId"), vault.read(integration.secretName()).get("apiKey"),
                    stream, store.fencedBy(held.fence()), held, budget, settings.get(tenantId).inactivityDays());
        } catch (SyncFencedOut fenced) {
            LOG.warn("incremental sync lost its lease and stopped");
            return new SyncResult(SyncOutcome.FENCED, null);
        } catch (UpstreamFailure failure) {
            LOG.info("incremental sync failed; listing the organization instead", "kind", failure.kind());
            return null;
        }
        switch (result.kind()) {
            case APPLIED -> {
                Instant now = clock.instant();
                if (!savedUnderLease(held, result.state())) {
                    return new SyncResult(SyncOutcome.FENCED, null);
                }
                long calls = apiCallCounter.getAsLong() - callsAtStart;
                // users/groups: what this run re-read (an incremental run sees only what the events touched).
                SyncRunRecord record = new SyncRunRecord(runId, IntegrationType.ATLASSIAN, startedAt, now, "completed",
                        result.usersRead(), result.groupsRead(), result.usersWritten(), result.groupsWritten(),
                        result.removed(), calls, 1, null);
                held.finish(record);
                held.recordStatus(IntegrationStatus.CONNECTED, now, null, false);
                showStream(tenantId, integration, STREAM_AVAILABLE);
                return new SyncResult(SyncOutcome.COMPLETED, record);
            }
            case OUT_OF_TIME -> {
                // Nothing advanced: the continuation polls from the same cursor.
                held.release();
                return new SyncResult(SyncOutcome.CONTINUE, null);
            }
            case UNAVAILABLE -> {
                LOG.info("audit-event stream unavailable; listing the organization", "reason", result.reason());
                if (!savedUnderLease(held, result.state())) {
                    return new SyncResult(SyncOutcome.FENCED, null);
                }
                showStream(tenantId, integration, result.reason());
                return null;
            }
            default -> {
                LOG.info("incremental sync cannot be trusted; listing the organization", "reason", result.reason());
                return null;
            }
        }
    }

    /**
     * Saves where the stream was read up to, only while {@code held} is still this run's: a run that lost its lease
     * (taken over after it expired, or revoked by a disconnect) must not move the position back (events applied twice)
     * nor past events it did not apply. False when refused: the run that holds the lease now owns the position.
     */
    private boolean savedUnderLease(SyncLease held, EventStreamState state) {
        try {
            streams.save(held.fence(), state);
            return true;
        } catch (SyncFencedOut fenced) {
            LOG.warn("incremental sync lost its lease; its stream position was not saved");
            return false;
        }
    }

    /** The integration setting that says whether syncs read the audit-event stream (shown by GET /integrations). */
    public static final String STREAM_SETTING = "eventStream";
    static final String STREAM_AVAILABLE = "available";

    /** Shows the stream's availability on the integration, written only when it changes. */
    private void showStream(String tenantId, Integration connection, String value) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Integration current = integrations.find(tenantId, IntegrationType.ATLASSIAN).orElse(null);
            if (current == null || current.status() == IntegrationStatus.DISCONNECTED
                    || !Objects.equals(current.connectedAt(), connection.connectedAt())
                    || value.equals(current.setting(STREAM_SETTING))) {
                return;
            }
            try {
                integrations.save(current.withSetting(STREAM_SETTING, value), current.version());
                return;
            } catch (IntegrationStore.ConcurrentChangeException raced) {
                // A rotation or status update changed the record meanwhile: read it again.
            }
        }
    }

    /** Where a listing is read from: the phase, the cursor of its next page and that page's index. */
    private record Position(Phase phase, String cursor, int page) {
        static Position of(SyncCheckpoint checkpoint) {
            return new Position(checkpoint.phase(), checkpoint.cursor(), checkpoint.page());
        }
    }

    /**
     * One invocation's share of a run: the org's listings on the shared run skeleton. The {@link #checkpoint} is where
     * the run stands as stored: advanced by the page store (on its thread) once a page is written, read by the
     * fetching side only after {@link BackgroundStore#await()}, so it never points past a page not yet stored.
     */
    private final class Run extends CheckpointedRun {
        private final String orgId;
        final String apiKey;
        /** The tenant's inactivity threshold, read once per invocation. */
        private final int inactivityDays;
        /** The connection this run syncs (its stream state is kept for this connection only). */
        private final Instant connectedAt;
        /** The store with every creating write fenced by this run's lease. */
        private final LicenseStore licenses;
        /** Where the next fetch reads (the fetching side's own): one page ahead of {@link #checkpoint} while a page is stored. */
        private Position at;
        /** Stores each fetched page while the next is fetched; set for the duration of {@link #execute}. */
        private BackgroundStore storing;
        private final Map<Listing, ListingTracker> trackers = new java.util.concurrent.ConcurrentHashMap<>();

        Run(String tenantId, SyncLease held, String orgId, String apiKey, SyncCheckpoint checkpoint, int inactivityDays,
            Instant connectedAt) {
            super(tenantId, IntegrationType.ATLASSIAN, held, checkpoint, apiCallCounter, clock);
            this.connectedAt = connectedAt;
            this.orgId = orgId;
            this.apiKey = apiKey;
            this.inactivityDays = inactivityDays;
            this.licenses = store.fencedBy(held.fence());
        }

        /**
         * Pipelined: page k is stored on the store's thread while page k+1 (and its groups' role assignments) is
         * fetched on this one, so Atlassian calls follow each other without waiting for DynamoDB. Same calls, same
         * order as one page at a time; at most one page is fetched ahead of the checkpoint.
         */
        SyncResult execute(Budget budget) {
            this.budget = budget;
            try (BackgroundStore pageStore = new BackgroundStore("org-sync-store")) {
                storing = pageStore;
                try {
                    return pages();
                } catch (RuntimeException | Error stopped) {
                    // The page being stored finishes first: what complete() saves then is the last stored page's
                    // checkpoint, and that page's failure (a lost lease) is the one that counts.
                    pageStore.awaitAfter(stopped);
                    throw stopped;
                }
            } finally {
                storing = null;
            }
        }

        private SyncResult pages() {
            at = Position.of(checkpoint);
            while (true) {
                switch (at.phase()) {
                    case PRODUCTS -> {
                        List<ProductInstance> fresh = api.productInstances(orgId, apiKey);
                        Position after = new Position(Phase.GROUPS, null, 0);
                        handOver(after, () -> storeProducts(fresh, after));
                    }
                    case GROUPS -> pageOfGroups();
                    case USERS -> pageOfUsers();
                    case FINALIZE -> {
                        storing.await();
                        return finish();
                    }
                }
                if (at.phase() != Phase.FINALIZE && budget.nearlyOut()) {
                    storing.await();
                    return pause();
                }
            }
        }

        @Override
        protected SyncResult outOfInvocations() {
            return endInError("failed", "The sync did not finish within " + MAX_INVOCATIONS + " invocations (Atlassian "
                    + "answered too slowly to list the organization in time); it stopped without removing anything and "
                    + "starts again from the beginning at the next sync.", UpstreamFailure.Kind.OUT_OF_TIME, false);
        }

        @Override
        protected String internalErrorMessage() {
            return "The sync stopped on an internal error; it continues at the next sync.";
        }

        /**
         * On the store's thread, while the groups are fetched: the product instances, and whether the users listing
         * starts with nothing stored (a tenant's first listing: its user pages then read no digest and no hashes).
         */
        private void storeProducts(List<ProductInstance> fresh, Position after) {
            Map<String, ProductInstance> stored = store.products(tenantId).stream()
                    .collect(Collectors.toMap(ProductInstance::id, Function.identity(), (a, b) -> a));
            List<ProductInstance> changed = fresh.stream().filter(p -> !p.equals(stored.get(p.id()))).toList();
            if (!changed.isEmpty()) {
                licenses.putProducts(tenantId, changed, clock.instant());
            }
            Set<String> gone = new HashSet<>(stored.keySet());
            fresh.forEach(p -> gone.remove(p.id()));
            if (!gone.isEmpty()) {
                // A complete listing of a handful of instances: what is missing is gone.
                licenses.deleteProducts(tenantId, gone);
            }
            // Read before any user page of the run is written (the lease keeps other syncs out, and nothing else
            // creates users), so no user is stored now means none was stored before this run.
            Integer newUsersFrom = licenses.anyUserStored(tenantId) ? null : 0;
            stored(checkpoint.withNewUsersFrom(newUsersFrom).next(after.phase(), after.cursor(), after.page()));
        }

        private void pageOfGroups() {
            Page<ListedGroup> page = listing(() -> api.groups(orgId, apiKey, at.cursor()));
            if (page == null) {
                return;
            }
            // Before anything of the page is written: a listing that does not advance stops here (the guard is
            // seeded from where the fetching stands, a page ahead of the checkpoint while one is stored).
            String next = guard(GROUPS_LISTING, at.cursor(), at.page()).next(page.nextCursor(), page.items().size());
            List<OrgGroup> groups = new ArrayList<>();
            for (ListedGroup listed : page.items()) {
                groups.add(withGrants(listed));
            }
            Position after = next == null ? new Position(Phase.USERS, null, 0) : new Position(Phase.GROUPS, next, at.page() + 1);
            handOver(after, () -> storeGroups(groups, after));
        }

        /** On the store's thread: the page of groups at the checkpoint, then the checkpoint moved past it. */
        private void storeGroups(List<OrgGroup> groups, Position after) {
            long written = writeChanged(Listing.GROUPS, groups.stream().map(Hashed::of).toList(), OrgGroup::id,
                    changed -> licenses.putGroups(tenantId, changed, clock.instant()));
            checkpoint = checkpoint.withProgress(checkpoint.counts(), checkpoint.apiCalls(), checkpoint.usersWritten(),
                    checkpoint.groupsWritten() + written, checkpoint.usersSeen(), checkpoint.groupsSeen() + groups.size());
            stored(checkpoint.next(after.phase(), after.cursor(), after.page()));
        }

        /** The fetched page goes to the store (once the page before it is stored); the next fetch reads from {@code after}. */
        private void handOver(Position after, Runnable store) {
            storing.submit(store);
            tookOn();
            at = after;
        }

        /**
         * The group with what it grants. Most groups of an org (teams, projects, mailing lists) have roles on no
         * resource: groups search counts them ({@code counts.resources}), and a group counting zero grants nothing, so
         * only the others cost a role-assignment listing (a count Atlassian did not give is read, as before). Counts are
         * read afresh every run, so a group that gains or loses resources between two runs is read or emptied then.
         */
        private OrgGroup withGrants(ListedGroup listed) {
            if (listed.mayGrant()) {
                // One role-assignment listing per granting group: a page of them can take minutes.
                checkTime();
            }
            return AtlassianOrgSync.withGrants(api, orgId, apiKey, listed);
        }

        private void pageOfUsers() {
            Instant readAt = clock.instant();
            Page<OrgUser> page = listing(() -> api.users(orgId, apiKey, at.cursor()));
            if (page == null) {
                return;
            }
            String next = guard(USERS_LISTING, at.cursor(), at.page()).next(page.nextCursor(), page.items().size());
            List<OrgUser> users = page.items().stream().map(AtlassianOrgSync::canonical).toList();
            Position after = next == null ? new Position(Phase.FINALIZE, null, at.page() + 1)
                    : new Position(Phase.USERS, next, at.page() + 1);
            handOver(after, () -> storeUsers(users, readAt, after));
        }

        /** On the store's thread: the page of users at the checkpoint and its seats, then the checkpoint moved past it. */
        private void storeUsers(List<OrgUser> users, Instant readAt, Position after) {
            checkpoint = checkpoint.withUserPageReadAt(readAt);
            ListingTracker tracker = tracker(Listing.USERS);
            int index = checkpoint.page();
            // A page of a first listing has no digest, nor users stored from an earlier run: nothing to read.
            boolean newPage = checkpoint.newUsersPage(index);
            ListingTracker.PageCheck page = newPage ? tracker.newPage(index) : tracker.page(index);
            List<Hashed<OrgUser>> changed = page.changed(users.stream().map(Hashed::of).toList(), OrgUser::accountId);
            PageDigest digest = page.digestToRecord();
            if (!changed.isEmpty() || digest != null) {
                licenses.putUsersPage(tenantId, changed, newPage, clock.instant(), index, digest);
            }
            long written = changed.size();
            Map<String, ProductCounts> counts = new HashMap<>(checkpoint.counts());
            Instant activeSince = clock.instant().minus(Duration.ofDays(inactivityDays));
            for (OrgUser user : users) {
                for (OrgUser.ProductAccess access : user.products()) {
                    counts.merge(access.resourceId(), seat(access, activeSince), ProductCounts::plus);
                }
            }
            checkpoint = checkpoint.withProgress(counts, checkpoint.apiCalls(), checkpoint.usersWritten() + written,
                    checkpoint.groupsWritten(), checkpoint.usersSeen() + users.size(), checkpoint.groupsSeen());
            stored(checkpoint.next(after.phase(), after.cursor(), after.page()));
        }

        /** Fetches a page; an expired cursor restarts the listing from its first page (answers null then). */
        private <T> Page<T> listing(java.util.function.Supplier<Page<T>> fetch) {
            try {
                return fetch.get();
            } catch (UpstreamFailure failure) {
                if (failure.kind() != UpstreamFailure.Kind.INVALID_CURSOR) {
                    throw failure;
                }
                // The checkpoint catches up with the fetches first: it is then at the page whose cursor expired.
                storing.await();
                if (checkpoint.cursor() == null || checkpoint.cursorRestarts() >= MAX_CURSOR_RESTARTS) {
                    throw failure;
                }
                LOG.warn("cursor expired; restarting the listing", "phase", checkpoint.phase());
                restartListing();
                at = Position.of(checkpoint);
                return null;
            }
        }

        /**
         * Compares the page at the checkpoint with its digest ({@link ListingTracker}) and writes only the items whose
         * content changed; answers how many were written.
         */
        private <T> long writeChanged(Listing listing, List<Hashed<T>> items, Function<T, String> idOf,
                                      java.util.function.Consumer<List<Hashed<T>>> write) {
            ListingTracker.PageCheck page = tracker(listing).page(checkpoint.page());
            List<Hashed<T>> changed = page.changed(items, idOf);
            if (!changed.isEmpty()) {
                write.accept(changed);
            }
            page.close();
            return changed.size();
        }

        /**
         * The listing's tracker for this run (the run's pages span invocations: each page is opened at its index), one
         * per invocation, so what was written outside the listing is read once an invocation, not once a page.
         */
        private ListingTracker tracker(Listing listing) {
            String runId = checkpoint.runId();
            return trackers.compute(listing, (l, known) -> known != null && known.runId().equals(runId) ? known
                    : new ListingTracker(licenses.digests(tenantId, l), runId));
        }

        private SyncResult finish() {
            Instant now = clock.instant();
            long removedGroups = tracker(Listing.GROUPS).sweep(checkpoint.groupPages(), now);
            // A first listing written in one go (no page of it written twice) left no reminders and no digest past
            // its last page: nothing to sweep.
            boolean firstListing = checkpoint.newUsersPage(0);
            long removedUsers = firstListing ? 0 : tracker(Listing.USERS).sweep(checkpoint.page(), now);
            // Every page was compared with what is stored: notes made before this run began are settled.
            Instant notedBefore = checkpoint.startedAt().minus(CLOCK_SKEW);
            licenses.settleWrittenOutsideListing(tenantId, Listing.GROUPS, notedBefore);
            licenses.settleWrittenOutsideListing(tenantId, Listing.USERS, notedBefore);
            putSummary(now, firstListing);
            long calls = apiCalls();
            if (streams != null) {
                // Incremental runs poll from the start of this listing: nothing that changed during it is missed.
                EventStreamState before = streams.find(tenantId, IntegrationType.ATLASSIAN)
                        .filter(s -> Objects.equals(s.connectedAt(), connectedAt)).orElse(null);
                // Under the lease, so before the run is recorded (which frees it); refused (the run FENCED) once lost.
                streams.save(held.fence(),
                        EventStreamState.afterFullListing(connectedAt, checkpoint.startedAt(), calls, before));
            }
            SyncResult completed = completed(removedUsers + removedGroups);
            SyncRunRecord record = completed.run();
            // Hook for a daily history item written at the end of a full org listing goes here.
            LOG.info("sync completed", "users", record.users(), "usersWritten", record.usersWritten(),
                    "groupsWritten", record.groupsWritten(), "removed", record.removed(), "apiCalls", calls);
            return completed;
        }

        /**
         * Seat counts as of the end of the run: this run's counts plus every seat adjustment (reclaim, undo) made
         * after the page holding its user was read (the page could not reflect it). Conditional on the SUMMARY's
         * adjustment counter, so an adjustment arriving between the read and the write is not overwritten either:
         * the write is refused and the counts recomputed with it.
         */
        private void putSummary(Instant now, boolean everyUserWritten) {
            for (int attempt = 0; attempt < 5; attempt++) {
                long version = licenses.summaryAdjustments(tenantId);
                if (licenses.putSummary(tenantId, withLateAdjustments(checkpoint.counts()), inactivityDays, now, version,
                        everyUserWritten)) {
                    return;
                }
            }
            // Reclaims kept adjusting the summary: it holds the last count plus their adjustments, close enough
            // until the next sync recounts.
            LOG.warn("seat summary kept changing; left as adjusted");
        }

        private Map<String, ProductCounts> withLateAdjustments(Map<String, ProductCounts> counted) {
            List<LicenseStore.SeatAdjustment> adjustments = licenses.seatAdjustmentsSince(tenantId, checkpoint.startedAt());
            if (adjustments.isEmpty()) {
                return counted;
            }
            Set<String> accounts = adjustments.stream().map(LicenseStore.SeatAdjustment::accountId).collect(Collectors.toSet());
            Map<String, Integer> pageOf = new HashMap<>();
            int pages = checkpoint.page();
            licenses.forEachDigest(tenantId, Listing.USERS, (index, digest) -> {
                if (index < pages) {
                    digest.entries().stream().filter(e -> accounts.contains(e.id())).forEach(e -> pageOf.put(e.id(), index));
                }
            });
            List<Long> readAt = checkpoint.userPagesReadAt();
            Map<String, ProductCounts> counts = new HashMap<>(counted);
            for (LicenseStore.SeatAdjustment adjustment : adjustments) {
                Integer page = pageOf.get(adjustment.accountId());
                if (page != null && page < readAt.size() && readAt.get(page) < adjustment.at().toEpochMilli()) {
                    adjustment.delta().forEach((product, delta) -> counts.merge(product, delta, ProductCounts::plus));
                }
            }
            return counts;
        }

        @Override
        protected SyncResult fail(UpstreamFailure failure) {
            if (failure.kind() == UpstreamFailure.Kind.BROKEN_PAGING) {
                return endInError("failed", "Atlassian's listing did not advance, so the sync stopped: " + failure.getMessage()
                        + " Nothing was removed; the sync starts again from the beginning at the next sync.",
                        UpstreamFailure.Kind.BROKEN_PAGING, false);
            }
            saveQuietly();
            held.release();
            boolean keyRejected = failure.kind() == UpstreamFailure.Kind.UNAUTHORIZED;
            String message = switch (failure.kind()) {
                case UNAUTHORIZED -> "Atlassian rejected the organization API key (revoked or expired). Syncing is paused: "
                        + "create a new API key in admin.atlassian.com and rotate it in Settings > Integrations.";
                case FORBIDDEN -> "The organization API key may no longer read users or groups (HTTP 403). Rotate it for "
                        + "an API key without scopes.";
                case RATE_LIMITED -> "Atlassian kept rate limiting the sync; it continues where it stopped at the next sync.";
                default -> "Atlassian failed during the sync (" + failure.getMessage() + "); it continues where it stopped at the next sync.";
            };
            held.recordStatus(IntegrationStatus.ERROR, null, message, keyRejected || failure.kind() == UpstreamFailure.Kind.FORBIDDEN);
            LOG.warn("sync failed", "kind", failure.kind(), "status", failure.status());
            return new SyncResult(SyncOutcome.FAILED, null).failedBy(failure.kind());
        }
    }

    /** The group with its role assignments (read only when it may grant something), in a fixed order for its hash. */
    static OrgGroup withGrants(AtlassianOrgApi api, String orgId, String apiKey, ListedGroup listed) {
        if (!listed.mayGrant()) {
            return listed.group().withGrants(List.of());
        }
        List<OrgGroup.Grant> grants = new ArrayList<>(api.groupGrants(orgId, apiKey, listed.group().id()));
        grants.sort(Comparator.comparing(OrgGroup.Grant::resourceId));
        return listed.group().withGrants(grants);
    }

    /** The seat a user holds on one product: active, inactive or never used, as of {@code activeSince}. */
    static ProductCounts seat(OrgUser.ProductAccess access, Instant activeSince) {
        if (access.lastActive() == null) {
            return new ProductCounts(1, 0, 0, 1);
        }
        Instant last = Instant.parse(access.lastActive());
        return last.isBefore(activeSince) ? new ProductCounts(1, 0, 1, 0) : new ProductCounts(1, 1, 0, 0);
    }

    /** A user as the sync stores it: canonical form and content hash. Anything else that writes a user uses this. */
    public static Hashed<OrgUser> hashed(OrgUser user) {
        return Hashed.of(canonical(user));
    }

    /** Sorted lists, so the same content always gives the same hash. */
    static OrgUser canonical(OrgUser u) {
        List<OrgUser.ProductAccess> products = new ArrayList<>(u.products());
        products.sort(Comparator.comparing(OrgUser.ProductAccess::resourceId).thenComparing(p -> Objects.toString(p.key())));
        List<OrgUser.GroupRef> groups = new ArrayList<>(u.groups());
        groups.sort(Comparator.comparing(OrgUser.GroupRef::id));
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(),
                u.claimStatus(), u.orgAdmin(), u.addedToOrg(), products, groups);
    }
}
