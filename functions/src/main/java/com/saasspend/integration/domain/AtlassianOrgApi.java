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
