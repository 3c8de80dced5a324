package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PagingGuardTest {

    @Test
    void aListingThatAdvancesEndsWhenTheCursorIsGone() {
        PagingGuard guard = PagingGuard.of("users");
        assertEquals("a", guard.next("a", 100));
        assertEquals("b", guard.next("b", 100));
        assertNull(guard.next(null, 3));
        assertNull(guard.next("  ", 0), "a blank cursor ends the listing, even on an empty page");
        assertEquals(4, guard.pages());
    }

    @Test
    void aRepeatedCursorStopsTheListingAndNamesIt() {
        PagingGuard guard = PagingGuard.of("groups");
        guard.next("a", 100);
        guard.next("b", 100);
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> guard.next("a", 100));
        assertEquals(UpstreamFailure.Kind.BROKEN_PAGING, failure.kind());
        assertTrue(failure.getMessage().contains("groups"), failure.getMessage());
        assertTrue(failure.getMessage().contains("repeats"), failure.getMessage());
    }

    @Test
    void anEmptyPageThatClaimsMoreStopsTheListing() {
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> PagingGuard.of("workspaces").next("x", 0));
        assertEquals(UpstreamFailure.Kind.BROKEN_PAGING, failure.kind());
        assertTrue(failure.getMessage().contains("empty page"), failure.getMessage());
    }

    @Test
    void theCeilingStopsAListingOfEverNewCursors() {
        PagingGuard guard = new PagingGuard("members", 3);
        guard.next("1", 1);
        guard.next("2", 1);
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> guard.next("3", 1));
        assertTrue(failure.getMessage().contains("more than 3 pages"), failure.getMessage());
        assertEquals(3, guard.pages());
        assertNull(new PagingGuard("members", 1).next(null, 1), "the last page is never refused by the ceiling");
    }

    @Test
    void aResumedListingKnowsTheCursorItResumesAt() {
        PagingGuard guard = PagingGuard.of("users").resumingAt("c", 7);
        assertThrows(UpstreamFailure.class, () -> guard.next("c", 100));
        assertEquals(8, guard.pages());
        assertEquals("d", PagingGuard.of("users").resumingAt(null, 0).next("d", 1));
        assertThrows(IllegalArgumentException.class, () -> new PagingGuard("x", 0));
    }

    @Test
    void failureCodesAreMatchedExactly() {
        UpstreamFailure failure = new UpstreamFailure(UpstreamFailure.Kind.CONFLICT, 409, "m", null, "ADMIN-409-3");
        assertTrue(failure.hasCode("ADMIN-UAM-409-3", "ADMIN-409-3"));
        assertEquals(false, failure.hasCode("ADMIN-409"));
        assertEquals(false, new UpstreamFailure(UpstreamFailure.Kind.CONFLICT, 409, "m", null).hasCode("ADMIN-409-3"));
    }
}
