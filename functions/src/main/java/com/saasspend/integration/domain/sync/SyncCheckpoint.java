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
 * user's page was read are applied on top of the counts at the end, never overwritten.
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
        List<Long> userPagesReadAt) {

    public enum Phase { PRODUCTS, GROUPS, USERS, FINALIZE }

    public SyncCheckpoint {
        counts = Map.copyOf(counts);
        // A checkpoint saved before this field existed has none.
        userPagesReadAt = userPagesReadAt == null ? List.of() : List.copyOf(userPagesReadAt);
    }

    public static SyncCheckpoint start(String runId, Instant now) {
        return new SyncCheckpoint(runId, Phase.PRODUCTS, null, 0, now, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of());
    }

    public SyncCheckpoint next(Phase newPhase, String newCursor, int newPage) {
        // Leaving the group listing (from its last page, index `page`): remember how many pages it had.
        int groups = phase == Phase.GROUPS && newPhase == Phase.USERS ? page + 1 : groupPages;
        return new SyncCheckpoint(runId, newPhase, newCursor, newPage, startedAt, counts, apiCalls, usersWritten,
                groupsWritten, usersSeen, groupsSeen, cursorRestarts, groups, invocations, userPagesReadAt);
    }

    public SyncCheckpoint withProgress(Map<String, ProductCounts> newCounts, long calls, long users, long groups,
                                       long seenUsers, long seenGroups) {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, newCounts, calls, users, groups, seenUsers,
                seenGroups, cursorRestarts, groupPages, invocations, userPagesReadAt);
    }

    /** The user page at index {@code page} was read at {@code readAt}. */
    public SyncCheckpoint withUserPageReadAt(Instant readAt) {
        List<Long> times = new ArrayList<>(userPagesReadAt.subList(0, Math.min(page, userPagesReadAt.size())));
        times.add(readAt.toEpochMilli());
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations, times);
    }

    public SyncCheckpoint restartedListing() {
        // The restarted listing counts its items again.
        boolean users = phase == Phase.USERS;
        return new SyncCheckpoint(runId, phase, null, 0, startedAt, users ? Map.of() : counts, apiCalls,
                usersWritten, groupsWritten, users ? 0 : usersSeen, phase == Phase.GROUPS ? 0 : groupsSeen,
                cursorRestarts + 1, groupPages, invocations, users ? List.of() : userPagesReadAt);
    }

    public SyncCheckpoint nextInvocation() {
        return new SyncCheckpoint(runId, phase, cursor, page, startedAt, counts, apiCalls, usersWritten, groupsWritten,
                usersSeen, groupsSeen, cursorRestarts, groupPages, invocations + 1, userPagesReadAt);
    }
}
