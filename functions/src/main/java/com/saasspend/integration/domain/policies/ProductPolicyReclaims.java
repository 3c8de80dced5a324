package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.sync.AtlassianUserRefresh;
import com.saasspend.integration.domain.sync.LicenseStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link PolicyReclaims} over the product's own services: the stored org, the single reclaim, the targeted user refresh. */
public final class ProductPolicyReclaims implements PolicyReclaims {
    private final ReclaimService reclaims;
    private final LicenseStore licenses;
    private final AtlassianUserRefresh refresh;

    public ProductPolicyReclaims(ReclaimService reclaims, LicenseStore licenses, AtlassianUserRefresh refresh) {
        this.reclaims = reclaims;
        this.licenses = licenses;
        this.refresh = refresh;
    }

    @Override
    public Map<String, OrgUser> users(String tenantId, Collection<String> accountIds) {
        Map<String, OrgUser> users = new HashMap<>();
        licenses.users(tenantId, accountIds).forEach((id, hashed) -> users.put(id, hashed.item()));
        return users;
    }

    @Override
    public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
        return licenses.groups(tenantId, groupIds);
    }

    @Override
    public ReclaimPlanner.Context planningContext(String tenantId) {
        return reclaims.planningContext(tenantId);
    }

    @Override
    public Reclaimed reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request) {
        ReclaimRecord record = reclaims.reclaim(tenantId, actor, idempotencyKey, request).record();
        return new Reclaimed(record.id(), record.status(), record.seatsFreed().size(), record.monthlyCostFreed());
    }

    @Override
    public Reread refresh(String tenantId, List<String> accountIds) {
        AtlassianUserRefresh.Reread reread = refresh.reread(tenantId, accountIds);
        return new Reread(reread.connected(), reread.current());
    }
}
