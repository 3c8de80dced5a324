package com.saasspend.integration.domain.reclaim;

import java.util.List;
import java.util.TreeSet;

/** Which access groups to take one user out of: the body of a plan and of a reclaim. */
public record ReclaimRequest(String accountId, List<String> groupIds) {
    public ReclaimRequest {
        groupIds = List.copyOf(groupIds);
    }

    /**
     * What makes two requests "the same" for an idempotency key: the user and the set of groups (order is how the
     * admin ticked them, not what they asked for).
     */
    public String fingerprintSource() {
        return accountId + "|" + String.join(",", new TreeSet<>(groupIds));
    }
}
