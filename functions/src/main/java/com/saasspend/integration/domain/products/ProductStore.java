package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.ListingTracker;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.sync.SyncFence;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where product syncs keep what they read (the tenant's license data, next to the org sync's), with the page digests
 * that let an unchanged listing be confirmed in one small read per page.
 */
public interface ProductStore {

    Optional<PageDigest> digest(String tenantId, ProductListing listing, int page);

    /** The digests and items of one listing, as the {@link ListingTracker} reads and writes them. */
    default ListingTracker.Digests digests(String tenantId, ProductListing listing) {
        ProductStore store = this;
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
        };
    }

    void putDigest(String tenantId, ProductListing listing, int page, PageDigest digest);

    void deleteDigest(String tenantId, ProductListing listing, int page);

    /** Every stored digest of a listing, in page order, one at a time. */
    void forEachDigest(String tenantId, ProductListing listing, BiConsumer<Integer, PageDigest> onDigest);

    /** Content hashes of the stored, not removed, items among {@code ids}; absent ids are not stored. */
    Map<String, String> storedHashes(String tenantId, ProductListing listing, Collection<String> ids);

    void putRoles(String tenantId, List<Hashed<JiraRole>> roles, Instant syncedAt);

    /** Writes one group with its members (JIRA_GROUPS or CONFLUENCE_GROUPS), however many members it has. */
    void putGroup(String tenantId, ProductListing listing, Hashed<ProductGroup> group, Instant syncedAt);

    void putTrelloMembers(String tenantId, List<Hashed<TrelloMember>> members, Instant syncedAt);

    void putBitbucketMembers(String tenantId, List<Hashed<BitbucketMember>> members, Instant syncedAt);

    /** Marks items gone: they stay readable for history, flagged removed. */
    void markRemoved(String tenantId, ProductListing listing, Collection<String> ids, Instant at);

    /** Content hash of the stored summary of a product, if any. */
    Optional<String> summaryHash(String tenantId, IntegrationType product);

    void putSummary(String tenantId, IntegrationType product, Hashed<ProductSummary> summary, Instant syncedAt);

    /**
     * This store with every write that may create an item made conditional on the sync lease {@code fence}: once it
     * is revoked (disconnect) or taken over, such writes store nothing and throw {@code SyncFencedOut}.
     */
    ProductStore fencedBy(SyncFence fence);
}
