package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.AuditEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a batch of audit events touches: the users to re-read, the groups to re-read, the groups whose every member must
 * be re-read (a rename changes each member's group list; a role change, each member's product access), and why the
 * batch cannot be trusted, if it cannot. Action names are those our simulator records (Atlassian's document names
 * none: UNCONFIRMED); an action we do not know that names users or groups may change access, so it is not trusted.
 */
public final class AuditEventTouches {
    /** A user's own state or one membership: the user and the group (its member count). */
    static final Set<String> USER_ACTIONS = Set.of("user_added_to_group", "user_removed_from_group", "user_added_to_org",
            "user_removed_from_org", "user_suspended", "user_restored", "user_deactivated");
    /** The group itself: its name (on each member's record too) or what it grants (to each member). */
    static final Set<String> GROUP_WIDE_ACTIONS = Set.of("group_renamed", "group_role_granted", "group_role_revoked");
    /** A group appears (empty) or disappears (its members lose it: only a full listing knows them all). */
    static final Set<String> GROUP_ACTIONS = Set.of("group_created", "group_deleted");
    /** Actions that change nothing we store, although they name users (sign-ins, API keys, policies). */
    static final Set<String> IGNORED_ACTIONS = Set.of("user_logged_in", "user_logged_out", "api_key_created",
            "api_key_revoked", "user_api_token_created", "user_api_token_revoked");

    /** Every action the incremental run relies on: an org whose {@code event-actions} lacks one cannot use it. */
    public static final Set<String> REQUIRED_ACTIONS;

    static {
        Set<String> required = new LinkedHashSet<>(USER_ACTIONS);
        required.addAll(GROUP_WIDE_ACTIONS);
        required.addAll(GROUP_ACTIONS);
        REQUIRED_ACTIONS = Set.copyOf(required);
    }

    private final Set<String> accountIds = new LinkedHashSet<>();
    private final Set<String> groupIds = new LinkedHashSet<>();
    private final Set<String> groupWide = new LinkedHashSet<>();
    private final Set<String> deletedGroups = new LinkedHashSet<>();
    private final Set<String> seenEvents = new LinkedHashSet<>();
    private String untrusted;
    private int events;

    /** Adds a page of events (a duplicate id counts once). */
    public void add(List<AuditEvent> page) {
        for (AuditEvent e : page) {
            if (!seenEvents.add(e.id())) {
                continue;
            }
            events++;
            String action = e.action();
            if (USER_ACTIONS.contains(action)) {
                accountIds.addAll(e.accountIds());
                groupIds.addAll(e.groupIds());
            } else if (GROUP_WIDE_ACTIONS.contains(action)) {
                groupIds.addAll(e.groupIds());
                groupWide.addAll(e.groupIds());
                accountIds.addAll(e.accountIds());
            } else if (GROUP_ACTIONS.contains(action)) {
                groupIds.addAll(e.groupIds());
                if (action.equals("group_deleted")) {
                    deletedGroups.addAll(e.groupIds());
                }
            } else if (!IGNORED_ACTIONS.contains(action) && (!e.accountIds().isEmpty() || !e.groupIds().isEmpty())
                    && untrusted == null) {
                untrusted = "the audit log holds an action this sync does not know (" + action + ") that may change access";
            }
        }
    }

    public Set<String> accountIds() {
        return accountIds;
    }

    public Set<String> groupIds() {
        return groupIds;
    }

    /** Groups whose members must all be re-read. */
    public Set<String> groupWide() {
        return groupWide;
    }

    /** Groups the events say were deleted. */
    public Set<String> deletedGroups() {
        return deletedGroups;
    }

    /** Why these events cannot be applied one by one, or null. */
    public String untrusted() {
        return untrusted;
    }

    public int events() {
        return events;
    }
}
