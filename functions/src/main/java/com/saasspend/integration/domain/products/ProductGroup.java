package com.saasspend.integration.domain.products;

import java.util.List;
import java.util.TreeSet;

/**
 * A Jira or Confluence group with its members (account ids, sorted). {@code inactiveMemberIds}: the members the
 * product reports as inactive (Jira does; Confluence reports no status, so its list is always empty).
 */
public record ProductGroup(String id, String name, List<String> memberIds, List<String> inactiveMemberIds) {
    public ProductGroup {
        // Sorted and de-duplicated, so the same membership always gives the same content hash.
        memberIds = List.copyOf(new TreeSet<>(memberIds));
        inactiveMemberIds = List.copyOf(new TreeSet<>(inactiveMemberIds));
    }
}
