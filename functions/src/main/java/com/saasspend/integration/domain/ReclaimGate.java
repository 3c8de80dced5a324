package com.saasspend.integration.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The product's promise: reclaim opens only once Jira and Confluence are both connected (below Atlassian). */
public final class ReclaimGate {
    private static final List<IntegrationType> REQUIRED =
            List.of(IntegrationType.ATLASSIAN, IntegrationType.JIRA, IntegrationType.CONFLUENCE);

    private ReclaimGate() {}

    /** The integrations still to connect before reclaim opens, in the order to connect them. */
    public static List<String> missingFor(Set<IntegrationType> connected) {
        List<String> missing = new ArrayList<>();
        for (IntegrationType type : REQUIRED) {
            if (!connected.contains(type)) {
                missing.add(type.id());
            }
        }
        return missing;
    }
}
