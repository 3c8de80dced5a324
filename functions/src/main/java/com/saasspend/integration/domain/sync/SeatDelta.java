package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.OrgUser;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** How the seat counts change when a stored user changes, counted the way the full sync counts them. */
public final class SeatDelta {
    private SeatDelta() {}

    public static Map<String, ProductCounts> between(OrgUser before, OrgUser after, Instant activeSince) {
        Map<String, ProductCounts> delta = new HashMap<>();
        if (before != null) {
            before.products().forEach(p -> delta.merge(p.resourceId(), negate(AtlassianOrgSync.seat(p, activeSince)), ProductCounts::plus));
        }
        if (after != null) {
            after.products().forEach(p -> delta.merge(p.resourceId(), AtlassianOrgSync.seat(p, activeSince), ProductCounts::plus));
        }
        delta.values().removeIf(ProductCounts.ZERO::equals);
        return delta;
    }

    private static ProductCounts negate(ProductCounts c) {
        return new ProductCounts(-c.assigned(), -c.active(), -c.inactive(), -c.neverUsed());
    }
}
