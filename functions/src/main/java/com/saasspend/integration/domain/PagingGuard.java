package com.saasspend.integration.domain;

import java.util.HashSet;
import java.util.Set;

/**
 * Bounds one listing by what the listing itself shows, never by trusting the upstream to end it: a cursor (or next
 * link) seen before, an empty page that claims more, or more pages than the ceiling stop the listing with an
 * {@link UpstreamFailure.Kind#BROKEN_PAGING} failure naming it. One guard per listing; every paging loop uses one.
 *
 * <p>A listing resumed from a checkpoint seeds the guard with the cursor it is about to send, so an upstream that
 * answers the same cursor again is caught across invocations too.
 */
public final class PagingGuard {
    /** 10,000 pages of 100 is a million items: far beyond any org; only a broken listing gets there. */
    public static final int DEFAULT_MAX_PAGES = 10_000;

    private final String listing;
    private final int maxPages;
    private final Set<String> seen = new HashSet<>();
    private int pages;

    public PagingGuard(String listing, int maxPages) {
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1");
        }
        this.listing = listing;
        this.maxPages = maxPages;
    }

    public static PagingGuard of(String listing) {
        return new PagingGuard(listing, DEFAULT_MAX_PAGES);
    }

    /** The listing resumes at {@code cursor} (from a checkpoint): an answer pointing back at it is a repeat. */
    public PagingGuard resumingAt(String cursor, int pagesSoFar) {
        if (cursor != null && !cursor.isBlank()) {
            seen.add(cursor);
        }
        pages = Math.max(0, pagesSoFar);
        return this;
    }

    /**
     * Records one page; answers the cursor to ask for next, or null when the listing is complete.
     *
     * @param nextCursor the page's cursor or next link (null or blank: last page)
     * @param itemsOnPage how many items the page held
     */
    public String next(String nextCursor, int itemsOnPage) {
        pages++;
        if (nextCursor == null || nextCursor.isBlank()) {
            return null;
        }
        if (itemsOnPage == 0) {
            throw broken("an empty page that claims more pages");
        }
        if (!seen.add(nextCursor)) {
            throw broken("a page cursor that repeats an earlier one (the listing does not advance)");
        }
        if (pages >= maxPages) {
            throw broken("more than " + maxPages + " pages");
        }
        return nextCursor;
    }

    /** Pages recorded so far (including those of earlier invocations given to {@link #resumingAt}). */
    public int pages() {
        return pages;
    }

    public String listing() {
        return listing;
    }

    private UpstreamFailure broken(String what) {
        return new UpstreamFailure(UpstreamFailure.Kind.BROKEN_PAGING, 0,
                "Atlassian's " + listing + " listing returned " + what + "; stopped after " + pages + " pages.", null);
    }
}
