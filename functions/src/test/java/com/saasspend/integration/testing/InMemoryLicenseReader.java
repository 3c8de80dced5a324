package com.saasspend.integration.testing;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.licenses.LicenseReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The License page's indexes in memory: each listing ordered as the DynamoDB reader orders it, read from a position, at most max;
 * records each listing read so the tests can see the plan.
 */
public class InMemoryLicenseReader implements LicenseReader {
    public final List<ProductInstance> products = new ArrayList<>();
    public final Map<String, OrgUser> users;
    public final Map<String, OrgGroup> groups = new HashMap<>();
    /** Every listing read, so a test can see the query plan. */
    public final List<UserSlice> slices = new ArrayList<>();
    public int searches;
    /** The {@code max} of each search read, in order. */
    public final List<Integer> searchSteps = new java.util.ArrayList<>();
    public Summary summary;

    public InMemoryLicenseReader() {
        this(new TreeMap<>());
    }

    /** Over a live map of users (another fake's store). */
    public InMemoryLicenseReader(Map<String, OrgUser> users) {
        this.users = users;
    }

    public void add(OrgUser user) { users.put(user.accountId(), user); }

    @Override public List<ProductInstance> products(String tenantId) { return products; }
    @Override public Optional<Summary> summary(String tenantId) { return Optional.ofNullable(summary); }

    @Override public UserSlicePage users(String tenantId, UserSlice slice) {
        slices.add(slice);
        TreeMap<String, OrgUser> listing = new TreeMap<>();
        for (OrgUser u : new TreeMap<>(users).values()) {
            List<OrgUser.ProductAccess> held = u.products().stream().filter(p -> slice.product() == null
                    || (slice.product().contains(":") ? slice.product().equals(p.resourceId()) : slice.product().equalsIgnoreCase(p.key()))).toList();
            if (slice.product() != null && held.isEmpty()) {
                continue;
            }
            Instant latest = held.stream().map(OrgUser.ProductAccess::lastActive).filter(a -> a != null).map(Instant::parse)
                    .max(Instant::compareTo).orElse(null);
            boolean in = switch (slice.activity()) {
                case ANY -> true;
                case ACTIVE -> latest != null && !latest.isBefore(slice.activeSince());
                case INACTIVE -> latest != null && latest.isBefore(slice.activeSince());
                case NEVER -> !held.isEmpty() && latest == null;
            };
            if (in) {
                String position = slice.order() == UserOrder.NAME ? (u.name() == null ? "" : u.name().toLowerCase()) + "#" + u.accountId()
                        : (held.isEmpty() ? "-" : latest == null ? "0" : String.format("1%013d", latest.toEpochMilli())) + "#" + u.accountId();
                listing.put(position, u);
            }
        }
        NavigableMap<String, OrgUser> ordered = slice.order() == UserOrder.LAST_ACTIVE_DESC ? listing.descendingMap() : listing;
        if (slice.after() != null) {
            ordered = ordered.tailMap(slice.after(), false);
        }
        return page(ordered, slice.max());
    }

    @Override public UserSlicePage search(String tenantId, String prefix, String after, int max) {
        searches++;
        searchSteps.add(max);
        TreeMap<String, OrgUser> matches = new TreeMap<>();
        for (OrgUser u : new TreeMap<>(users).values()) {
            String[] words = u.name() == null ? new String[0] : u.name().toLowerCase().split(" ");
            List<String> texts = java.util.Arrays.asList(u.name() == null ? null : u.name().toLowerCase(),
                    words.length > 1 ? words[words.length - 1] : null, u.email() == null ? null : u.email().toLowerCase());
            for (int phase = 0; phase < texts.size(); phase++) {
                if (texts.get(phase) != null && texts.get(phase).startsWith(prefix)) {
                    matches.put(phase + "|" + texts.get(phase) + "#" + u.accountId(), u);
                    break;
                }
            }
        }
        return page(after == null ? matches : matches.tailMap(after, false), max);
    }

    private static UserSlicePage page(NavigableMap<String, OrgUser> ordered, int max) {
        List<Entry> entries = ordered.entrySet().stream().limit(max).map(e -> new Entry(e.getValue(), e.getKey())).toList();
        boolean more = ordered.size() > max;
        return new UserSlicePage(entries, more ? entries.get(entries.size() - 1).position() : null);
    }

    @Override public Optional<OrgUser> user(String tenantId, String accountId) { return Optional.ofNullable(users.get(accountId)); }
    @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
        Map<String, OrgGroup> found = new HashMap<>();
        groupIds.forEach(id -> { if (groups.containsKey(id)) found.put(id, groups.get(id)); });
        return found;
    }
}
