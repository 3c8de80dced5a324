package com.saasspend.integration.domain.licenses;

import java.math.BigDecimal;
import java.util.Map;

/**
 * A tenant's License page settings: after how many days without activity a seat counts as inactive, and the
 * monthly price of a seat per product key (for the money a reclaim frees), where the tenant has set one.
 * {@code policiesPaused}: the tenant's kill switch for reclaim policies (no evaluation, no due reclaim).
 */
public record TenantSettings(int inactivityDays, Map<String, BigDecimal> seatPrices, boolean policiesPaused) {
    public static final int DEFAULT_INACTIVITY_DAYS = 30;
    public static final TenantSettings DEFAULTS = new TenantSettings(DEFAULT_INACTIVITY_DAYS, Map.of());

    public TenantSettings {
        seatPrices = Map.copyOf(seatPrices);
    }

    public TenantSettings(int inactivityDays, Map<String, BigDecimal> seatPrices) {
        this(inactivityDays, seatPrices, false);
    }
}
