package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.InMemorySyncState;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.PageDigest;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/** A ProductStore in memory, for the domain's unit tests: items as id -> hash, digests, removals, and a write count. */
final class InMemoryProductStore implements ProductStore {
    final Map<ProductListing, Map<String, String>> hashes = new HashMap<>();
    final Map<ProductListing, Set<String>> removed = new HashMap<>();
    final Map<ProductListing, TreeMap<Integer, PageDigest>> digests = new HashMap<>();
    final Map<IntegrationType, String> summaries = new HashMap<>();
    int itemWrites;
    int digestWrites;
    /** Null: no lease checked (a store no sync has fenced yet). */
    private final InMemorySyncState leases;
    private SyncFence fence;

    InMemoryProductStore(InMemorySyncState leases) {
        this.leases = leases;
    }

    /** One sync at a time uses the fake: the fence it asks for applies to every creating write from then on. */
    @Override
    public ProductStore fencedBy(SyncFence newFence) {
        this.fence = newFence;
        return this;
    }

    private void checkFence() {
        if (fence != null && leases != null && !leases.holds(fence)) {
            throw new SyncFencedOut("lease lost");
        }
    }

    private Map<String, String> items(ProductListing listing) {
        return hashes.computeIfAbsent(listing, l -> new TreeMap<>());
    }

    Set<String> removed(ProductListing listing) {
        return removed.computeIfAbsent(listing, l -> new TreeSet<>());
    }

    private TreeMap<Integer, PageDigest> digests(ProductListing listing) {
        return digests.computeIfAbsent(listing, l -> new TreeMap<>());
    }

    /** Stores an item as a sync writes it (a write brings a removed item back). */
    void put(ProductListing listing, String id, String hash) {
        checkFence();
        items(listing).put(id, hash);
        removed(listing).remove(id);
        itemWrites++;
    }

    @Override
    public Optional<PageDigest> digest(String tenantId, ProductListing listing, int page) {
        return Optional.ofNullable(digests(listing).get(page));
    }

    @Override
    public void putDigest(String tenantId, ProductListing listing, int page, PageDigest digest) {
        checkFence();
        digests(listing).put(page, digest);
        digestWrites++;
    }

    @Override
    public void deleteDigest(String tenantId, ProductListing listing, int page) {
        digests(listing).remove(page);
        digestWrites++;
    }

    @Override
    public void forEachDigest(String tenantId, ProductListing listing, BiConsumer<Integer, PageDigest> onDigest) {
        new TreeMap<>(digests(listing)).forEach(onDigest);
    }

    @Override
    public Map<String, String> storedHashes(String tenantId, ProductListing listing, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        for (String id : ids) {
            if (items(listing).containsKey(id) && !removed(listing).contains(id)) {
                out.put(id, items(listing).get(id));
            }
        }
        return out;
    }

    @Override
    public void putRoles(String tenantId, List<Hashed<JiraRole>> roles, Instant syncedAt) {
        roles.forEach(r -> put(ProductListing.JIRA_ROLES, r.item().key(), r.hash()));
    }

    @Override
    public void putGroup(String tenantId, ProductListing listing, Hashed<ProductGroup> group, Instant syncedAt) {
        put(listing, group.item().id(), group.hash());
    }

    @Override
    public void putTrelloMembers(String tenantId, List<Hashed<TrelloMember>> members, Instant syncedAt) {
        members.forEach(m -> put(ProductListing.TRELLO_MEMBERS, m.item().id(), m.hash()));
    }

    @Override
    public void putBitbucketMembers(String tenantId, List<Hashed<BitbucketMember>> members, Instant syncedAt) {
        members.forEach(m -> put(ProductListing.BITBUCKET_MEMBERS, m.item().uuid(), m.hash()));
    }

    @Override
    public void markRemoved(String tenantId, ProductListing listing, Collection<String> ids, Instant at) {
        ids.stream().filter(items(listing)::containsKey).forEach(removed(listing)::add);
    }

    @Override
    public Optional<String> summaryHash(String tenantId, IntegrationType product) {
        return Optional.ofNullable(summaries.get(product));
    }

    @Override
    public void putSummary(String tenantId, IntegrationType product, Hashed<ProductSummary> summary, Instant syncedAt) {
        checkFence();
        summaries.put(product, summary.hash());
    }
}
