package com.saasspend.integration.domain;

/** What the Integrations page shows for one integration. */
public enum IntegrationStatus {
    CONNECTED, SYNCING, ERROR, DISCONNECTED;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
