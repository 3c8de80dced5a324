package com.saasspend.atlassian.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The organizations' audit logs: every world change appends an event, served by {@code GET /v1/orgs/{orgId}/events-stream}
 * in processing order. Faults: events dropped, delayed (processed later than they happened) or duplicated (the same
 * event id delivered twice), and orgs whose plan keeps no audit log (the stream answers an error).
 *
 * <p>Action names: Atlassian's documents name none (the spec points at {@code event-actions}); the ones here follow
 * the audit log's naming style and are UNCONFIRMED. {@link #ACTIONS} is what {@code event-actions} lists.
 *
 * <p>Called under {@link World}'s lock (writes under the write lock, reads under the read lock); the fault settings are
 * guarded by this object's monitor.
 */
public final class AuditLog {

    public static final String USER_ADDED_TO_GROUP = "user_added_to_group";
    public static final String USER_REMOVED_FROM_GROUP = "user_removed_from_group";
    public static final String GROUP_CREATED = "group_created";
    public static final String GROUP_DELETED = "group_deleted";
    public static final String GROUP_RENAMED = "group_renamed";
    public static final String GROUP_ROLE_GRANTED = "group_role_granted";
    public static final String GROUP_ROLE_REVOKED = "group_role_revoked";
    public static final String USER_ADDED_TO_ORG = "user_added_to_org";
    public static final String USER_REMOVED_FROM_ORG = "user_removed_from_org";
    public static final String USER_SUSPENDED = "user_suspended";
    public static final String USER_RESTORED = "user_restored";
    public static final String USER_DEACTIVATED = "user_deactivated";

    /** id -> {displayName, groupDisplayName}, in the order event-actions lists them. */
    static final Map<String, String[]> ACTIONS = new java.util.LinkedHashMap<>();

    static {
        ACTIONS.put(USER_ADDED_TO_GROUP, new String[] {"Added user to group", "Group management"});
        ACTIONS.put(USER_REMOVED_FROM_GROUP, new String[] {"Removed user from group", "Group management"});
        ACTIONS.put(GROUP_CREATED, new String[] {"Created group", "Group management"});
        ACTIONS.put(GROUP_DELETED, new String[] {"Deleted group", "Group management"});
        ACTIONS.put(GROUP_RENAMED, new String[] {"Renamed group", "Group management"});
        ACTIONS.put(GROUP_ROLE_GRANTED, new String[] {"Granted group product access", "Product access"});
        ACTIONS.put(GROUP_ROLE_REVOKED, new String[] {"Revoked group product access", "Product access"});
        ACTIONS.put(USER_ADDED_TO_ORG, new String[] {"Added user to organization", "User management"});
        ACTIONS.put(USER_REMOVED_FROM_ORG, new String[] {"Removed user from organization", "User management"});
        ACTIONS.put(USER_SUSPENDED, new String[] {"Suspended user access", "User management"});
        ACTIONS.put(USER_RESTORED, new String[] {"Restored user access", "User management"});
        ACTIONS.put(USER_DEACTIVATED, new String[] {"Deactivated account", "User management"});
    }

    /** One recorded event; {@code objects} is its {@code context}: type ("users", "groups", "resources") -> id. */
    record Event(String id, Instant time, Instant processedAt, String action, String actorId, List<String[]> objects) {}

    private final Map<String, TreeMap<String, Event>> byOrg = new HashMap<>();
    private long sequence;
    private int dropNext;
    private int duplicateNext;
    private Duration delay = Duration.ZERO;
    /** orgId -> the status its events endpoints answer (an org whose plan keeps no audit log). */
    private final Map<String, Integer> unavailable = new HashMap<>();
    /** orgId -> actions event-actions leaves out. */
    private final Map<String, List<String>> hiddenActions = new HashMap<>();

    AuditLog() {}

    /** The next {@code count} world changes record no event (an event lost by Atlassian's pipeline). */
    public synchronized AuditLog dropNext(int count) {
        dropNext = count;
        return this;
    }

    /** The next {@code count} events are delivered twice (same id, processed twice). */
    public synchronized AuditLog duplicateNext(int count) {
        duplicateNext = count;
        return this;
    }

    /** Events are processed (and become visible in the stream) this long after they happen. */
    public synchronized AuditLog delay(Duration processingDelay) {
        delay = processingDelay;
        return this;
    }

    /** The org's events endpoints answer {@code status} (403 or 404): its plan keeps no audit log. 0 makes it available. */
    public synchronized AuditLog unavailable(String orgId, int status) {
        if (status == 0) unavailable.remove(orgId);
        else unavailable.put(orgId, status);
        return this;
    }

    /** event-actions of the org does not list these actions. */
    public synchronized AuditLog hideActions(String orgId, String... actions) {
        hiddenActions.put(orgId, List.of(actions));
        return this;
    }

    public synchronized AuditLog clearFaults() {
        dropNext = 0;
        duplicateNext = 0;
        delay = Duration.ZERO;
        unavailable.clear();
        hiddenActions.clear();
        return this;
    }

    synchronized Integer unavailableStatus(String orgId) {
        return unavailable.get(orgId);
    }

    synchronized List<String> actions(String orgId) {
        List<String> out = new ArrayList<>(ACTIONS.keySet());
        out.removeAll(hiddenActions.getOrDefault(orgId, List.of()));
        return out;
    }

    /** Appends an event; {@code objects} alternate type and id: "users", accountId, "groups", groupId. */
    synchronized void record(String orgId, Instant now, String action, String... objects) {
        if (dropNext > 0) {
            dropNext--;
            return;
        }
        List<String[]> context = new ArrayList<>();
        for (int i = 0; i + 1 < objects.length; i += 2) context.add(new String[] {objects[i], objects[i + 1]});
        Instant processedAt = now.plus(delay);
        Event e = new Event(UUID.randomUUID().toString(), now, processedAt, action, "sim-admin", context);
        TreeMap<String, Event> events = byOrg.computeIfAbsent(orgId, k -> new TreeMap<>());
        events.put(key(processedAt), e);
        if (duplicateNext > 0) {
            duplicateNext--;
            events.put(key(processedAt), e);
        }
    }

    /** The stream's order: processing time, then arrival; a key names a position a cursor continues after. */
    private String key(Instant processedAt) {
        return String.format("%015d-%012d", processedAt.toEpochMilli(), ++sequence);
    }

    /** Events of the org processed by {@code now}, in stream order. */
    synchronized NavigableMap<String, Event> visible(String orgId, Instant now) {
        TreeMap<String, Event> events = byOrg.getOrDefault(orgId, new TreeMap<>());
        return new TreeMap<>(events.headMap(String.format("%015d-~", now.toEpochMilli()), true));
    }

    /** How many events the org's log holds (tests). */
    public synchronized int size(String orgId) {
        return byOrg.getOrDefault(orgId, new TreeMap<>()).size();
    }
}
