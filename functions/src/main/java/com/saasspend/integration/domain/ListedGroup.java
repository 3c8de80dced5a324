package com.saasspend.integration.domain;

/**
 * A group as groups search lists it: the group (without grants) and how many resources it has roles on
 * ({@code counts.resources}), or null when Atlassian did not say. Only a group counting zero resources is known to
 * grant nothing without asking for its role assignments.
 */
public record ListedGroup(OrgGroup group, Integer resourceCount) {
    /** Whether the group's role assignments must be read: it has some, or nobody said it has none. */
    public boolean mayGrant() {
        return resourceCount == null || resourceCount > 0;
    }
}
