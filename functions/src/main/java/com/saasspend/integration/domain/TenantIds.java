package com.saasspend.integration.domain;

import java.util.regex.Pattern;

/**
 * What a tenant id may be: 1 to 64 of {@code A-Z a-z 0-9 . _ -}. The id becomes part of table keys (where {@code #}
 * separates parts, so an id holding {@code #} could name another tenant's partition), Secrets Manager names and tags
 * (which allow only {@code A-Za-z0-9/_+=.@-}, and {@code /} separates the name's parts), and log lines. Checked at the
 * edge on the token's claim and again wherever a key is built.
 */
public final class TenantIds {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");
    /** In words, for messages. */
    public static final String RULE = "1 to " + MAX_LENGTH + " characters, each a letter A-Z or a-z, a digit 0-9, '.', '_' or '-'";

    private TenantIds() {}

    public static boolean isValid(String tenantId) {
        return tenantId != null && VALID.matcher(tenantId).matches();
    }

    /** The id itself; throws for an id that could not come through the edge (a bug, never a client mistake). */
    public static String require(String tenantId) {
        if (!isValid(tenantId)) {
            // The id is not quoted: it is not a valid id, so it may be anything, a secret pasted by mistake included.
            throw new IllegalArgumentException("not a valid tenant id (" + RULE + ")");
        }
        return tenantId;
    }
}
