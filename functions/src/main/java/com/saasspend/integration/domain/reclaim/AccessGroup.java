package com.saasspend.integration.domain.reclaim;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One access group a user is in, as the Reclaim slider lists it. {@code canChangeHere} is false for a group an
 * identity provider manages; {@code changeWhere} then says where its members are changed. {@code synced} is false
 * for a group the user's record names but the last sync did not store (what it grants is unknown until the next).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccessGroup(
        String id,
        String name,
        String description,
        List<Grant> grants,
        boolean externallyManaged,
        String managedBy,
        boolean canChangeHere,
        String changeWhere,
        boolean defaultGroup,
        List<String> defaultGroupFor,
        Integer memberCount,
        boolean synced,
        String reclaimBlockedReason) {

    public AccessGroup {
        grants = List.copyOf(grants);
        defaultGroupFor = List.copyOf(defaultGroupFor);
    }

    public record Grant(String resourceId, String productKey, String productName, List<String> roles, boolean defaultGroup) {
        public Grant {
            roles = List.copyOf(roles);
        }
    }
}
