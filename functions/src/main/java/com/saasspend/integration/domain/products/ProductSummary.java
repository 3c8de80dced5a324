package com.saasspend.integration.domain.products;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one product sync found, in a few numbers: the instance it read ({@code instance}: site host, enterprise id or
 * workspace slug), whether that instance is a product of the connected org, and counts by name (e.g. members,
 * licensed, deactivated, owners, groups, memberships).
 */
public record ProductSummary(String instance, String instanceName, boolean linkedToOrg, Map<String, Long> counts) {
    public ProductSummary {
        // Sorted, so the same counts always give the same content hash.
        counts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }
}
