package com.saasspend.integration.domain;

/** Seat usage of one product instance, counted over a complete user listing. */
public record ProductCounts(long assigned, long active, long inactive, long neverUsed) {
    public static final ProductCounts ZERO = new ProductCounts(0, 0, 0, 0);

    public ProductCounts plus(ProductCounts other) {
        return new ProductCounts(assigned + other.assigned, active + other.active, inactive + other.inactive,
                neverUsed + other.neverUsed);
    }
}
