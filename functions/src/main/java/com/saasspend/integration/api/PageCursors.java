package com.saasspend.integration.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors for clients. A cursor only says where to continue inside the caller's own partition (the
 * partition always comes from the token's tenant), so a cursor copied from another tenant leads nowhere.
 */
final class PageCursors {
    private static final String PREFIX = "c1:";

    private PageCursors() {}

    static String encode(String position) {
        return position == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX) && text.length() > PREFIX.length() && text.length() < 300) {
                return text.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through to the refusal
        }
        throw ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API handed out; start again without it.");
    }
}
