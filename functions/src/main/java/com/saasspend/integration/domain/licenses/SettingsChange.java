package com.saasspend.integration.domain.licenses;

import com.saasspend.integration.domain.Refusal;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code PUT /settings} changes. A field left null keeps its stored value; {@code seatPrices} merges per
 * product key: a price sets that product's, a null price removes it, products not named keep theirs. So a client that
 * saves one product's price, or only the threshold, never resets what it did not send.
 */
public record SettingsChange(Integer inactivityDays, Map<String, BigDecimal> seatPrices, Boolean policiesPaused) {
    /** The most products a tenant prices: a bound on the settings item, far above the products Atlassian sells. */
    public static final int MAX_PRICED_PRODUCTS = 100;

    public SettingsChange {
        // Null values are the removals: Map.copyOf would refuse them.
        seatPrices = seatPrices == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(seatPrices));
    }

    /** The settings after this change; refused when it would price more than {@link #MAX_PRICED_PRODUCTS} products. */
    public TenantSettings applyTo(TenantSettings current) {
        Map<String, BigDecimal> prices = new HashMap<>(current.seatPrices());
        seatPrices.forEach((product, price) -> {
            if (price == null) {
                prices.remove(product);
            } else {
                prices.put(product, price);
            }
        });
        if (prices.size() > MAX_PRICED_PRODUCTS && prices.size() > current.seatPrices().size()) {
            throw tooManyPrices();
        }
        return new TenantSettings(inactivityDays != null ? inactivityDays : current.inactivityDays(), prices,
                policiesPaused != null ? policiesPaused : current.policiesPaused());
    }

    public static Refusal tooManyPrices() {
        return new Refusal(Refusal.Kind.INVALID, "too_many_seat_prices", "Too many products would have a seat price.",
                List.of(new Refusal.Field("seatPrices", "would price more than " + MAX_PRICED_PRODUCTS
                        + " products; remove some first (a null price removes one)")), null);
    }
}
