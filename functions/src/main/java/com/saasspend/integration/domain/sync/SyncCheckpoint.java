package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.ProductCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a sync run stands, saved after every page so that a run cut short (timeout, crash) continues from here in
 * its next invocation. {@code counts} are the seat counts of the user pages done so far; {@code userPagesReadAt}
 * holds when each user page of this run was read (epoch millis, by page index), so seat adjustments made after a
 * user's page was read are applied on top of the counts at the end, never overwritten. {@code tallies}: a product
 * sync's summary counts so far (members, licensed, roles...), by name; empty for the org sync. {@code newUsersFrom}:
 * see {@link #withNewUsersFrom} (null in checkpoints saved before it existed: every page is compared then).
 */
public record SyncCheckpoint(
        String runId,
        Phase phase,
        String cursor,
        int page,
        Instant startedAt,
        Map<String, ProductCounts> counts,
        long apiCalls,
        long usersWritten,
        long groupsWritten,
        long usersSeen,
        long groupsSeen,
        int cursorRestarts,
        int groupPages,
        int invocations,
        List<Long> userPagesReadAt,
        Map<String, Long> tallies,
        Integer newUsersFrom) {

    public enum Phase { PRODUCTS, GROUPS, USERS, FINALIZE }

    public SyncCheckpoint {
        counts = Map.copyOf(counts);
        // A checkpoint saved before this field existed has none.
        userPagesReadAt = userPagesReadAt == null ? List.of() : List.copyOf(userPagesReadAt);
        tallies = tallies == null ? Map.of() : Map.copyOf(tallies);
    }

    public static SyncCheckpoint start(String runId, Instant now) {
        return new SyncCheckpoint(runId, Phase.PRODUCTS, null, 0, now, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of(), Map.of(), null);
    }

    public SyncCheckpoint next(Phase newPhase, String newCursor, int newPage) {
        // Leaving the group listing (from its last page, index `page`): remember how many pages it had.
        int groups = phase == Phase.GROUPS && newPhase == Phase.USERS ? page + 1 : groupPages;
        return new SyncCheckpoint(runId, newPhase, newCursor, newPage, startedAt, counts, apiCalls, usersWritten,
                groupsWritten, usersSeen, groupsSeen, cursorRestarts, groups, invocations, userPagesReadAt, tallies, newUsersFrom);
    }

    public SyncCheckpoint withProgress(Map<String, ProductCounts> newCounts, long calls, long users, long groups,
                                       long seenUsers, long seenGroups) {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, newCounts, calls, users, groups, seenUsers,
                seenGroups, cursorRestarts, groupPages, invocations, userPagesReadAt, tallies, newUsersFrom);
    }

    /** The user page at index {@code page} was read at {@code readAt}. */
    public SyncCheckpoint withUserPageReadAt(Instant readAt) {
        List<Long> times = new ArrayList<>(userPagesReadAt.subList(0, Math.min(page, userPagesReadAt.size())));
        times.add(readAt.toEpochMilli());
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations, times, tallies, newUsersFrom);
    }

    public SyncCheckpoint restartedListing() {
        // The restarted listing counts its items again.
        boolean users = phase == Phase.USERS;
        return new SyncCheckpoint(runId, phase, null, 0, startedAt, users ? Map.of() : counts, apiCalls,
                usersWritten, groupsWritten, users ? 0 : usersSeen, phase == Phase.GROUPS ? 0 : groupsSeen,
                cursorRestarts + 1, groupPages, invocations, users ? List.of() : userPagesReadAt, tallies,
                users ? storedUpTo(page) : newUsersFrom);
    }

    public SyncCheckpoint nextInvocation() {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations + 1, userPagesReadAt, tallies,
                phase == Phase.USERS ? storedUpTo(page) : newUsersFrom);
    }

    /**
     * {@code from}: the run found no user of the tenant stored before listing them (0), so a user page from that
     * index on has nothing stored to compare with (no digest, no user item); null: not known, every page is compared.
     */
    public SyncCheckpoint withNewUsersFrom(Integer from) {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations, userPagesReadAt, tallies, from);
    }

    /**
     * Whether the user page at {@code index} can have nothing stored: the tenant had no users when the run began and
     * no page at or past this index was written since (by this run: it stores pages in order).
     */
    public boolean newUsersPage(int index) {
        return newUsersFrom != null && index >= newUsersFrom;
    }

    /**
     * The page at the checkpoint and every one before it may have been written (a store cut short, a listing
     * restarted): only pages past them are still new.
     */
    private Integer storedUpTo(int pageAtCheckpoint) {
        return newUsersFrom == null ? null : Math.max(newUsersFrom, pageAtCheckpoint + 1);
    }

    /** A product sync's summary counts after the page just done. */
    public SyncCheckpoint withTallies(Map<String, Long> newTallies) {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations, userPagesReadAt, newTallies, newUsersFrom);
    }
}
