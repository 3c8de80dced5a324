package com.saasspend.integration.domain.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A short, stable fingerprint of an item's content: 64 bits of SHA-256, base64url. Collisions would only make us skip
 * one write of one changed item, with odds of 2^-64 per comparison.
 */
public final class ContentHash {
    private ContentHash() {}

    public static String of(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
