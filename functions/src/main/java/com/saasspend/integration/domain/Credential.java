package com.saasspend.integration.domain;

import java.time.LocalDate;
import java.util.Map;

/**
 * What an admin hands us to connect one integration: {@code settings} are the facts we may store and show (org id,
 * site host, admin email, workspace), {@code secret} is what goes to the vault and nowhere else.
 */
public record Credential(IntegrationType type, Map<String, String> settings, Map<String, String> secret, LocalDate expiresOn) {
    public Credential {
        settings = Map.copyOf(settings);
        secret = Map.copyOf(secret);
    }

    @Override
    public String toString() {
        // Records print their fields; this one must never print its secret.
        return "Credential[type=" + type + ", settings=" + settings + ", secret=<redacted>, expiresOn=" + expiresOn + "]";
    }
}
