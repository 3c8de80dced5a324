package com.saasspend.integration.domain.sync;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.AuditEventPage;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.PagingGuard;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.sync.LicenseStore.Listing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The incremental run of an org sync: polls the org's audit-event stream from the stored cursor, works out which users
 * and groups the events touch ({@link AuditEventTouches}), re-reads only those (users by account id, members of groups
 * whose name or grants changed, groups by id with the role assignments of those that count resources) and writes what
 * changed, item by item, under the run's lease (creating writes fenced, replacements conditional on the stored hash,
 * seat counts adjusted by the difference, as a reclaim's re-sync does). Each item is noted as written outside the full
 * listing first ({@link LicenseStore#noteWrittenOutsideListing}), so the next full listing compares it with what is
 * stored even where its page digest matches Atlassian: the listing stays the source of truth.
 *
 * <p>The cursor advances only after every write is done: a run cut short (crash, out of time, failure) leaves it where
 * it was, and the next run replays the same events, which is harmless (re-reading a user twice writes it once).
 *
 * <p>It answers {@link Kind#UNTRUSTED} instead of writing when what it would write could be wrong or dearer than a full
 * listing: the cursor expired (events may be lost), an action it does not know that may change access, a deleted group
 * that had members (only a full listing knows them all), more events than {@link #MAX_EVENT_PAGES} pages, or a re-read
 * costing more calls than the last full listing did. {@link Kind#UNAVAILABLE}: the org has no stream we can use.
 */
public final class IncrementalOrgSync {
    private static final Log LOG = Log.of(IncrementalOrgSync.class);
    /** The first poll after a full listing starts this long before it: event times and our clock may disagree. */
    static final Duration POLL_MARGIN = Duration.ofMinutes(5);
    /** 20 pages of 500: 10,000 events in 15 minutes is a reorganization, which a full listing handles better. */
    static final int MAX_EVENT_PAGES = 20;
    private static final int ATTEMPTS = 3;
    static final String LISTING = "audit events";

    public enum Kind { APPLIED, UNTRUSTED, UNAVAILABLE, OUT_OF_TIME }

    /**
     * {@code state}: the stream state to save when APPLIED (or UNAVAILABLE); {@code reason}: why it was not applied.
     */
    public record Result(Kind kind, String reason, EventStreamState state, long events, long usersRead, long groupsRead,
                         long usersWritten, long groupsWritten, long removed) {
        static Result not(Kind kind, String reason, EventStreamState state) {
            return new Result(kind, reason, state, 0, 0, 0, 0, 0, 0);
        }
    }

    private final AtlassianOrgApi api;
    private final Clock clock;

    public IncrementalOrgSync(AtlassianOrgApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /**
     * Runs once for the tenant. {@code licenses} is the store fenced by {@code held}; {@code inactivityDays} counts
     * seats as the full sync does.
     */
    public Result run(String tenantId, String orgId, String apiKey, EventStreamState state, LicenseStore licenses,
                      SyncLease held, Budget budget, int inactivityDays) {
        return new Pass(tenantId, orgId, apiKey, state, licenses, held, budget, inactivityDays).run();
    }

    private final class Pass {
        private final String tenantId;
        private final String orgId;
        private final String apiKey;
        private final EventStreamState state;
        private final LicenseStore licenses;
        private final SyncLease held;
        private final Budget budget;
        private final int inactivityDays;
        private final AuditEventTouches touches = new AuditEventTouches();
        private long usersRead;
        private long groupsRead;
        private long usersWritten;
        private long groupsWritten;
        private long removed;

        Pass(String tenantId, String orgId, String apiKey, EventStreamState state, LicenseStore licenses, SyncLease held,
             Budget budget, int inactivityDays) {
            this.tenantId = tenantId;
            this.orgId = orgId;
            this.apiKey = apiKey;
            this.state = state;
            this.licenses = licenses;
            this.held = held;
            this.budget = budget;
            this.inactivityDays = inactivityDays;
        }

        Result run() {
            if (state.cursor() == null) {
                // The first poll of a stream since a full listing: check once that the log records what we rely on.
                String missing = missingActions();
                if (missing != null) {
                    return Result.not(Kind.UNAVAILABLE, missing, state.unavailable(missing, clock.instant()));
                }
            }
            String resume;
            try {
                resume = poll();
            } catch (UpstreamFailure failure) {
                return switch (failure.kind()) {
                    case INVALID_CURSOR -> Result.not(Kind.UNTRUSTED, "the audit-event cursor expired (events may have been missed)", state);
                    case FORBIDDEN, NOT_FOUND -> unavailable(failure);
                    default -> throw failure;
                };
            } catch (Untrusted untrusted) {
                return Result.not(Kind.UNTRUSTED, untrusted.getMessage(), state);
            } catch (OutOfTime outOfTime) {
                return Result.not(Kind.OUT_OF_TIME, null, state);
            }
            if (touches.untrusted() != null) {
                return Result.not(Kind.UNTRUSTED, touches.untrusted(), state);
            }
            Map<String, OrgGroup> storedGroups = licenses.groups(tenantId, touches.groupIds());
            for (String deleted : touches.deletedGroups()) {
                OrgGroup stored = storedGroups.get(deleted);
                if (stored != null && (stored.memberCount() == null || stored.memberCount() > 0)) {
                    return Result.not(Kind.UNTRUSTED, "a group with members was deleted (" + stored.name() + ")", state);
                }
            }
            long cost = estimatedCalls(storedGroups);
            if (state.lastFullCalls() > 0 && cost > state.lastFullCalls()) {
                return Result.not(Kind.UNTRUSTED, "re-reading what changed (" + cost + " calls) costs more than listing the org ("
                        + state.lastFullCalls() + ")", state);
            }
            try {
                applyGroups(storedGroups);
                applyUsers();
            } catch (OutOfTime outOfTime) {
                // What was written stays written; the events are replayed from the unchanged cursor next time.
                return Result.not(Kind.OUT_OF_TIME, null, state);
            }
            LOG.info("incremental sync applied", "events", touches.events(), "usersWritten", usersWritten,
                    "groupsWritten", groupsWritten, "removed", removed);
            return new Result(Kind.APPLIED, null, state.polledTo(resume), touches.events(), usersRead, groupsRead, usersWritten,
                    groupsWritten, removed);
        }

        private String missingActions() {
            List<String> actions;
            try {
                actions = api.eventActions(orgId, apiKey);
            } catch (UpstreamFailure failure) {
                if (failure.kind() == UpstreamFailure.Kind.FORBIDDEN || failure.kind() == UpstreamFailure.Kind.NOT_FOUND) {
                    return unavailableReason(failure);
                }
                throw failure;
            }
            Set<String> missing = new java.util.TreeSet<>(AuditEventTouches.REQUIRED_ACTIONS);
            missing.removeAll(actions);
            return missing.isEmpty() ? null : "The organization's audit log does not record " + String.join(", ", missing)
                    + ", so every sync lists the whole organization.";
        }

        private Result unavailable(UpstreamFailure failure) {
            String why = unavailableReason(failure);
            return Result.not(Kind.UNAVAILABLE, why, state.unavailable(why, clock.instant()));
        }

        private String unavailableReason(UpstreamFailure failure) {
            return "Atlassian does not serve this organization's audit-event stream (HTTP " + failure.status()
                    + ": the plan keeps no audit log, or the API key may not read it), so every sync lists the whole organization.";
        }

        /** Reads every event since the cursor; answers where the next poll continues. */
        private String poll() {
            PagingGuard guard = new PagingGuard(LISTING, MAX_EVENT_PAGES + 1).resumingAt(state.cursor(), 0);
            String cursor = state.cursor();
            long from = state.pollFrom() == null ? clock.instant().minus(POLL_MARGIN).toEpochMilli() : state.pollFrom().toEpochMilli();
            String resume = state.cursor();
            for (int pages = 0; ; pages++) {
                if (pages > 0 && budget.nearlyOut()) {
                    throw new OutOfTime();
                }
                AuditEventPage page = api.auditEvents(orgId, apiKey, cursor, from);
                touches.add(page.events());
                if (page.resumeCursor() != null) {
                    resume = page.resumeCursor();
                }
                String next = guard.next(page.nextPage(), page.events().size());
                if (next == null) {
                    if (resume == null) {
                        throw new Untrusted("the audit-event stream gave no cursor to continue from");
                    }
                    return resume;
                }
                if (pages + 1 >= MAX_EVENT_PAGES) {
                    throw new Untrusted("more than " + MAX_EVENT_PAGES + " pages of audit events since the last sync");
                }
                cursor = next;
            }
        }

        /** Calls the re-read will make, at least: users 10 a call, groups 10 a call, members 100 a page, grants 1 a group. */
        private long estimatedCalls(Map<String, OrgGroup> storedGroups) {
            long calls = ceilDiv(touches.accountIds().size(), 10) + ceilDiv(touches.groupIds().size(), 10) * 2L;
            for (String group : touches.groupWide()) {
                OrgGroup stored = storedGroups.get(group);
                int members = stored == null || stored.memberCount() == null ? 100 : stored.memberCount();
                calls += Math.max(1, ceilDiv(members, 100));
            }
            return calls;
        }

        /**
         * Re-reads the touched groups. What a group grants changes only by the role events ({@link
         * AuditEventTouches#groupWide()}), so a stored group touched by memberships alone keeps its stored grants and
         * costs no role-assignment call; a dropped role event is repaired by the daily full listing.
         */
        private void applyGroups(Map<String, OrgGroup> storedGroups) {
            if (touches.groupIds().isEmpty()) {
                return;
            }
            List<String> ids = List.copyOf(touches.groupIds());
            List<Hashed<OrgGroup>> fresh = new ArrayList<>();
            Set<String> returned = new HashSet<>();
            for (ListedGroup listed : api.groupsById(orgId, apiKey, ids)) {
                if (!touches.groupIds().contains(listed.group().id())) {
                    continue;
                }
                checkTimeAndLease();
                OrgGroup known = storedGroups.get(listed.group().id());
                OrgGroup group = known != null && !touches.groupWide().contains(known.id())
                        ? listed.group().withGrants(known.grants())
                        : AtlassianOrgSync.withGrants(api, orgId, apiKey, listed);
                fresh.add(Hashed.of(group));
                returned.add(listed.group().id());
            }
            groupsRead = fresh.size();
            Map<String, String> stored = licenses.storedHashes(tenantId, Listing.GROUPS, ids);
            List<Hashed<OrgGroup>> changed = fresh.stream().filter(g -> !g.hash().equals(stored.get(g.item().id()))).toList();
            if (!changed.isEmpty()) {
                licenses.noteWrittenOutsideListing(tenantId, Listing.GROUPS, changed.stream().map(g -> g.item().id()).toList(),
                        clock.instant());
                licenses.putGroups(tenantId, changed, clock.instant());
                groupsWritten += changed.size();
            }
            List<String> gone = ids.stream().filter(id -> !returned.contains(id) && stored.containsKey(id)).toList();
            if (!gone.isEmpty()) {
                licenses.noteWrittenOutsideListing(tenantId, Listing.GROUPS, gone, clock.instant());
                licenses.markRemoved(tenantId, Listing.GROUPS, gone, clock.instant());
                removed += gone.size();
            }
        }

        private void applyUsers() {
            Map<String, OrgUser> fresh = new LinkedHashMap<>();
            for (String group : touches.groupWide()) {
                PagingGuard guard = PagingGuard.of("users of group " + group);
                String cursor = null;
                do {
                    checkTimeAndLease();
                    Page<OrgUser> page;
                    try {
                        page = api.usersInGroup(orgId, apiKey, group, cursor);
                    } catch (UpstreamFailure failure) {
                        if (failure.kind() == UpstreamFailure.Kind.NOT_FOUND) {
                            // Deleted since: its deletion is an event of a later poll.
                            break;
                        }
                        throw failure;
                    }
                    page.items().forEach(u -> fresh.put(u.accountId(), u));
                    cursor = guard.next(page.nextCursor(), page.items().size());
                } while (cursor != null);
            }
            Set<String> wanted = new LinkedHashSet<>(touches.accountIds());
            wanted.removeAll(fresh.keySet());
            List<String> toRead = List.copyOf(wanted);
            for (int from = 0; from < toRead.size(); from += 10) {
                checkTimeAndLease();
                List<String> batch = toRead.subList(from, Math.min(toRead.size(), from + 10));
                for (OrgUser user : api.usersById(orgId, apiKey, batch)) {
                    if (batch.contains(user.accountId())) {
                        fresh.put(user.accountId(), user);
                    }
                }
                for (String accountId : batch) {
                    if (!fresh.containsKey(accountId)) {
                        removeUser(accountId);
                    }
                }
            }
            usersRead = fresh.size();
            for (OrgUser user : fresh.values()) {
                write(AtlassianOrgSync.hashed(user));
            }
        }

        /** Atlassian no longer returns the user: it left the org. */
        private void removeUser(String accountId) {
            Optional<Hashed<OrgUser>> stored = licenses.user(tenantId, accountId);
            if (stored.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            licenses.noteWrittenOutsideListing(tenantId, Listing.USERS, List.of(accountId), now);
            licenses.markRemoved(tenantId, Listing.USERS, List.of(accountId), now);
            licenses.adjustSeats(tenantId, accountId, SeatDelta.between(stored.get().item(), null, activeSince(now)), now);
            removed++;
        }

        private void write(Hashed<OrgUser> fresh) {
            String accountId = fresh.item().accountId();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<Hashed<OrgUser>> stored = licenses.user(tenantId, accountId);
                Instant now = clock.instant();
                if (stored.isEmpty()) {
                    // New to us (a joiner, or one marked removed who came back): a creating write, fenced by the lease.
                    licenses.noteWrittenOutsideListing(tenantId, Listing.USERS, List.of(accountId), now);
                    licenses.putUsers(tenantId, List.of(fresh), now);
                    licenses.adjustSeats(tenantId, accountId, SeatDelta.between(null, fresh.item(), activeSince(now)), now);
                    usersWritten++;
                    return;
                }
                if (stored.get().hash().equals(fresh.hash())) {
                    return;
                }
                if (licenses.replaceUser(tenantId, fresh, stored.get().hash(), now, held.fence())) {
                    licenses.adjustSeats(tenantId, accountId, SeatDelta.between(stored.get().item(), fresh.item(), activeSince(now)), now);
                    usersWritten++;
                    return;
                }
            }
            LOG.warn("user kept changing while being written; the next sync settles it");
        }

        private Instant activeSince(Instant now) {
            return now.minus(Duration.ofDays(inactivityDays));
        }

        private void checkTimeAndLease() {
            if (budget.nearlyOut()) {
                throw new OutOfTime();
            }
            held.renewIfDue();
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static final class Untrusted extends RuntimeException {
        Untrusted(String message) {
            super(message, null, false, false);
        }
    }

    private static final class OutOfTime extends RuntimeException {
        OutOfTime() {
            super("out of time", null, false, false);
        }
    }
}
