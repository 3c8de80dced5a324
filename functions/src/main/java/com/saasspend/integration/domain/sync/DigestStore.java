package com.saasspend.integration.domain.sync;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What a store keeps for the listings of a sync ({@code L}: the listing enum of the org sync or of the product syncs):
 * their page digests and their items' content hashes, for the {@link ListingTracker}.
 */
public interface DigestStore<L> {
    Optional<PageDigest> digest(String tenantId, L listing, int page);

    void putDigest(String tenantId, L listing, int page, PageDigest digest);

    void deleteDigest(String tenantId, L listing, int page);

    /** Every stored digest of a listing, in page order, one at a time (memory stays flat). */
    void forEachDigest(String tenantId, L listing, BiConsumer<Integer, PageDigest> onDigest);

    /** Content hashes of the stored (not removed) items among {@code ids}; absent ids are not stored. */
    Map<String, String> storedHashes(String tenantId, L listing, Collection<String> ids);

    /** Marks items gone (they stay readable for history, out of every list and count). */
    void markRemoved(String tenantId, L listing, Collection<String> ids, Instant at);

    /**
     * Ids of the listing's items written outside a full listing (and not yet settled by a complete one), with when:
     * their page digests may describe something else than what is stored. None for listings only a full listing writes.
     */
    default Map<String, Instant> writtenOutsideListing(String tenantId, L listing) {
        return Map.of();
    }

    /** The digests and items of one listing of one tenant, as the {@link ListingTracker} reads and writes them. */
    default ListingTracker.Digests digests(String tenantId, L listing) {
        DigestStore<L> store = this;
        return new ListingTracker.Digests() {
            @Override
            public Optional<PageDigest> digest(int page) {
                return store.digest(tenantId, listing, page);
            }

            @Override
            public void putDigest(int page, PageDigest digest) {
                store.putDigest(tenantId, listing, page, digest);
            }

            @Override
            public void deleteDigest(int page) {
                store.deleteDigest(tenantId, listing, page);
            }

            @Override
            public void forEachDigest(BiConsumer<Integer, PageDigest> onDigest) {
                store.forEachDigest(tenantId, listing, onDigest);
            }

            @Override
            public Map<String, String> storedHashes(Collection<String> ids) {
                return store.storedHashes(tenantId, listing, ids);
            }

            @Override
            public void markRemoved(Collection<String> ids, Instant at) {
                store.markRemoved(tenantId, listing, ids, at);
            }

            @Override
            public Set<String> writtenOutsideListing() {
                return store.writtenOutsideListing(tenantId, listing).keySet();
            }
        };
    }
}
