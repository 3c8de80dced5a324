package com.saasspend.integration.domain.reclaim.jobs;

import java.util.List;

/**
 * Who a bulk reclaim covers and which of their groups it removes. Either explicit {@code accountIds} or a License page
 * {@code filter}; the groups rule is either the groups granting {@code grantingProduct} (a product key) or the named
 * {@code groupIds}.
 */
public record JobSelection(List<String> accountIds, Filter filter, String grantingProduct, List<String> groupIds) {
    public static final int MAX_USERS = 5_000;

    public JobSelection {
        accountIds = accountIds == null ? null : List.copyOf(accountIds);
        groupIds = groupIds == null ? null : List.copyOf(groupIds);
    }

    /**
     * The License page's filters and its search text ({@code search}: the prefix search of its user list, null for none),
     * plus the groups and accounts never to include.
     */
    public record Filter(String product, String status, Integer inactiveForDays, String search, List<String> excludeGroupIds,
                         List<String> excludeAccountIds) {
        public Filter {
            excludeGroupIds = excludeGroupIds == null ? List.of() : List.copyOf(excludeGroupIds);
            excludeAccountIds = excludeAccountIds == null ? List.of() : List.copyOf(excludeAccountIds);
        }
    }
}
