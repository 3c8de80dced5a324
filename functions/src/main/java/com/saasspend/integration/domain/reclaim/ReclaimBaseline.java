package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import java.util.List;
import java.util.Map;

/**
 * What a reclaim knew when it started, kept with its audit item (never answered to the API): the user's product access
 * and groups, what those groups grant (with their directory ids), and the plan's product outcomes (names, prices).
 * Whoever finishes an interrupted run computes the seats freed from this, whatever the stored user shows by then.
 */
public record ReclaimBaseline(
        List<OrgUser.ProductAccess> products,
        List<OrgUser.GroupRef> groups,
        Map<String, OrgGroup> groupsById,
        List<ReclaimPlan.ProductOutcome> outcomes) {

    public ReclaimBaseline {
        products = List.copyOf(products);
        groups = List.copyOf(groups);
        groupsById = Map.copyOf(groupsById);
        outcomes = List.copyOf(outcomes);
    }

    /** The user as it was, without identity details (the audit item outlives a disconnect). */
    OrgUser user(String accountId) {
        return new OrgUser(accountId, null, null, null, null, null, null, false, null, products, groups);
    }

    /** The directory a membership call on {@code groupId} goes to ({@code -} only for groups synced before we kept it). */
    String directoryOf(String groupId) {
        OrgGroup group = groupsById.get(groupId);
        return group == null ? "-" : group.membershipDirectory();
    }
}
