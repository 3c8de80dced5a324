package com.saasspend.integration.domain.savings;

import java.math.BigDecimal;

/**
 * Reclaimed seats of one product instance: how many, how many of them had a price when they were reclaimed, and the
 * monthly cost of those. A cost is only as known as its prices: {@link #monthlyCostOrNull()} is null when no seat had one.
 */
public record Tally(String productKey, long seats, long pricedSeats, BigDecimal monthlyCost) {
    public Tally {
        monthlyCost = monthlyCost == null ? BigDecimal.ZERO : monthlyCost;
    }

    public static Tally zero(String productKey) {
        return new Tally(productKey, 0, 0, BigDecimal.ZERO);
    }

    public Tally plus(Tally other) {
        return new Tally(productKey != null ? productKey : other.productKey, seats + other.seats, pricedSeats + other.pricedSeats,
                monthlyCost.add(other.monthlyCost));
    }

    public Tally minus(Tally other) {
        return new Tally(productKey != null ? productKey : other.productKey, seats - other.seats, pricedSeats - other.pricedSeats,
                monthlyCost.subtract(other.monthlyCost));
    }

    public boolean isZero() {
        return seats == 0 && pricedSeats == 0 && monthlyCost.signum() == 0;
    }

    public BigDecimal monthlyCostOrNull() {
        return pricedSeats == 0 ? null : monthlyCost;
    }
}
