package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-side page cursors. Clients only see an opaque 22-character token (the shape of the admin
 * API's example cursors, e.g. "kloHX1ZQVasDAkx_P48NYQ"); the token maps to the query it continues,
 * the last key already returned (keyset paging, so concurrent removals never skip rows) and the
 * previous page's cursor. A cursor is bound to one endpoint ({@code scope}); using it elsewhere,
 * after its TTL, after {@link Faults#expireCursors()} or after tampering gives 400 ADMIN-400-1.
 */
final class CursorStore {

    record Cursor(String scope, JsonNode query, String afterKey, String previous, Instant issuedAt) {}

    private static final int MAX_CURSORS = 500_000;

    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Faults faults;
    private volatile Clock clock = Clock.systemUTC();

    CursorStore(Faults faults) {
        this.faults = faults;
    }

    void setClock(Clock clock) {
        this.clock = clock;
    }

    String issue(String scope, JsonNode query, String afterKey, String previous) {
        if (cursors.size() > MAX_CURSORS) evictExpired();
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        cursors.put(token, new Cursor(scope, query, afterKey, previous, clock.instant()));
        return token;
    }

    Cursor resolve(String token, String scope) {
        Cursor c = token == null ? null : cursors.get(token);
        if (c == null || !c.scope().equals(scope) || !faults.cursorValid(c.issuedAt())) throw ApiError.invalidCursor();
        return c;
    }

    private void evictExpired() {
        for (Iterator<Cursor> it = cursors.values().iterator(); it.hasNext(); ) if (!faults.cursorValid(it.next().issuedAt())) it.remove();
    }
}
