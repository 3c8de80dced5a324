package com.saasspend.integration.domain;

import java.util.List;

/**
 * One user of the org as the License page shows it: identity, account and membership status, the products the user
 * can use with the last time they used each, and the access groups the user is in.
 */
public record OrgUser(
        String accountId,
        String name,
        String email,
        String accountType,
        String accountStatus,
        String membershipStatus,
        String claimStatus,
        boolean orgAdmin,
        String addedToOrg,
        List<ProductAccess> products,
        List<GroupRef> groups) {

    public OrgUser {
        products = List.copyOf(products);
        groups = List.copyOf(groups);
    }

    /** Access to one product instance; {@code lastActive} is null when the user never used it. */
    public record ProductAccess(String key, String resourceId, String lastActive) {}

    public record GroupRef(String id, String name) {}
}
