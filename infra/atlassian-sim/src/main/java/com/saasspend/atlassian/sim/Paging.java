package com.saasspend.atlassian.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Predicate;

/** Paging primitives shared by the API families. */
final class Paging {
    private Paging() {}

    /** One page plus whether more rows follow. */
    record Page<T>(List<T> items, boolean more, String lastKey) {}

    /** Keyset page: up to {@code limit} rows after {@code afterKey} (exclusive) that pass {@code filter}, in key order. */
    static <T> Page<T> keyset(NavigableMap<String, T> rows, String afterKey, Predicate<T> filter, int limit) {
        List<T> out = new ArrayList<>(Math.min(limit, 128));
        String lastKey = null;
        boolean more = false;
        Map<String, T> tail = afterKey == null ? rows : rows.tailMap(afterKey, false);
        for (Map.Entry<String, T> e : tail.entrySet()) {
            if (!filter.test(e.getValue())) continue;
            if (out.size() == limit) {
                more = true;
                break;
            }
            out.add(e.getValue());
            lastKey = e.getKey();
        }
        return new Page<>(out, more, lastKey);
    }

    /** Offset page over a list (Jira startAt, Confluence start, Bitbucket page). */
    static <T> List<T> slice(List<T> all, long start, int size) {
        if (start >= all.size() || size <= 0) return List.of();
        return all.subList((int) start, (int) Math.min(all.size(), start + size));
    }

    static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
