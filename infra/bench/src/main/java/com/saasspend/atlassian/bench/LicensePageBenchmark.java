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
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

    /**
     * {@code indexed}, {@code scanned}, {@code motoFloor}: figure 8 (empty when only figure P was asked for);
     * {@code policies}: figure P (null when not asked for).
     */
    public record Result(int users, long syncMillis, List<Page> indexed, List<Page> scanned, List<Page> motoFloor,
                         PolicyEvaluationBenchmark.Result policies) {}

    private record Listing(String name, String product, String status, UserOrder sort, String search) {
        LicenseService.UserQuery query(String after) {
            return query(after, LIMIT);
        }

        LicenseService.UserQuery query(String after, int limit) {
            return new LicenseService.UserQuery(product, status, null, search, sort, after, limit);
        }
    }

    /** A base-table query of the scan path may take minutes on moto at 100k users (see EmulatedAws.patientMeteredDynamo). */
    static final Duration SCAN_ATTEMPT_TIMEOUT = Duration.ofMinutes(5);
    /** The longest one listing of the scan path is walked before the rest is projected (see {@link #walk}). */
    static final Duration SCAN_BUDGET = Duration.ofSeconds(90);

    /**
     * Syncs a generated org of {@code users} once, then measures figure 8 ({@code licensePage}) and figure P
     * ({@code policies}) on it.
     */
    public static Result measure(int users, int repeats, boolean licensePage, boolean policies) {
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
            System.out.printf("[license-page] N=%,d synced in %,d ms%n", users, syncMillis);
            List<Page> indexed = new ArrayList<>();
            List<Page> scanned = new ArrayList<>();
            List<Page> floor = new ArrayList<>();
            if (licensePage) {
                licensePage(org, world, tenant, users, synced.run().users(), repeats, indexed, scanned, floor);
            }
            PolicyEvaluationBenchmark.Result evaluated = policies ? PolicyEvaluationBenchmark.measure(org, tenant, users) : null;
            return new Result(users, syncMillis, indexed, scanned, floor, evaluated);
        }
    }

    private static void licensePage(OrgUnderTest org, World world, String tenant, int users, long storedUsers, int repeats,
                                    List<Page> indexed, List<Page> scanned, List<Page> floor) {
        String table = org.env.required("TABLE_NAME");
        DynamoLicenseReader reader = new DynamoLicenseReader(org.meteredDynamo, table);
        LicenseService service = new LicenseService(reader, new DynamoTenantSettingsStore(org.meteredDynamo, table),
                new DynamoIntegrationStore(org.meteredDynamo, table), Clock.systemUTC());
        DynamoDbClient patient = EmulatedAws.patientMeteredDynamo(org.meter, SCAN_ATTEMPT_TIMEOUT);
        DynamoLicenseReader scanReader = new DynamoLicenseReader(patient, table);
        String jiraInstance = world.productId(DemoCredentials.ORG_ID, "jira-software");
        RareText rare = rareText(world);
        System.out.printf("[license-page] N=%,d rare search text \"%s\" (%s): %d of %,d directory users match%n", users, rare.prefix(),
                rare.kind(), rare.matching(), rare.of());

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
                new Listing(rare.listing(), null, null, null, rare.prefix()));
        for (Listing listing : listings) {
            indexed.add(timed(listing.name(), "first", org.meter, repeats, () -> service.users(tenant, listing.query(null)).users().size()));
            // To the deep page's cursor in the largest pages the route allows (the cursor is a position, whatever the
            // page size): on moto every page sorts the listing's whole index partition, so fewer pages save minutes.
            String after = null;
            int skipped = 0;
            int step = LicenseService.MAX_LIMIT;
            while (skipped < (DEEP_PAGE - 1) * LIMIT) {
                int want = Math.min(step, (DEEP_PAGE - 1) * LIMIT - skipped);
                LicenseService.UserPage walked = service.users(tenant, listing.query(after, want));
                if (walked.nextAfter() == null) {
                    if (step == LIMIT) {
                        break; // the listing ends within this page: the deep page is the last one
                    }
                    step = LIMIT; // ends within a large step: walk the rest a page at a time
                    continue;
                }
                after = walked.nextAfter();
                skipped += walked.users().size();
            }
            if (skipped > 0) {
                String deep = after;
                indexed.add(timed(listing.name(), "page " + (skipped / LIMIT + 1), org.meter, repeats,
                        () -> service.users(tenant, listing.query(deep)).users().size()));
            }
            System.out.printf("[license-page] N=%,d %s: %s%n", users, listing.name(), indexed.get(indexed.size() - 1));
        }

        // The baseline, once per listing: a sort by name and a rare match both read the whole partition, so one walk
        // of it answers both (same items, same time).
        Instant since = Instant.now().minus(Duration.ofDays(30));
        Walk whole = walk(scanReader, org.meter, tenant, List.of(u -> true,
                u -> RareText.matches(u.name(), u.email(), rare.prefix())), false);
        scanned.add(whole.page("everyone, by name", 0, storedUsers));
        scanned.add(whole.page(rare.listing() + " (the same walk)", 1, storedUsers));
        scanned.add(walk(scanReader, org.meter, tenant, List.of(u -> "inactive".equals(status(u, null, since))), true)
                .page("status=inactive", 0, storedUsers));
        scanned.add(walk(scanReader, org.meter, tenant, List.of(u -> "inactive".equals(status(u, "confluence", since))), true)
                .page("product=confluence, status=inactive", 0, storedUsers));
        scanned.forEach(p -> System.out.printf("[license-page] N=%,d scan path %s%n", users, p));

        floor.addAll(motoFloor(org, patient, table, repeats));
        floor.forEach(p -> System.out.printf("[license-page] N=%,d moto floor %s%n", users, p));
    }

    /**
     * What stock moto charges any base-table query, whatever it returns: a query answering the one item of a tiny
     * partition of this table (moto walks every item of the table to find it), and the same query on a table holding
     * only that item, both sent with {@code X-Stock-Moto-Query} (infra/scripts/moto_server.py then leaves them to moto's
     * own path); then the first query again through moto_server.py's query path, which reads the key range as DynamoDB
     * does. On DynamoDB all three cost the same few milliseconds.
     */
    private static List<Page> motoFloor(OrgUnderTest org, DynamoDbClient client, String table, int repeats) {
        String emptyTable = EmulatedAws.createStateTable(org.aws.plainDynamo, table + "-floor");
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("BENCH#FLOOR"), "sk", AttributeValue.fromS("ONLY"),
                "note", AttributeValue.fromS("one item, for timing a query that answers it"));
        List<Page> rows = new ArrayList<>();
        record Target(String table, String listing, boolean stock) {}
        for (Target target : List.of(new Target(table, "one item of a tiny partition, this table (stock moto)", true),
                new Target(emptyTable, "the same query, a table holding only that item (stock moto)", true),
                new Target(table, "the first query, through moto_server.py's query path (what this figure's pages go through)", false))) {
            org.aws.plainDynamo.putItem(r -> r.tableName(target.table()).item(item));
            rows.add(timed(target.listing(), "moto floor", org.meter, Math.max(3, repeats), () -> client.query(r -> {
                r.tableName(target.table()).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("BENCH#FLOOR")));
                if (target.stock()) {
                    r.overrideConfiguration(c -> c.putHeader(STOCK_MOTO_QUERY, "1"));
                }
            }).count()));
        }
        org.aws.plainDynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
        return rows;
    }

    /** infra/scripts/moto_server.py answers a Query sent with this header by moto's own path (STOCK_QUERY_HEADER there). */
    static final String STOCK_MOTO_QUERY = "X-Stock-Moto-Query";

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

    /**
     * One walk of the pre-index listing: user items in key order, {@link #SCAN_STEP} a query, each filter counting its
     * rows; {@code firstPage}: stop once the first filter has a page, else read to the end of the partition. Either way
     * it stops after {@link #SCAN_BUDGET}: on moto each base-table query walks the whole table, so at 100k users a walk
     * of the whole partition takes hours, and the rest is projected from the users read.
     */
    private static Walk walk(DynamoLicenseReader reader, CapacityMeter meter, String tenant, List<Predicate<OrgUser>> filters,
                             boolean firstPage) {
        int[] rows = new int[filters.size()];
        long usersRead = 0;
        int queries = 0;
        CapacityMeter.Snapshot before = meter.snapshot();
        long t0 = System.nanoTime();
        long stopAt = t0 + SCAN_BUDGET.toNanos();
        String after = null;
        boolean ended = false;
        while (true) {
            DynamoLicenseReader.ScanStep step = reader.scanUsers(tenant, after, SCAN_STEP);
            queries++;
            usersRead += step.users().size();
            for (OrgUser u : step.users()) {
                for (int i = 0; i < rows.length; i++) {
                    if (filters.get(i).test(u)) {
                        rows[i]++;
                    }
                }
            }
            after = step.lastAccountId();
            if (after == null || (firstPage && rows[0] >= LIMIT)) {
                ended = true;
                break;
            }
            if (System.nanoTime() >= stopAt) {
                break;
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        double units = meter.snapshot().minus(before).total().readUnits();
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.min(rows[i], LIMIT);
        }
        return new Walk(rows, usersRead, queries, units, millis, ended);
    }

    /** What a walk read; {@code ended}: it reached what it needed (a full page, or the partition's end) within the budget. */
    private record Walk(int[] rows, long usersRead, int queries, double readUnits, long millis, boolean ended) {
        /** The walk as a row of the table; an unfinished walk's units and time projected to the whole partition. */
        Page page(String listing, int filter, long storedUsers) {
            if (ended) {
                return new Page(listing, "first", rows[filter], readUnits, Stats.of(List.of(millis)));
            }
            double scale = (double) storedUsers / Math.max(1, usersRead);
            return new Page(listing, String.format(Locale.ROOT, "first (**projected** ×%.1f: %,d of %,d users read, %,d queries, %,d ms)",
                    scale, usersRead, storedUsers, queries, millis), rows[filter], readUnits * scale,
                    Stats.of(List.of(Math.round(millis * scale))));
        }
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

    /**
     * A search text few directory users match ({@code matching} of {@code of}), counted in the generated world by the
     * search's rule: the name, its last word or the email starts with it. A name if one is rare enough; in a generated
     * org every name is shared (a first and a last name drawn from short lists), so else the local part of an email.
     */
    record RareText(String prefix, String kind, long matching, int of) {
        static final int MOST = 10;

        String listing() {
            return String.format(Locale.ROOT, "search for a rare %s (%d %s)", kind, matching, matching == 1 ? "user matches" : "users match");
        }

        static boolean matches(String name, String email, String prefix) {
            return matches(texts(name, email), prefix);
        }

        /** What the search matches a prefix against, lower case: the name, its last word (if it has more than one), the email. */
        static String[] texts(String name, String email) {
            String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
            String[] words = n.split("\\s+");
            return new String[] {n, words.length > 1 ? words[words.length - 1] : "", email == null ? "" : email.strip().toLowerCase(Locale.ROOT)};
        }

        static boolean matches(String[] texts, String prefix) {
            for (String text : texts) {
                if (!text.isEmpty() && text.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static RareText rareText(World world) {
        List<World.Person> people = world.directoryPeople(DemoCredentials.ORG_ID);
        List<String[]> texts = people.stream().map(p -> RareText.texts(p.name(), p.email())).toList();
        // From the middle of the list: a generated email's number is then long enough that few others extend it.
        List<String[]> candidates = new ArrayList<>(texts.subList(texts.size() / 2, texts.size()));
        candidates.addAll(texts.subList(0, texts.size() / 2));
        java.util.Set<String> tried = new java.util.HashSet<>();
        for (String kind : List.of("name", "email")) {
            for (String[] t : candidates) {
                String prefix = kind.equals("name") ? t[0] : t[2].indexOf('@') > 0 ? t[2].substring(0, t[2].indexOf('@')) : t[2];
                if (prefix.isEmpty() || !tried.add(prefix)) {
                    continue;
                }
                long matching = texts.stream().filter(q -> RareText.matches(q, prefix)).count();
                if (matching <= RareText.MOST) {
                    return new RareText(prefix, kind, matching, people.size());
                }
            }
        }
        throw new IllegalStateException("no search text matches at most " + RareText.MOST + " of " + people.size() + " users");
    }
}
