package com.saasspend.integration.domain.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps one listing of one tenant in step with its source, page by page, by the listing's page digests (what page N
 * held at the last sync: ids and content hashes). Every sync uses it: the org sync's users and groups, the product
 * syncs' listings.
 *
 * <p>Which items to write: an item whose hash is on its page's digest is unchanged (no item read at all), unless it
 * was written outside a full listing since ({@link Digests#writtenOutsideListing}); any other is compared with the
 * stored item's hash, and written only if that differs too. A page whose items and reminders are
 * unchanged writes nothing, not even its digest. Which items are gone: an id that drops off a page is remembered in
 * that page's digest ({@code left}) until a complete listing settles it: at the end of a complete listing, remembered
 * ids (and ids of digests past the last page) that are on no page now are marked removed, and digests past the last
 * page are deleted. Remembered ids survive failed runs, so a removal seen by a run that failed is still settled by the
 * next complete one. Memory holds one page and the ids that left, never the whole listing.
 */
public final class ListingTracker {
    /** What the tracker needs of a store: the digests and items of one listing of one tenant. */
    public interface Digests {
        Optional<PageDigest> digest(int page);

        void putDigest(int page, PageDigest digest);

        void deleteDigest(int page);

        /** Every stored digest of the listing, in page order, one at a time. */
        void forEachDigest(BiConsumer<Integer, PageDigest> onDigest);

        /** Content hashes of the stored (not removed) items among {@code ids}; absent ids are not stored. */
        Map<String, String> storedHashes(Collection<String> ids);

        void markRemoved(Collection<String> ids, Instant at);

        /** Ids written outside a full listing since the last complete one: compared with the stored item on every page. */
        default Set<String> writtenOutsideListing() {
            return Set.of();
        }
    }

    private final Digests store;
    private final String runId;
    // The tracker's state, guarded by the tracker itself (the pipelined org sync opens pages from its store thread):
    // every method that reads or writes it is synchronized; a page takes what it needs of it when opened.
    private int pages;
    /** Read once, at the first page this tracker opens. */
    private Set<String> writtenOutside;

    public ListingTracker(Digests store, String runId) {
        this.store = store;
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    /** Opens the next page of the listing (pages are numbered in the order they are opened). */
    public synchronized PageCheck nextPage() {
        return page(pages);
    }

    /** Opens page {@code index}: a listing resumed from a checkpoint continues at the page it had reached. */
    public synchronized PageCheck page(int index) {
        pages = Math.max(pages, index + 1);
        if (writtenOutside == null) {
            writtenOutside = Set.copyOf(store.writtenOutsideListing());
        }
        return new PageCheck(index, false, writtenOutside);
    }

    /**
     * Opens page {@code index} of a listing known to have nothing stored at or past it (a tenant's first listing):
     * there is no digest to read, and every item is new, so nothing is read.
     */
    public synchronized PageCheck newPage(int index) {
        pages = Math.max(pages, index + 1);
        // Nothing stored to compare: no item's digest entry is trusted, so the notes of outside writes are not needed.
        return new PageCheck(index, true, Set.of());
    }

    /** One page being compared with its digest; {@link #close()} records what it holds now. */
    public final class PageCheck {
        private final int index;
        private final PageDigest old;
        private final Map<String, String> before;
        /** Nothing of this page is stored: every item is written, none is read. */
        private final boolean nothingStored;
        private final List<PageDigest.Entry> entries = new ArrayList<>();
        /** The tracker's notes of items written outside a full listing, as they were when the page was opened. */
        private final Set<String> writtenOutside;

        private PageCheck(int index, boolean nothingStored, Set<String> writtenOutside) {
            this.index = index;
            this.nothingStored = nothingStored;
            this.writtenOutside = writtenOutside;
            this.old = nothingStored ? null : store.digest(index).orElse(null);
            this.before = old == null ? Map.of() : old.hashesById();
        }

        public int index() {
            return index;
        }

        /**
         * Whether the page digest's hash for {@code id} says what is stored: not when the item was written outside a
         * full listing since (an incremental sync, a reclaim), whose write the digest does not know of.
         */
        private boolean digestSays(String id, String hash, Map<String, String> before) {
            return hash.equals(before.get(id)) && !writtenOutside.contains(id);
        }

        /** Adds one item to the page; answers whether it must be written (new or changed since it was stored). */
        public boolean changed(String id, String hash) {
            entries.add(new PageDigest.Entry(id, hash));
            if (nothingStored) {
                return true;
            }
            if (digestSays(id, hash, before)) {
                return false;
            }
            return !hash.equals(store.storedHashes(List.of(id)).get(id));
        }

        /** Adds a page of items; answers those that must be written, in page order (one batched read for suspects). */
        public <T> List<Hashed<T>> changed(List<Hashed<T>> items, Function<T, String> idOf) {
            List<Hashed<T>> suspects = new ArrayList<>();
            for (Hashed<T> item : items) {
                String id = idOf.apply(item.item());
                entries.add(new PageDigest.Entry(id, item.hash()));
                if (!digestSays(id, item.hash(), before)) {
                    suspects.add(item);
                }
            }
            if (suspects.isEmpty()) {
                return List.of();
            }
            if (nothingStored) {
                return suspects;
            }
            Map<String, String> stored = store.storedHashes(suspects.stream().map(h -> idOf.apply(h.item())).toList());
            return suspects.stream().filter(h -> !h.hash().equals(stored.get(idOf.apply(h.item())))).toList();
        }

        /** Records the page's digest when it differs from the stored one; call after the page's items are written. */
        public void close() {
            PageDigest fresh = digestToRecord();
            if (fresh != null) {
                store.putDigest(index, fresh);
            }
        }

        /**
         * The digest {@link #close()} records, for a store that writes it with the page's items instead (stored only
         * once they all are); null when the stored one already says the same.
         */
        public PageDigest digestToRecord() {
            if (old == null && entries.isEmpty()) {
                return null;
            }
            Set<String> now = entries.stream().map(PageDigest.Entry::id).collect(Collectors.toSet());
            Set<String> left = new LinkedHashSet<>(old == null ? List.of() : old.left());
            before.keySet().stream().filter(id -> !now.contains(id)).forEach(left::add);
            left.removeAll(now);
            PageDigest fresh = new PageDigest(runId, entries, List.copyOf(left));
            if (old != null && old.entries().equals(fresh.entries()) && old.left().equals(fresh.left())) {
                return null;
            }
            return fresh;
        }
    }

    /** {@link #sweep(int, Instant)} over the pages this tracker opened. */
    public long sweep(Instant at) {
        int opened;
        synchronized (this) {
            opened = pages;
        }
        return sweep(opened, at);
    }

    /**
     * Call only after a complete listing of {@code pageCount} pages (the last one closed): marks removed what left a
     * page and is on no page now, and what only digests past the last page still held; drops those digests. Answers how
     * many items were marked removed.
     */
    public long sweep(int pageCount, Instant at) {
        Set<String> candidates = new HashSet<>();
        List<Integer> beyond = new ArrayList<>();
        List<Integer> settled = new ArrayList<>();
        store.forEachDigest((index, digest) -> {
            if (index >= pageCount) {
                digest.entries().forEach(e -> candidates.add(e.id()));
                beyond.add(index);
            } else if (!digest.left().isEmpty()) {
                candidates.addAll(digest.left());
                settled.add(index);
            }
        });
        if (!candidates.isEmpty()) {
            store.forEachDigest((index, digest) -> {
                if (index < pageCount) {
                    digest.entries().forEach(e -> candidates.remove(e.id()));
                }
            });
        }
        if (!candidates.isEmpty()) {
            store.markRemoved(candidates, at);
        }
        // Only now that removals are recorded may the reminders go.
        for (int index : settled) {
            store.digest(index).ifPresent(d -> store.putDigest(index, new PageDigest(runId, d.entries(), List.of())));
        }
        beyond.forEach(store::deleteDigest);
        return candidates.size();
    }
}
