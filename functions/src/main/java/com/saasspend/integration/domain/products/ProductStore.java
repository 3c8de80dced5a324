package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.DigestStore;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.SyncFence;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where product syncs keep what they read (the tenant's license data, next to the org sync's), with the page digests
 * that let an unchanged listing be confirmed in one small read per page.
 */
public interface ProductStore extends DigestStore<ProductListing> {
    void putRoles(String tenantId, List<Hashed<JiraRole>> roles, Instant syncedAt);

    /** Writes one group with its members (JIRA_GROUPS or CONFLUENCE_GROUPS), however many members it has. */
    void putGroup(String tenantId, ProductListing listing, Hashed<ProductGroup> group, Instant syncedAt);

    void putTrelloMembers(String tenantId, List<Hashed<TrelloMember>> members, Instant syncedAt);

    void putBitbucketMembers(String tenantId, List<Hashed<BitbucketMember>> members, Instant syncedAt);

    /** Content hash of the stored summary of a product, if any. */
    Optional<String> summaryHash(String tenantId, IntegrationType product);

    void putSummary(String tenantId, IntegrationType product, Hashed<ProductSummary> summary, Instant syncedAt);

    /**
     * This store with every write that may create an item made conditional on the sync lease {@code fence}: once it
     * is revoked (disconnect) or taken over, such writes store nothing and throw {@code SyncFencedOut}.
     */
    ProductStore fencedBy(SyncFence fence);
}
