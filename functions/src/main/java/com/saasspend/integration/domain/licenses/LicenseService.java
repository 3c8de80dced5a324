package com.saasspend.integration.domain.licenses;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.ProductCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The License page: seats per product, the users behind them, one user in detail. */
public final class LicenseService {
    public static final int MAX_LIMIT = 200;
    /** The longest search text the user list takes (a name or an email prefix is far shorter). */
    public static final int MAX_SEARCH_LENGTH = 200;

    private final LicenseReader reader;
    private final TenantSettingsStore settings;
    private final IntegrationStore integrations;
    private final Clock clock;

    public LicenseService(LicenseReader reader, TenantSettingsStore settings, IntegrationStore integrations, Clock clock) {
        this.reader = reader;
        this.settings = settings;
        this.integrations = integrations;
        this.clock = clock;
    }

    /** The tenant's settings (the defaults until it sets any). */
    public TenantSettings settings(String tenantId) {
        return settings.get(tenantId);
    }

    /**
     * Changes the settings the request names and keeps the others (the next sync counts seats by them): a form that
     * saves the threshold or one product's price must not reset the other prices nor restart paused policies.
     */
    public TenantSettings updateSettings(String tenantId, SettingsChange change) {
        return settings.update(tenantId, change);
    }

    public record ProductSeats(String resourceId, String product, String name, String hostUrl, Integer seats,
                               long assigned, long active, long inactive, long neverUsed) {}

    public record Overview(List<ProductSeats> products, int inactivityDays, Instant countedAt, Instant lastSyncAt) {}

    public Overview overview(String tenantId) {
        Map<String, ProductInstance> products = reader.products(tenantId).stream()
                .collect(Collectors.toMap(ProductInstance::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        Optional<LicenseReader.Summary> summary = reader.summary(tenantId);
        Map<String, ProductCounts> counts = summary.map(LicenseReader.Summary::counts).orElse(Map.of());
        List<ProductSeats> rows = new ArrayList<>();
        products.values().forEach(p -> rows.add(seats(p.id(), p, counts.getOrDefault(p.id(), ProductCounts.ZERO))));
        // Products users hold seats on that the org's product list did not name: show them too ("others present").
        counts.forEach((resourceId, c) -> {
            if (!products.containsKey(resourceId)) {
                rows.add(seats(resourceId, null, c));
            }
        });
        rows.sort(Comparator.comparing(ProductSeats::product, Comparator.nullsLast(String::compareTo))
                .thenComparing(ProductSeats::resourceId));
        Instant lastSync = integrations.find(tenantId, IntegrationType.ATLASSIAN).map(Integration::lastSuccessfulSyncAt).orElse(null);
        return new Overview(rows, summary.map(LicenseReader.Summary::inactivityDays).orElse(settings.get(tenantId).inactivityDays()),
                summary.map(LicenseReader.Summary::computedAt).orElse(null), lastSync);
    }

    private static ProductSeats seats(String resourceId, ProductInstance p, ProductCounts c) {
        return new ProductSeats(resourceId, p != null ? p.type() : productKeyOf(resourceId), p != null ? p.name() : null,
                p != null ? p.hostUrl() : null, p != null ? p.capacity() : null, c.assigned(), c.active(), c.inactive(), c.neverUsed());
    }

    /** "ari:cloud:jira-software::site/..." names its product. */
    static String productKeyOf(String resourceId) {
        String[] parts = resourceId.split(":");
        return parts.length > 2 ? parts[2] : resourceId;
    }

    /**
     * The License page's filters. {@code status}: active, inactive or never; {@code inactiveForDays} overrides the
     * threshold; {@code sort} null: by last use (most recent first) under a status filter, else by name.
     */
    public record UserQuery(String product, String status, Integer inactiveForDays, String search, LicenseReader.UserOrder sort,
                            String after, int limit) {}

    public record ProductUse(String product, String resourceId, Instant lastActive, String status) {}

    public record UserRow(String accountId, String name, String email, String accountType, String accountStatus,
                          String membershipStatus, List<ProductUse> products, List<OrgUser.GroupRef> groups) {}

    /**
     * {@code seats}: the product filter's seat counts from the last sync's summary (summed over its instances), when
     * the page uses the threshold they were counted with; null otherwise.
     */
    public record UserPage(List<UserRow> users, String nextAfter, int inactivityDays, ProductCounts seats) {}

    /** When to ask again while a sync rebuilds the listings: the org sync runs every 15 minutes. */
    static final long LISTING_RETRY_AFTER_SECONDS = 900;

    /** Search results read per step while filling a page that other filters narrow further (else a step is the page). */
    private static final int SEARCH_STEP = 100;
    /** Positions are tagged with the listing they belong to, so a cursor of one listing is refused by another. */
    private static final String SEARCH_TAG = "s";

    public UserPage users(String tenantId, UserQuery query) {
        int days = query.inactiveForDays() != null ? query.inactiveForDays() : settings.get(tenantId).inactivityDays();
        Instant activeSince = clock.instant().minus(Duration.ofDays(days));
        Optional<LicenseReader.Summary> summary = reader.summary(tenantId);
        if (summary.isPresent() && !summary.get().listingsIndexed()) {
            throw new Refusal(Refusal.Kind.NOT_READY, "listing_being_prepared",
                    "The next sync (they run every 15 minutes) is rebuilding the user list so it can be filtered and sorted "
                            + "quickly; seat counts are shown meanwhile. Try again in " + LISTING_RETRY_AFTER_SECONDS / 60
                            + " minutes.", List.of(), LISTING_RETRY_AFTER_SECONDS);
        }
        ProductCounts seats = query.product() == null ? null : summary.filter(s -> s.inactivityDays() == days)
                .map(s -> seatsOf(s, query.product())).orElse(null);
        if (query.search() != null) {
            if (query.sort() != null) {
                throw new Refusal(Refusal.Kind.INVALID, "sort_with_search",
                        "Search results come in the order of the text matched; leave out sort when searching.");
            }
            return search(tenantId, query, activeSince, days, seats);
        }
        LicenseReader.UserOrder order = query.sort() != null ? query.sort()
                : query.status() != null ? LicenseReader.UserOrder.LAST_ACTIVE_DESC : LicenseReader.UserOrder.NAME;
        if (query.status() != null && order == LicenseReader.UserOrder.NAME) {
            throw new Refusal(Refusal.Kind.INVALID, "sort_with_status",
                    "A status filter lists users by last use; use sort=lastActive or sort=-lastActive, or leave sort out.");
        }
        LicenseReader.Activity activity = query.status() == null ? LicenseReader.Activity.ANY : switch (query.status()) {
            case "active" -> LicenseReader.Activity.ACTIVE;
            case "inactive" -> LicenseReader.Activity.INACTIVE;
            case "never" -> LicenseReader.Activity.NEVER;
            default -> throw new Refusal(Refusal.Kind.INVALID, "invalid_status", "status is one of active, inactive, never.");
        };
        String tag = order.name();
        String product = query.product();
        if (product == null || !product.contains(":")) {
            LicenseReader.UserSlicePage page = reader.users(tenantId, new LicenseReader.UserSlice(product, activity, activeSince,
                    order, untag(tag, query.after()), query.limit()));
            List<UserRow> rows = page.entries().stream().map(e -> row(e.user(), activeSince)).toList();
            return new UserPage(rows, tag(tag, page.next()), days, seats);
        }
        // One instance (an ARI): the listing of its product key. With one instance of that key in the org, every holder
        // of the key holds it and the key's activity is its activity; with several, the key's latest use may be on
        // another site, so the key's listing is read in order and the instance's status decided on each row.
        String key = productKeyOf(product);
        boolean oneSite = summary.map(s -> s.counts().keySet().stream().filter(r -> productKeyOf(r).equalsIgnoreCase(key)).count() <= 1)
                .orElse(false);
        LicenseReader.Activity read = oneSite ? activity : LicenseReader.Activity.ANY;
        return fill(after -> reader.users(tenantId, new LicenseReader.UserSlice(key, read, activeSince, order, after, query.limit())),
                tag, query, activeSince, days, seats);
    }

    /** Pages an export reads at most: {@link #MAX_LIMIT} rows each, far past what one response can carry. */
    static final int MAX_EXPORT_PAGES = 2_000;

    /**
     * The whole filtered list of {@code query} (its cursor and limit aside), page by page in the listing's order, to
     * {@code sink} until it declines a row (answers false: a size or time budget is spent). Answers whether every row
     * was taken.
     */
    public boolean forEachUser(String tenantId, UserQuery query, java.util.function.Predicate<UserRow> sink) {
        String after = null;
        for (int pages = 0; pages < MAX_EXPORT_PAGES; pages++) {
            UserPage page = users(tenantId, new UserQuery(query.product(), query.status(), query.inactiveForDays(), query.search(),
                    query.sort(), after, MAX_LIMIT));
            for (UserRow row : page.users()) {
                if (!sink.test(row)) {
                    return false;
                }
            }
            after = page.nextAfter();
            if (after == null) {
                return true;
            }
        }
        return false;
    }

    /** The search index narrows to the users matching the text; product and status filters are applied to those. */
    private UserPage search(String tenantId, UserQuery query, Instant activeSince, int days, ProductCounts seats) {
        String prefix = query.search().toLowerCase(Locale.ROOT);
        // Every search result is a row unless a product or status filter narrows them: then read the page's size only.
        int step = query.product() == null && query.status() == null ? query.limit() : SEARCH_STEP;
        return fill(after -> reader.search(tenantId, prefix, after, step), SEARCH_TAG, query, activeSince, days, seats);
    }

    /** Reads a listing step by step, keeping the rows every filter of the query matches, until the page is full or it ends. */
    private UserPage fill(Function<String, LicenseReader.UserSlicePage> read, String tag, UserQuery query, Instant activeSince,
                          int days, ProductCounts seats) {
        List<UserRow> rows = new ArrayList<>();
        String after = untag(tag, query.after());
        while (true) {
            LicenseReader.UserSlicePage step = read.apply(after);
            for (int i = 0; i < step.entries().size(); i++) {
                LicenseReader.Entry entry = step.entries().get(i);
                UserRow row = row(entry.user(), activeSince);
                if (matches(row, query)) {
                    rows.add(row);
                    if (rows.size() == query.limit()) {
                        boolean more = step.next() != null || i < step.entries().size() - 1;
                        return new UserPage(rows, more ? tag(tag, entry.position()) : null, days, seats);
                    }
                }
            }
            if (step.next() == null) {
                return new UserPage(rows, null, days, seats);
            }
            after = step.next();
        }
    }

    private static String tag(String tag, String position) {
        return position == null ? null : tag + ":" + position;
    }

    private static String untag(String tag, String after) {
        if (after == null) {
            return null;
        }
        if (!after.startsWith(tag + ":")) {
            throw new Refusal(Refusal.Kind.INVALID, "invalid_cursor",
                    "The cursor belongs to another sort or search; start again without it.");
        }
        return after.substring(tag.length() + 1);
    }

    private static ProductCounts seatsOf(LicenseReader.Summary summary, String product) {
        ProductCounts total = ProductCounts.ZERO;
        for (Map.Entry<String, ProductCounts> e : summary.counts().entrySet()) {
            if (e.getKey().equals(product) || productKeyOf(e.getKey()).equalsIgnoreCase(product)) {
                total = total.plus(e.getValue());
            }
        }
        return total;
    }

    public record UserDetail(UserRow user, boolean orgAdmin, String claimStatus, String addedToOrg, List<OrgGroup> groups) {}

    public UserDetail user(String tenantId, String accountId) {
        OrgUser user = reader.user(tenantId, accountId).orElseThrow(() -> new Refusal(Refusal.Kind.NOT_FOUND, "user_not_found",
                "No synced user has this account id. Users appear after the first sync of the Atlassian organization."));
        int days = settings.get(tenantId).inactivityDays();
        UserRow row = row(user, clock.instant().minus(Duration.ofDays(days)));
        Map<String, OrgGroup> groups = reader.groups(tenantId, user.groups().stream().map(OrgUser.GroupRef::id).toList());
        List<OrgGroup> details = user.groups().stream().map(g -> groups.get(g.id())).filter(g -> g != null).toList();
        return new UserDetail(row, user.orgAdmin(), user.claimStatus(), user.addedToOrg(), details);
    }

    private static UserRow row(OrgUser user, Instant activeSince) {
        List<ProductUse> uses = user.products().stream().map(p -> {
            Instant last = p.lastActive() == null ? null : Instant.parse(p.lastActive());
            String status = last == null ? "never" : last.isBefore(activeSince) ? "inactive" : "active";
            return new ProductUse(p.key(), p.resourceId(), last, status);
        }).toList();
        return new UserRow(user.accountId(), user.name(), user.email(), user.accountType(), user.accountStatus(),
                user.membershipStatus(), uses, user.groups());
    }

    private static boolean matches(UserRow row, UserQuery query) {
        List<ProductUse> uses = query.product() == null ? row.products() : row.products().stream()
                .filter(u -> query.product().equalsIgnoreCase(u.product()) || query.product().equals(u.resourceId())).toList();
        if (query.product() != null && uses.isEmpty()) {
            return false;
        }
        if (query.status() == null) {
            return true;
        }
        if (uses.isEmpty()) {
            return false;
        }
        // Across the products considered: active if active anywhere, never if never used anywhere, else inactive.
        boolean anyActive = uses.stream().anyMatch(u -> u.status().equals("active"));
        boolean allNever = uses.stream().allMatch(u -> u.status().equals("never"));
        String status = anyActive ? "active" : allNever ? "never" : "inactive";
        return status.equals(query.status());
    }
}
