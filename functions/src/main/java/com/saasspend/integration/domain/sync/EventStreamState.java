package com.saasspend.integration.domain.sync;

import java.time.Instant;

/**
 * Where the incremental sync of one tenant's Atlassian org stands in the org's audit-event stream, for one connection
 * ({@code connectedAt}: state of an earlier connection is never used).
 *
 * @param cursor        where the next poll continues (null: not polled since the last full listing)
 * @param pollFrom      with no cursor, the first poll asks for events from here: the start of the last full listing
 *                      minus a margin, so nothing that happened during that listing is missed (replays are harmless)
 * @param lastFullAt    when the last complete full listing started (null: none yet for this connection)
 * @param lastFullCalls what that listing cost in Atlassian calls: an incremental run that would cost more lists instead
 * @param streamUnavailable null when the stream can be used, else why not (shown in the integration's status)
 * @param checkedAt     when the stream was last found unavailable (it is tried again a day later)
 */
public record EventStreamState(Instant connectedAt, String cursor, Instant pollFrom, Instant lastFullAt, long lastFullCalls,
                               String streamUnavailable, Instant checkedAt) {

    /** After a complete full listing that started at {@code startedAt} and cost {@code calls}. */
    public static EventStreamState afterFullListing(Instant connectedAt, Instant startedAt, long calls, EventStreamState before) {
        String unavailable = before == null ? null : before.streamUnavailable;
        Instant checked = before == null ? null : before.checkedAt;
        return new EventStreamState(connectedAt, null, startedAt.minus(IncrementalOrgSync.POLL_MARGIN), startedAt, calls,
                unavailable, checked);
    }

    public EventStreamState polledTo(String newCursor) {
        return new EventStreamState(connectedAt, newCursor, pollFrom, lastFullAt, lastFullCalls, null, checkedAt);
    }

    public EventStreamState unavailable(String why, Instant at) {
        return new EventStreamState(connectedAt, null, pollFrom, lastFullAt, lastFullCalls, why, at);
    }
}
