package com.saasspend.integration.domain;

import java.util.List;

/**
 * An access group of the org and what it grants. {@code externallyManaged} groups are synced from an identity
 * provider: their membership can only be changed there.
 */
public record OrgGroup(
        String id,
        String name,
        String description,
        String managedBy,
        boolean externallyManaged,
        Integer memberCount,
        List<Grant> grants) {

    public OrgGroup {
        grants = grants == null ? List.of() : List.copyOf(grants);
    }

    /** A role on a product instance granted to every member; {@code defaultGroup}: new users land in this group. */
    public record Grant(String resourceId, String productKey, List<String> roles, boolean defaultGroup) {
        public Grant {
            roles = List.copyOf(roles);
        }
    }

    public OrgGroup withGrants(List<Grant> newGrants) {
        return new OrgGroup(id, name, description, managedBy, externallyManaged, memberCount, newGrants);
    }
}
