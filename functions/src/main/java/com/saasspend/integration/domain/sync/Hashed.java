package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.CanonicalJson;

/** An item with the content hash of its canonical form: equal hashes mean nothing to write. */
public record Hashed<T>(T item, String hash) {
    /**
     * The item with the hash of its canonical JSON: independent of any mapper setting or library upgrade, so stored
     * hashes stay comparable. The item must already be canonical (lists in a fixed order) where order carries no meaning.
     */
    public static <T> Hashed<T> of(T item) {
        return new Hashed<>(item, ContentHash.of(CanonicalJson.of(item)));
    }
}
