package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A LicenseStore in memory for the sync's unit tests, with DynamoLicenseStore's rules: a fenced view refuses every
 * write that creates an item once its lease is gone ({@link InMemorySyncState#holds}), storing nothing of it; the
 * SUMMARY's adjustment counter guards the sync's summary write.
 */
public final class InMemoryLicenseStore implements LicenseStore {
    /** Everything stored, shared by the store and its fenced views. */
    private static final class Data {
        final Map<String, Hashed<OrgUser>> users = new LinkedHashMap<>();
        final Map<String, Hashed<OrgGroup>> groups = new LinkedHashMap<>();
        final Set<String> removedUsers = new TreeSet<>();
        final Set<String> removedGroups = new TreeSet<>();
        final Map<String, ProductInstance> products = new LinkedHashMap<>();
        final Map<Listing, TreeMap<Integer, PageDigest>> digests = new HashMap<>();
        Map<String, ProductCounts> summary;
        long summaryAdjustments;
        final List<SeatAdjustment> adjustments = new ArrayList<>();
        final Map<Listing, Map<String, Instant>> writtenOutside = new HashMap<>();
        int digestWrites;
        /** Reads a sync makes per page or per run: single digests, hashes of items, whole listings' digests. */
        final Map<Listing, Integer> digestReads = new HashMap<>();
        final Map<Listing, Integer> hashReads = new HashMap<>();
        final Map<Listing, Integer> digestScans = new HashMap<>();
        int userWrites;
        int summaryWrites;
    }

    private final Data data;
    private final InMemorySyncState leases;
    private final SyncFence fence;
    /** Runs before each fenced write is checked: a test's hook to race a disconnect against it. */
    public Runnable beforeFencedWrite = () -> {};

    public InMemoryLicenseStore(InMemorySyncState leases) {
        this(new Data(), leases, null);
    }

    private InMemoryLicenseStore(Data data, InMemorySyncState leases, SyncFence fence) {
        this.data = data;
        this.leases = leases;
        this.fence = fence;
    }

    @Override
    public LicenseStore fencedBy(SyncFence newFence) {
        InMemoryLicenseStore view = new InMemoryLicenseStore(data, leases, newFence);
        view.beforeFencedWrite = () -> beforeFencedWrite.run();
        return view;
    }

    private void checkFence() {
        if (fence != null) {
            beforeFencedWrite.run();
            if (!leases.holds(fence)) {
                throw new SyncFencedOut("lease lost");
            }
        }
    }

    // ---- what tests look at

    /** Every item the tenant's license partition holds (users, groups, products, digests, summary, adjustments). */
    public synchronized int itemCount() {
        return data.users.size() + data.groups.size() + data.products.size()
                + data.digests.values().stream().mapToInt(Map::size).sum() + (data.summary == null ? 0 : 1)
                + data.adjustments.size() + data.writtenOutside.values().stream().mapToInt(Map::size).sum();
    }

    /** What a disconnect's erase does. */
    public synchronized void eraseAll() {
        // One lock for the store and its fenced views: a fence check and its write are atomic against an erase.
        synchronized (data) {
            data.users.clear();
            data.groups.clear();
            data.removedUsers.clear();
            data.removedGroups.clear();
            data.products.clear();
            data.digests.clear();
            data.summary = null;
            data.adjustments.clear();
            data.writtenOutside.clear();
        }
    }

    public synchronized int digestCount(Listing listing) {
        return digests(listing).size();
    }

    public synchronized int digestWrites() {
        return data.digestWrites;
    }

    /** Single digests read (one a page compared with its digest). */
    public synchronized int digestReads(Listing listing) {
        return data.digestReads.getOrDefault(listing, 0);
    }

    /** Stored hashes read (one batched read a page with suspects). */
    public synchronized int hashReads(Listing listing) {
        return data.hashReads.getOrDefault(listing, 0);
    }

    /** Reads of all of a listing's digests (a sweep reads them once or twice). */
    public synchronized int digestScans(Listing listing) {
        return data.digestScans.getOrDefault(listing, 0);
    }

    public synchronized int userWrites() {
        return data.userWrites;
    }

    public synchronized Map<String, ProductCounts> summary() {
        return data.summary;
    }

    public synchronized Set<String> userIds() {
        Set<String> ids = new TreeSet<>(data.users.keySet());
        ids.removeAll(data.removedUsers);
        return ids;
    }

    public synchronized Set<String> removedUsers() {
        return Set.copyOf(data.removedUsers);
    }

    private TreeMap<Integer, PageDigest> digests(Listing listing) {
        return data.digests.computeIfAbsent(listing, l -> new TreeMap<>());
    }

    // ---- LicenseStore

    @Override
    public synchronized Optional<PageDigest> digest(String tenantId, Listing listing, int page) {
        data.digestReads.merge(listing, 1, Integer::sum);
        return Optional.ofNullable(digests(listing).get(page));
    }

    @Override
    public synchronized void putDigest(String tenantId, Listing listing, int page, PageDigest digest) {
        synchronized (data) {
            checkFence();
            digests(listing).put(page, digest);
            data.digestWrites++;
        }
    }

    @Override
    public synchronized void deleteDigest(String tenantId, Listing listing, int page) {
        digests(listing).remove(page);
    }

    @Override
    public void forEachDigest(String tenantId, Listing listing, BiConsumer<Integer, PageDigest> onDigest) {
        TreeMap<Integer, PageDigest> copy;
        synchronized (this) {
            copy = new TreeMap<>(digests(listing));
            data.digestScans.merge(listing, 1, Integer::sum);
        }
        copy.forEach(onDigest);
    }

    @Override
    public synchronized Map<String, String> storedHashes(String tenantId, Listing listing, Collection<String> ids) {
        data.hashReads.merge(listing, 1, Integer::sum);
        Map<String, String> out = new HashMap<>();
        for (String id : ids) {
            Hashed<?> item = listing == Listing.USERS ? data.users.get(id) : data.groups.get(id);
            Set<String> removed = listing == Listing.USERS ? data.removedUsers : data.removedGroups;
            if (item != null && !removed.contains(id)) {
                out.put(id, item.hash());
            }
        }
        return out;
    }

    @Override
    public synchronized boolean anyUserStored(String tenantId) {
        return !data.users.isEmpty();
    }

    @Override
    public synchronized void putUsers(String tenantId, List<Hashed<OrgUser>> users, Instant syncedAt) {
        synchronized (data) {
            checkFence();
            users.forEach(u -> {
                data.users.put(u.item().accountId(), u);
                data.removedUsers.remove(u.item().accountId());
            });
            data.userWrites += users.size();
        }
    }

    @Override
    public synchronized void putGroups(String tenantId, List<Hashed<OrgGroup>> groups, Instant syncedAt) {
        synchronized (data) {
            checkFence();
            groups.forEach(g -> {
                data.groups.put(g.item().id(), g);
                data.removedGroups.remove(g.item().id());
            });
        }
    }

    @Override
    public synchronized void markRemoved(String tenantId, Listing listing, Collection<String> ids, Instant at) {
        Map<String, ?> items = listing == Listing.USERS ? data.users : data.groups;
        Set<String> removed = listing == Listing.USERS ? data.removedUsers : data.removedGroups;
        ids.stream().filter(items::containsKey).forEach(removed::add);
    }

    @Override
    public synchronized List<ProductInstance> products(String tenantId) {
        return new ArrayList<>(data.products.values());
    }

    @Override
    public synchronized void putProducts(String tenantId, List<ProductInstance> products, Instant syncedAt) {
        synchronized (data) {
            checkFence();
            products.forEach(p -> data.products.put(p.id(), p));
        }
    }

    @Override
    public synchronized void deleteProducts(String tenantId, Collection<String> resourceIds) {
        resourceIds.forEach(data.products::remove);
    }

    @Override
    public synchronized boolean putSummary(String tenantId, Map<String, ProductCounts> counts, int inactivityDays, Instant at,
                                           long expectedAdjustments) {
        synchronized (data) {
            checkFence();
            if (data.summaryAdjustments != expectedAdjustments) {
                return false;
            }
            data.summary = new HashMap<>(counts);
            data.summaryWrites++;
            return true;
        }
    }

    @Override
    public synchronized long summaryAdjustments(String tenantId) {
        return data.summaryAdjustments;
    }

    @Override
    public synchronized Optional<Hashed<OrgUser>> user(String tenantId, String accountId) {
        return data.removedUsers.contains(accountId) ? Optional.empty() : Optional.ofNullable(data.users.get(accountId));
    }

    @Override
    public synchronized Map<String, Hashed<OrgUser>> users(String tenantId, Collection<String> accountIds) {
        if (accountIds.size() > USERS_PER_READ) {
            throw new IllegalArgumentException("at most " + USERS_PER_READ + " ids a read");
        }
        Map<String, Hashed<OrgUser>> out = new HashMap<>();
        accountIds.forEach(id -> user(tenantId, id).ifPresent(u -> out.put(id, u)));
        return out;
    }

    @Override
    public synchronized Map<String, OrgGroup> groups(String tenantId, Collection<String> ids) {
        Map<String, OrgGroup> out = new HashMap<>();
        ids.stream().filter(id -> data.groups.containsKey(id) && !data.removedGroups.contains(id))
                .forEach(id -> out.put(id, data.groups.get(id).item()));
        return out;
    }

    @Override
    public synchronized boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at, SyncFence heldBy) {
        synchronized (data) {
            // Only under the lease, as DynamoLicenseStore's transaction checks it.
            if (!leases.holds(heldBy)) {
                throw new SyncFencedOut("lease lost");
            }
            return replaceUser(tenantId, user, expectedHash, at);
        }
    }

    @Override
    public synchronized boolean replaceUser(String tenantId, Hashed<OrgUser> user, String expectedHash, Instant at) {
        synchronized (data) {
            Hashed<OrgUser> stored = data.users.get(user.item().accountId());
            if (stored == null || data.removedUsers.contains(user.item().accountId()) || !stored.hash().equals(expectedHash)) {
                return false;
            }
            data.users.put(user.item().accountId(), user);
            data.writtenOutside.computeIfAbsent(Listing.USERS, l -> new HashMap<>()).put(user.item().accountId(), at);
            return true;
        }
    }

    @Override
    public synchronized void noteWrittenOutsideListing(String tenantId, Listing listing, Collection<String> ids, Instant at) {
        synchronized (data) {
            checkFence();
            ids.forEach(id -> data.writtenOutside.computeIfAbsent(listing, l -> new HashMap<>()).put(id, at));
        }
    }

    @Override
    public synchronized Map<String, Instant> writtenOutsideListing(String tenantId, Listing listing) {
        return Map.copyOf(data.writtenOutside.getOrDefault(listing, Map.of()));
    }

    @Override
    public synchronized void settleWrittenOutsideListing(String tenantId, Listing listing, Instant before) {
        data.writtenOutside.getOrDefault(listing, new HashMap<>()).values().removeIf(at -> at.isBefore(before));
    }

    @Override
    public synchronized void adjustSummary(String tenantId, Map<String, ProductCounts> delta, Instant at) {
        if (data.summary == null) {
            return;
        }
        delta.forEach((product, d) -> data.summary.merge(product, d, ProductCounts::plus));
        data.summaryAdjustments++;
    }

    @Override
    public synchronized void adjustSeats(String tenantId, String accountId, Map<String, ProductCounts> delta, Instant at) {
        if (delta.isEmpty()) {
            return;
        }
        data.adjustments.add(new SeatAdjustment(accountId, delta, at));
        adjustSummary(tenantId, delta, at);
    }

    @Override
    public synchronized List<SeatAdjustment> seatAdjustmentsSince(String tenantId, Instant since) {
        return data.adjustments.stream().filter(a -> !a.at().isBefore(since)).toList();
    }
}
