package com.saasspend.integration.domain.products;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.ListingTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which items a listing writes and which it marks removed, page by page, across complete and failed runs. */
class ListingTrackerTest {
    private static final ProductListing LISTING = ProductListing.TRELLO_MEMBERS;
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final InMemoryProductStore store = new InMemoryProductStore(null);

    /** One run over pages of "id:content" items; writes what the tracker says changed; sweeps only when complete. */
    private long run(List<List<String>> pages, int failBeforePage) {
        ListingTracker tracker = new ListingTracker(store.digests("t", LISTING), UUID.randomUUID().toString());
        for (int p = 0; p < pages.size(); p++) {
            if (p == failBeforePage) {
                return -1;
            }
            ListingTracker.PageCheck check = tracker.nextPage();
            List<Hashed<String>> items = pages.get(p).stream().map(i -> new Hashed<>(i, "h-" + i)).toList();
            for (Hashed<String> changed : check.changed(items, ListingTrackerTest::id)) {
                store.put(LISTING, id(changed.item()), changed.hash());
            }
            check.close();
        }
        return tracker.sweep(NOW);
    }

    private long complete(List<List<String>> pages) {
        return run(pages, Integer.MAX_VALUE);
    }

    private static String id(String item) {
        return item.substring(0, item.indexOf(':'));
    }

    @Test
    void theFirstRunWritesEverythingAndAnUnchangedRunWritesNothingAtAll() {
        List<List<String>> pages = List.of(List.of("a:1", "b:1"), List.of("c:1"));
        assertEquals(0, complete(pages));
        assertEquals(3, store.itemWrites);
        int digests = store.digestWrites;

        assertEquals(0, complete(pages));
        assertEquals(3, store.itemWrites, "no item written again");
        assertEquals(digests, store.digestWrites, "no digest written again");
    }

    @Test
    void onlyChangedItemsAreWrittenEvenWhenEveryItemMovesToAnotherPage() {
        complete(List.of(List.of("a:1", "b:1"), List.of("c:1", "d:1")));
        int before = store.itemWrites;
        // A new first item shifts everything by one: every page differs from its digest, one item really changed.
        assertEquals(0, complete(List.of(List.of("0:1", "a:1"), List.of("b:2", "c:1"), List.of("d:1"))));
        assertEquals(before + 2, store.itemWrites, "the new item and the changed one");
        assertTrue(store.removed(LISTING).isEmpty(), "moved items are not removed");
    }

    @Test
    void anItemGoneFromTheListingIsMarkedRemovedByTheCompleteRunAndOnlyThen() {
        complete(List.of(List.of("a:1", "b:1"), List.of("c:1", "d:1")));

        // b leaves; the run sees page 0 without it and then fails: nothing is marked.
        assertEquals(-1, run(List.of(List.of("a:1", "c:1"), List.of("d:1")), 1));
        assertEquals(Set.of(), store.removed(LISTING));

        // The next run, a different one, sees page 0 unchanged since the failed run; b must still be settled.
        assertEquals(1, complete(List.of(List.of("a:1", "c:1"), List.of("d:1"))));
        assertEquals(Set.of("b"), store.removed(LISTING));

        // Settled: a further complete run marks nothing again, and b coming back is written and no longer removed.
        assertEquals(0, complete(List.of(List.of("a:1", "c:1"), List.of("d:1"))));
        complete(List.of(List.of("a:1", "b:1"), List.of("c:1", "d:1")));
        assertEquals(Set.of(), store.removed(LISTING));
    }

    @Test
    void itemsOnlyOnPagesPastTheNewLastPageAreRemovedAndThoseDigestsDropped() {
        complete(List.of(List.of("a:1", "b:1"), List.of("c:1", "d:1"), List.of("e:1")));
        assertEquals(2, complete(List.of(List.of("a:1", "b:1"), List.of("c:1"))));
        assertEquals(Set.of("d", "e"), store.removed(LISTING));
        assertEquals(Set.of(0, 1), store.digests.get(LISTING).keySet());
    }

    @Test
    void memoryAndWritesStayPerPageForALongListing() {
        List<List<String>> pages = new ArrayList<>();
        for (int p = 0; p < 50; p++) {
            List<String> page = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                page.add(String.format("m%05d:1", p * 100 + i));
            }
            pages.add(page);
        }
        complete(pages);
        int writes = store.itemWrites;
        List<List<String>> changed = new ArrayList<>(pages);
        List<String> page7 = new ArrayList<>(pages.get(7));
        page7.set(3, page7.get(3).replace(":1", ":2"));
        changed.set(7, page7);
        assertEquals(0, complete(changed));
        assertEquals(writes + 1, store.itemWrites, "one changed member, one write");
    }
}
