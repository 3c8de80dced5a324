package com.saasspend.atlassian.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/** Deterministic identifiers in the formats each Atlassian product uses, derived from a stable name. */
final class Ids {
    private Ids() {}

    static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** 24 hex characters: Trello object ids and classic Atlassian account ids (e.g. 5b10ac8d82e05b22cc7d4ef5). */
    static String trelloId(String name) {
        return sha256Hex(name).substring(0, 24);
    }

    /** Modern Atlassian account id: "712020:" followed by a UUID. */
    static String accountId(String name) {
        return "712020:" + uuid("account:" + name);
    }

    static String username(String displayName, String salt) {
        String base = displayName == null ? "user" : displayName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (base.isEmpty()) base = "user";
        return base + sha256Hex(salt).substring(0, 4);
    }

    static String initials(String displayName) {
        if (displayName == null || displayName.isBlank()) return "?";
        StringBuilder b = new StringBuilder();
        for (String part : displayName.trim().split("\\s+")) if (!part.isEmpty() && b.length() < 2) b.append(Character.toUpperCase(part.charAt(0)));
        return b.toString();
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
