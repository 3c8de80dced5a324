package com.saasspend.atlassian.bench;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseReader;
import com.saasspend.integration.aws.DynamoTenantSettingsStore;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.licenses.LicenseReader.UserOrder;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Figure 8: the License page on a synced generated org. Each listing (filters and sorts of GET /users, and a search for
 * a rare name) is read through {@link LicenseService} with a metered DynamoDB client: its first page and a deep page
 * (page {@link #DEEP_PAGE}, or the last one), {@link #LIMIT} rows a page. Against it, in the same run, the path the
 * indexes replaced: the user items read in key order and filtered in Java until the page is full (the whole partition
 * for a sort by name or a rare match).
 */
public final class LicensePageBenchmark {
    static final int LIMIT = 50;
    static final int DEEP_PAGE = 20;
    /** The scan path's query page: what the pre-index listing read per step. */
    static final int SCAN_STEP = 200;

    /** One page of one listing: rows answered, read units (computed, see CapacityMeter) and latency per repeat. */
    public record Page(String listing, String page, int rows, double readUnits, Stats millis) {}

    public record Result(int users, long syncMillis, List<Page> indexed, List<Page> scanned) {}

    private record Listing(String name, String product, String status, UserOrder sort, String search) {
        LicenseService.UserQuery query(String after) {
            return new LicenseService.UserQuery(product, status, null, search, sort, after, LIMIT);
        }
    }

    public static Result measure(int users, int repeats, int scanRepeats) {
        World world = WorldGenerator.generate(users, Math.max(1, users / 50), 42);
        try (OrgUnderTest org = new OrgUnderTest(world, false)) {
            String tenant = "bench-license-" + users;
            org.connect(tenant);
            long t0 = System.nanoTime();
            SyncResult synced = org.meteredSync().run(tenant, Budget.unlimited());
            long syncMillis = (System.nanoTime() - t0) / 1_000_000;
            if (synced.outcome() != SyncOutcome.COMPLETED) {
                throw new IllegalStateException("sync ended " + synced.outcome());
            }
            String table = org.env.required("TABLE_NAME");
            DynamoLicenseReader reader = new DynamoLicenseReader(org.meteredDynamo, table);
            LicenseService service = new LicenseService(reader, new DynamoTenantSettingsStore(org.meteredDynamo, table),
                    new DynamoIntegrationStore(org.meteredDynamo, table), Clock.systemUTC());
            String jiraInstance = world.productId(DemoCredentials.ORG_ID, "jira-software");
            String rareName = rareName(reader, tenant);

            List<Listing> listings = List.of(
                    new Listing("everyone, by name", null, null, null, null),
                    new Listing("everyone, most recently active first", null, null, UserOrder.LAST_ACTIVE_DESC, null),
                    new Listing("everyone, least recently active first", null, null, UserOrder.LAST_ACTIVE_ASC, null),
                    new Listing("status=active", null, "active", null, null),
                    new Listing("status=inactive", null, "inactive", null, null),
                    new Listing("status=never", null, "never", null, null),
                    new Listing("product=confluence, by name", "confluence", null, null, null),
                    new Listing("product=confluence, status=inactive", "confluence", "inactive", null, null),
                    new Listing("product=jira-software, status=never", "jira-software", "never", null, null),
                    new Listing("product=<Jira instance ARI>, status=inactive", jiraInstance, "inactive", null, null),
                    new Listing("search for a rare name", null, null, null, rareName));
            List<Page> indexed = new ArrayList<>();
            for (Listing listing : listings) {
                indexed.add(timed(listing.name(), "first", org.meter, repeats, () -> service.users(tenant, listing.query(null)).users().size()));
                String after = null;
                int page = 1;
                for (; page < DEEP_PAGE; page++) {
                    String next = service.users(tenant, listing.query(after)).nextAfter();
                    if (next == null) {
                        break;
                    }
                    after = next;
                }
                if (page > 1) {
                    String deep = after;
                    indexed.add(timed(listing.name(), "page " + page, org.meter, repeats,
                            () -> service.users(tenant, listing.query(deep)).users().size()));
                }
                System.out.printf("[license-page] N=%,d %s: %s%n", users, listing.name(), indexed.get(indexed.size() - 1));
            }

            Instant since = Instant.now().minus(Duration.ofDays(30));
            List<Page> scanned = new ArrayList<>();
            scanned.add(timed("everyone, by name", "first", org.meter, scanRepeats, () -> scan(reader, tenant, u -> true, true)));
            scanned.add(timed("status=inactive", "first", org.meter, scanRepeats,
                    () -> scan(reader, tenant, u -> "inactive".equals(status(u, null, since)), false)));
            scanned.add(timed("product=confluence, status=inactive", "first", org.meter, scanRepeats,
                    () -> scan(reader, tenant, u -> "inactive".equals(status(u, "confluence", since)), false)));
            scanned.add(timed("search for a rare name", "first", org.meter, scanRepeats,
                    () -> scan(reader, tenant, u -> u.name() != null && u.name().toLowerCase(Locale.ROOT).startsWith(rareName), true)));
            scanned.forEach(p -> System.out.printf("[license-page] N=%,d scan path %s%n", users, p));
            return new Result(users, syncMillis, indexed, scanned);
        }
    }

    private static Page timed(String listing, String page, CapacityMeter meter, int repeats, Supplier<Integer> read) {
        List<Long> millis = new ArrayList<>();
        double units = 0;
        int rows = 0;
        for (int i = 0; i < repeats; i++) {
            CapacityMeter.Snapshot before = meter.snapshot();
            long t0 = System.nanoTime();
            rows = read.get();
            millis.add((System.nanoTime() - t0) / 1_000_000);
            // Every repeat reads the same items: the units of the last one stand for all.
            units = meter.snapshot().minus(before).total().readUnits();
        }
        return new Page(listing, page, rows, units, Stats.of(millis));
    }

    /** The pre-index listing: user items in key order, filtered in Java until a page is full (or to the end). */
    private static int scan(DynamoLicenseReader reader, String tenant, Predicate<OrgUser> keep, boolean wholeList) {
        int rows = 0;
        String after = null;
        do {
            DynamoLicenseReader.ScanStep step = reader.scanUsers(tenant, after, SCAN_STEP);
            for (OrgUser u : step.users()) {
                if (keep.test(u)) {
                    rows++;
                }
            }
            if (!wholeList && rows >= LIMIT) {
                break;
            }
            after = step.lastAccountId();
        } while (after != null);
        return Math.min(rows, LIMIT);
    }

    /** The user's status over its products (of {@code productKey} only, when given), as the License page defines it. */
    private static String status(OrgUser u, String productKey, Instant since) {
        List<OrgUser.ProductAccess> held = u.products().stream().filter(p -> productKey == null || productKey.equals(p.key())).toList();
        if (held.isEmpty()) {
            return null;
        }
        Instant latest = held.stream().map(OrgUser.ProductAccess::lastActive).filter(a -> a != null).map(Instant::parse)
                .max(Instant::compareTo).orElse(null);
        return latest == null ? "never" : latest.isBefore(since) ? "inactive" : "active";
    }

    /** The full name (lower case) of a user in the middle of the partition's first items: a prefix few users share. */
    private static String rareName(DynamoLicenseReader reader, String tenant) {
        List<OrgUser> some = reader.scanUsers(tenant, null, 200).users().stream().filter(u -> u.name() != null).toList();
        return some.get(some.size() / 2).name().strip().toLowerCase(Locale.ROOT);
    }
}
