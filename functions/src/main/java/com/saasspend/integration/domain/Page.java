package com.saasspend.integration.domain;

import java.util.List;

/** One page of a listing and the cursor of the next one (null at the end). */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean last() {
        return nextCursor == null || nextCursor.isBlank();
    }
}
