package com.saasspend.integration.domain;

import java.util.List;

/**
 * The Atlassian Organizations API as the domain needs it, authenticated with the org API key. Implementations
 * throw {@link UpstreamFailure} when Atlassian refuses or fails.
 */
public interface AtlassianOrgApi {
    /** Ids of the organizations the key belongs to (an org API key belongs to exactly one). */
    List<String> orgIdsOfKey(String apiKey);

    String orgName(String orgId, String apiKey);

    List<OrgDomain> domains(String orgId, String apiKey);

    /** More than one directory means the org is on the deprecated original user management experience. */
    int directoryCount(String orgId, String apiKey);

    List<ProductInstance> productInstances(String orgId, String apiKey);

    /** One page of all users of all directories, with product access and groups; {@code cursor} null for the first. */
    Page<OrgUser> users(String orgId, String apiKey, String cursor);

    /** One page of the org's groups (without grants), each with how many resources it has roles on. */
    Page<ListedGroup> groups(String orgId, String apiKey, String cursor);

    /** What a group grants: its role assignments on product instances. */
    List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId);

    /** The users with these account ids (at most 10 a call, as the API allows), with product access and groups. */
    List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds);

    /**
     * One page of the org's audit-event stream, oldest first: from {@code cursor} (a page's or a poll's cursor), or,
     * with no cursor, from {@code fromMillis} (epoch millis). An expired cursor is {@link UpstreamFailure.Kind#INVALID_CURSOR};
     * an org whose plan keeps no audit log answers FORBIDDEN or NOT_FOUND. An API without the stream answers as such
     * an org does.
     */
    default AuditEventPage auditEvents(String orgId, String apiKey, String cursor, long fromMillis) {
        throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "no audit-event stream", null);
    }

    /** The actions the org's audit log records ({@code event-actions}); NOT_FOUND as {@link #auditEvents} when it has none. */
    default List<String> eventActions(String orgId, String apiKey) {
        throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "no audit-event stream", null);
    }

    /** One page (100) of the users in a group, with product access and groups, as {@link #users} gives them. */
    default Page<OrgUser> usersInGroup(String orgId, String apiKey, String groupId, String cursor) {
        throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "users by group are not served here", null);
    }

    /** The groups with these ids that still exist (groups search by id, 10 a call), each with its resource count. */
    default List<ListedGroup> groupsById(String orgId, String apiKey, List<String> groupIds) {
        throw new UpstreamFailure(UpstreamFailure.Kind.NOT_FOUND, 404, "groups by id are not served here", null);
    }

    /**
     * Removes a user from a group (reclaim), in the group's directory ({@link OrgGroup#membershipDirectory()}).
     * Throws {@link UpstreamFailure} NOT_FOUND when Atlassian says the user is not a member (confirm before trusting it).
     */
    void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId);

    /**
     * Adds a user to a group (undo of a reclaim). Throws {@link UpstreamFailure} CONFLICT when already a member, or when
     * a product the group grants is at its user limit (error code ADMIN-409-3 / ADMIN-UAM-409-3).
     */
    void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId);
}
