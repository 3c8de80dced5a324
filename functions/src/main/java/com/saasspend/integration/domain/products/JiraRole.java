package com.saasspend.integration.domain.products;

import java.util.Comparator;
import java.util.List;

/**
 * A Jira application role (one per Jira product on the site, keyed by product key such as jira-software): its seats
 * and which groups grant it. {@code numberOfSeats}/{@code remainingSeats} are null when seats are unlimited.
 */
public record JiraRole(
        String key,
        String name,
        Integer numberOfSeats,
        Integer remainingSeats,
        int userCount,
        boolean hasUnlimitedSeats,
        List<GroupRef> groups,
        List<GroupRef> defaultGroups) {

    public JiraRole {
        Comparator<GroupRef> byId = Comparator.comparing(GroupRef::id);
        groups = groups.stream().sorted(byId).toList();
        defaultGroups = defaultGroups.stream().sorted(byId).toList();
    }
}
