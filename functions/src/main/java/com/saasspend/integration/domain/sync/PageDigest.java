package com.saasspend.integration.domain.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What page N of a listing held at the last sync: each item's id and content hash, in listing order. Comparing a
 * fresh page against its digest (one small read) tells which items changed without reading the items themselves.
 * {@code left} holds ids that were on this page before the run {@code runId} and were not on it any more: they moved
 * to another page or were removed; the end of a complete run tells which.
 */
public record PageDigest(String runId, List<Entry> entries, List<String> left) {

    public record Entry(String id, String hash) {}

    public PageDigest {
        entries = List.copyOf(entries);
        left = List.copyOf(left);
    }

    public Map<String, String> hashesById() {
        Map<String, String> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.id(), e.hash()));
        return map;
    }
}
