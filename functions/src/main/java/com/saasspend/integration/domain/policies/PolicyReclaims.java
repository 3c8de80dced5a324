package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a policy needs of the rest of the product: the stored users and groups by id (batch reads), the reclaim
 * planner's tenant facts, the normal single reclaim (same audit, undo, savings), and the re-read of users from
 * Atlassian before a due removal.
 */
public interface PolicyReclaims {
    Map<String, OrgUser> users(String tenantId, Collection<String> accountIds);

    Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds);

    /** Refuses (reclaim_not_enabled) as a reclaim does until Atlassian, Jira and Confluence are connected. */
    ReclaimPlanner.Context planningContext(String tenantId);

    /** A normal reclaim under {@code idempotencyKey} (a retry finishes that reclaim); refusals are thrown. */
    Reclaimed reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request);

    /**
     * Re-reads these users from Atlassian into the stored users (at most {@link #REFRESH_BATCH} a call), answering which
     * stored users are now Atlassian's own word; a failing Atlassian is thrown.
     */
    Reread refresh(String tenantId, List<String> accountIds);

    /**
     * {@code connected} false: the Atlassian integration is absent, disconnected or paused, so nobody could be re-read;
     * {@code current}: the users whose stored copy is what Atlassian just answered.
     */
    record Reread(boolean connected, java.util.Set<String> current) {}

    int REFRESH_BATCH = 10;

    record Reclaimed(String reclaimId, String status, int seatsFreed, BigDecimal monthlyCostFreed) {}
}
