package com.saasspend.atlassian.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Names of resources the local stack adds (rules, queues) within AWS's length limits, still unique. */
final class LocalNames {
    private LocalNames() {}

    static String bounded(String name, int maxLength) {
        String clean = name.replaceAll("[^A-Za-z0-9_-]", "-");
        if (clean.length() <= maxLength) {
            return clean;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(clean.getBytes(StandardCharsets.UTF_8));
            String suffix = HexFormat.of().formatHex(digest).substring(0, 8);
            return clean.substring(0, maxLength - 9) + "-" + suffix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
