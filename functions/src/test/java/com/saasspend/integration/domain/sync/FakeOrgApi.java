package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.AuditEvent;
import com.saasspend.integration.domain.AuditEventPage;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgDomain;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.UpstreamFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * An Atlassian organization in memory: users and groups listed {@link #pageSize} a page (the cursor is the index of
 * the page's first item), one Jira site whose seat each user holds. Faults and hooks let a test break a listing, run
 * out of time at a given call, or act (a disconnect, a reclaim) at an exact point of a run.
 */
public final class FakeOrgApi implements AtlassianOrgApi {
    public static final String JIRA = "ari:cloud:jira::site/1";

    public final Map<String, OrgUser> users = new LinkedHashMap<>();
    public final Map<String, OrgGroup> groups = new LinkedHashMap<>();
    /** What each group grants (its role assignments); a group missing here grants the Jira seat. */
    public final Map<String, List<OrgGroup.Grant>> grants = new LinkedHashMap<>();
    /** Whether groups search answers {@code counts.resources}; false: unknown, as before it was asked for. */
    public boolean countsResources = true;
    public int grantCalls;
    public int pageSize = 2;
    /** From this cursor on, the users listing answers the cursor it was sent (it never advances); null: healthy. */
    public String stuckUsersCursor;
    /** Throws OUT_OF_TIME instead of making the call with this number (1-based); 0: never. */
    public int outOfTimeAtCall;
    public int calls;
    /** Runs with the page index when a users page has been fetched, before it is answered to the sync. */
    public IntConsumer onUsersPage = page -> {};
    /** Runs before each group's role assignments are answered. */
    public Runnable onGrants = () -> {};
    /** Runs before each read of users by id is answered. */
    public Runnable onUsersById = () -> {};

    /** The org's audit log, oldest first; the stream's cursors are indexes into it. */
    public final List<AuditEvent> events = new ArrayList<>();
    /** Audit events a page of the stream holds. */
    public int eventPageSize = 500;
    /** The status the stream and its actions answer (403, 404), or 0 when the org has a stream. */
    public int streamStatus;
    /** Cursors the stream no longer accepts (ADMIN-400-1). */
    public boolean cursorsExpired;
    public List<String> eventActions = new ArrayList<>(AuditEventTouches.REQUIRED_ACTIONS);
    public int streamCalls;
    /** The {@code fromMillis} of each poll of the stream, in order. */
    public final List<Long> pollsFrom = new ArrayList<>();
    public int userReads;

    /** Appends an event naming these users and groups. */
    public void event(String action, List<String> accountIds, List<String> groupIds) {
        events.add(new AuditEvent("e" + events.size(), action, accountIds, groupIds));
    }

    @Override
    public AuditEventPage auditEvents(String orgId, String apiKey, String cursor, long fromMillis) {
        call();
        streamCalls++;
        pollsFrom.add(fromMillis);
        failIfNoStream();
        if (cursor != null && cursorsExpired) {
            throw new UpstreamFailure(UpstreamFailure.Kind.INVALID_CURSOR, 400, "Invalid page cursor", null, "ADMIN-400-1");
        }
        // Without a cursor the fake serves the whole log: "from" is before every event a test makes.
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(events.size(), from + eventPageSize);
        return new AuditEventPage(events.subList(from, to), to < events.size() ? Integer.toString(to) : null, Integer.toString(to));
    }

    @Override
    public List<String> eventActions(String orgId, String apiKey) {
        call();
        streamCalls++;
        failIfNoStream();
        return eventActions;
    }

    private void failIfNoStream() {
        if (streamStatus != 0) {
            throw new UpstreamFailure(streamStatus == 403 ? UpstreamFailure.Kind.FORBIDDEN : UpstreamFailure.Kind.NOT_FOUND,
                    streamStatus, "no audit log", null);
        }
    }

    @Override
    public List<ListedGroup> groupsById(String orgId, String apiKey, List<String> groupIds) {
        call();
        return groupIds.stream().filter(groups::containsKey).map(id -> new ListedGroup(groups.get(id),
                (int) grantsOf(id).stream().map(OrgGroup.Grant::resourceId).distinct().count())).toList();
    }

    @Override
    public Page<OrgUser> usersInGroup(String orgId, String apiKey, String groupId, String cursor) {
        call();
        if (!groups.containsKey(groupId)) {
            throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "group not found", null);
        }
        List<OrgUser> members = users.values().stream().filter(u -> u.groups().stream().anyMatch(g -> g.id().equals(groupId))).toList();
        return page(members, cursor, 100);
    }

    public FakeOrgApi withUsers(int count) {
        for (int i = 0; i < count; i++) {
            String id = String.format("u%03d", i);
            users.put(id, user(id, true));
        }
        return this;
    }

    public FakeOrgApi withGroups(int count) {
        for (int i = 0; i < count; i++) {
            String id = String.format("g%03d", i);
            groups.put(id, new OrgGroup(id, "group " + id, null, null, false, null, List.of()));
        }
        return this;
    }

    /** A user with (or without) a Jira seat, never used. */
    public static OrgUser user(String id, boolean jiraSeat) {
        return new OrgUser(id, "User " + id, id + "@acme.com", "atlassian", "active", "active", "managed", false, null,
                jiraSeat ? List.of(new OrgUser.ProductAccess("jira-software", JIRA, null)) : List.of(), List.of());
    }

    private void call() {
        calls++;
        if (outOfTimeAtCall > 0 && calls == outOfTimeAtCall) {
            throw new UpstreamFailure(UpstreamFailure.Kind.OUT_OF_TIME, 0, "not enough time left for another call", null);
        }
    }

    private static <T> Page<T> page(List<T> all, String cursor, int size) {
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        List<T> items = all.subList(Math.min(from, all.size()), Math.min(all.size(), from + size));
        return new Page<>(items, from + size < all.size() ? Integer.toString(from + size) : null);
    }

    @Override
    public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
        call();
        Page<OrgUser> page = page(new ArrayList<>(users.values()), cursor, pageSize);
        if (stuckUsersCursor != null && cursor != null && Integer.parseInt(cursor) >= Integer.parseInt(stuckUsersCursor)) {
            page = new Page<>(page.items(), cursor);
        }
        onUsersPage.accept(cursor == null ? 0 : Integer.parseInt(cursor) / pageSize);
        return page;
    }

    @Override
    public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) {
        call();
        List<ListedGroup> listed = groups.values().stream().map(g -> new ListedGroup(g,
                countsResources ? (int) grantsOf(g.id()).stream().map(OrgGroup.Grant::resourceId).distinct().count() : null))
                .toList();
        return page(listed, cursor, pageSize);
    }

    private List<OrgGroup.Grant> grantsOf(String groupId) {
        return grants.getOrDefault(groupId, List.of(new OrgGroup.Grant(JIRA, "jira-software", List.of("user"), false)));
    }

    @Override
    public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) {
        call();
        grantCalls++;
        onGrants.run();
        return grantsOf(groupId);
    }

    @Override
    public List<ProductInstance> productInstances(String orgId, String apiKey) {
        call();
        return List.of(new ProductInstance(JIRA, "jira-software", "Jira", "https://acme.atlassian.net", 100, users.size()));
    }

    @Override
    public List<String> orgIdsOfKey(String apiKey) {
        return List.of("org-1");
    }

    @Override
    public String orgName(String orgId, String apiKey) {
        return "Acme";
    }

    @Override
    public List<OrgDomain> domains(String orgId, String apiKey) {
        return List.of();
    }

    @Override
    public int directoryCount(String orgId, String apiKey) {
        return 1;
    }

    @Override
    public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) {
        onUsersById.run();
        userReads++;
        return accountIds.stream().filter(users::containsKey).map(users::get).toList();
    }

    @Override
    public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        throw new UnsupportedOperationException("not a reclaim test");
    }

    @Override
    public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        throw new UnsupportedOperationException("not a reclaim test");
    }
}
