package com.saasspend.integration.domain;

import java.util.List;

/**
 * An access group of the org and what it grants. {@code externallyManaged} groups are synced from an identity
 * provider: their membership can only be changed there. {@code directoryId}: the directory the group belongs to, as
 * groups search answers it (null for groups stored before it was kept).
 */
public record OrgGroup(
        String id,
        String name,
        String description,
        String managedBy,
        boolean externallyManaged,
        Integer memberCount,
        List<Grant> grants,
        String directoryId) {

    /**
     * The directory path segment for membership calls. The admin spec documents {@code -} (all directories) for
     * search and role assignments, not for memberships, which take the group's directory ID: groups synced before we
     * kept that ID have none until the next sync rewrites them, and only those fall back to {@code -}.
     */
    public String membershipDirectory() {
        return directoryId == null || directoryId.isBlank() ? "-" : directoryId;
    }

    public OrgGroup {
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** A group whose directory is not known (stored before directory ids were kept). */
    public OrgGroup(String id, String name, String description, String managedBy, boolean externallyManaged, Integer memberCount,
                    List<Grant> grants) {
        this(id, name, description, managedBy, externallyManaged, memberCount, grants, null);
    }

    /** A role on a product instance granted to every member; {@code defaultGroup}: new users land in this group. */
    public record Grant(String resourceId, String productKey, List<String> roles, boolean defaultGroup) {
        public Grant {
            roles = List.copyOf(roles);
        }
    }

    public OrgGroup withGrants(List<Grant> newGrants) {
        return new OrgGroup(id, name, description, managedBy, externallyManaged, memberCount, newGrants, directoryId);
    }
}
