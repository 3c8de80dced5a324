package com.saasspend.integration.domain;

import java.util.Arrays;
import java.util.Optional;

/** The integrations a tenant can connect. Atlassian (the org) comes first; the products hang below it. */
public enum IntegrationType {
    ATLASSIAN("atlassian"),
    JIRA("jira"),
    CONFLUENCE("confluence"),
    TRELLO("trello"),
    BITBUCKET("bitbucket");

    private final String id;

    IntegrationType(String id) {
        this.id = id;
    }

    /** The lower-case name used in paths, events, item keys and secret names. */
    public String id() {
        return id;
    }

    public boolean isProduct() {
        return this != ATLASSIAN;
    }

    public static Optional<IntegrationType> fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
