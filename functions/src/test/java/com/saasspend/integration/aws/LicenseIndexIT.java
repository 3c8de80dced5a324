package com.saasspend.integration.aws;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.licenses.LicenseReader.UserOrder;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.wiring.Services;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The License page's listings on a synced generated org (moto): every filter and sort answers exactly what reading the
 * whole partition and filtering would, while reading about the page it returns; the sync, a reclaim's rewrite and a
 * removal keep the indexes in step.
 */
@ExtendWith(AwsEmulator.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LicenseIndexIT {
    private static final String TENANT = "tenant-index";
    /** Four pages of 40 per unfiltered listing, several per filtered one: what the paging needs, at two thirds of the writes. */
    private static final int USERS = 160;
    private static final int LIMIT = 40;
    private static Stack stack;
    private static Instant now;
    private static String jiraResource;

    @BeforeAll
    static void connectAndSync() {
        stack = new Stack(WorldGenerator.generate(USERS, 8, 42), Clock.systemUTC());
        APIGatewayV2HTTPResponse connected = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian",
                Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, connected.getStatusCode(), connected.getBody());
        Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited());
        now = Instant.now();
        jiraResource = stack.sim.world().productId(ORG_ID, "jira-software");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private record Listing(String product, String status, Integer days, UserOrder sort) {}

    @Test
    void everyFilterAndSortAnswersWhatAScanWouldReadingAboutThePage() {
        List<OrgUser> all = scanAll();
        assertTrue(all.size() > USERS * 9 / 10, "the generated org's directory users are stored: " + all.size());
        List<Listing> listings = new ArrayList<>();
        for (String product : new String[] {null, "confluence", "JIRA-SOFTWARE", jiraResource}) {
            listings.add(new Listing(product, null, null, null));
            listings.add(new Listing(product, null, null, UserOrder.LAST_ACTIVE_ASC));
            listings.add(new Listing(product, null, null, UserOrder.LAST_ACTIVE_DESC));
            for (String status : new String[] {"active", "inactive", "never"}) {
                listings.add(new Listing(product, status, null, null));
                listings.add(new Listing(product, status, 60, UserOrder.LAST_ACTIVE_ASC));
            }
        }
        for (Listing listing : listings) {
            List<String> expected = expected(all, listing);
            DynamoLicenseReader reader = new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table);
            LicenseService service = service(reader);
            List<String> listed = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                long before = reader.itemsRead();
                LicenseService.UserPage page = service.users(TENANT, new LicenseService.UserQuery(listing.product(), listing.status(),
                        listing.days(), null, listing.sort(), after, LIMIT));
                page.users().forEach(u -> listed.add(u.accountId()));
                // The page, one more to know whether more follow, and on later pages the item at the cursor.
                assertTrue(reader.itemsRead() - before <= LIMIT + (after == null ? 1 : 2), listing + ": a page of "
                        + page.users().size() + " read " + (reader.itemsRead() - before) + " items");
                after = page.nextAfter();
                pages++;
            } while (after != null && pages < 100);
            assertEquals(expected, listed, listing + ": exactly the scan's users, in order");
            assertTrue(reader.itemsRead() <= expected.size() + 2L * pages, listing + ": read " + reader.itemsRead()
                    + " items for " + expected.size() + " users (the partition holds " + all.size() + ")");
        }
    }

    /** What a License page row shows (LicenseService.UserRow), the item's keys and its listing keys: all a copy carries. */
    /** A copy's attributes: its keys, its user's id and the row, packed (index layout 3). */
    private static final java.util.Set<String> ROW_ATTRIBUTES = java.util.Set.of(TableKeys.PK, TableKeys.SK, "accountId",
            UserItems.ROW, TableKeys.IX_PK, TableKeys.IX_ACTIVE, TableKeys.IX_NAME, TableKeys.IX_WORD, TableKeys.IX_EMAIL);

    @Test
    void everyListingReadsCopiesCarryingOnlyTheRowNeverTheUserItem() {
        Map<String, Integer> allCopies = new HashMap<>();
        int users = 0;
        for (Map<String, AttributeValue> item : partition()) {
            String sk = item.get(TableKeys.SK).s();
            if (sk.startsWith(TableKeys.USER_PREFIX)) {
                boolean removed = item.containsKey("removed") && Boolean.TRUE.equals(item.get("removed").bool());
                users += removed ? 0 : 1;
                assertFalse(item.containsKey(TableKeys.IX_PK), sk + ": the user item is in no listing");
                assertTrue(item.containsKey("claimStatus") || item.containsKey("orgAdmin"), sk + ": the user item is the whole user");
            } else {
                assertTrue(ROW_ATTRIBUTES.containsAll(item.keySet()), sk + " carries more than a row: " + item.keySet());
                assertTrue(item.containsKey(UserItems.ROW), sk + ": the copy carries its row");
                if (sk.endsWith(TableKeys.SEPARATOR + TableKeys.SCOPE_ALL)) {
                    allCopies.merge(item.get("accountId").s(), 1, Integer::sum);
                    assertEquals(TableKeys.userIndex(TENANT, TableKeys.SCOPE_ALL), item.get(TableKeys.IX_PK).s());
                } else {
                    assertFalse(item.containsKey(TableKeys.IX_WORD) || item.containsKey(TableKeys.IX_EMAIL), sk + ": search reads ALL only");
                }
            }
        }
        assertTrue(users > USERS * 9 / 10, "users stored: " + users);
        assertEquals(users, allCopies.size(), "one copy in the listing of every user per stored user");
        assertTrue(allCopies.values().stream().allMatch(n -> n == 1));
    }

    @Test
    void aRareNameSearchReadsTheMatchesNotThePartition() {
        List<OrgUser> all = scanAll();
        OrgUser rare = all.get(all.size() / 2);
        String surname = rare.name().strip().split("\\s+")[rare.name().strip().split("\\s+").length - 1];
        for (String q : new String[] {rare.email().substring(0, Math.min(rare.email().length(), 12)).toUpperCase(Locale.ROOT),
                rare.name(), surname.substring(0, 3), "zzzz"}) {
            String prefix = q.toLowerCase(Locale.ROOT);
            List<OrgUser> matching = all.stream().filter(u -> searchKey(u, prefix) != null)
                    .sorted(Comparator.comparing((OrgUser u) -> searchKey(u, prefix), DynamoLicenseReader::compareText)).toList();
            DynamoLicenseReader reader = new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table);
            List<String> found = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                LicenseService.UserPage page = service(reader).users(TENANT, new LicenseService.UserQuery(null, null, null, q, null, after, LIMIT));
                page.users().forEach(u -> found.add(u.accountId()));
                after = page.nextAfter();
                pages++;
            } while (after != null && pages < 100);
            assertEquals(matching.stream().map(OrgUser::accountId).toList(), found, q + ": every match once, by name, last word, email");
            assertTrue(reader.itemsRead() <= 3L * matching.size() + 6L * pages, q + ": read " + reader.itemsRead()
                    + " items for " + matching.size() + " matches");
        }
    }

    @Test
    void theApiSortsPagesAndRefusesWhatNoIndexServes() {
        Map<String, String> query = new HashMap<>(Map.of("sort", "-lastActive", "product", "confluence", "limit", "25"));
        List<String> listed = new ArrayList<>();
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = ApiEvents.json(ok(query));
            page.path("users").forEach(u -> listed.add(u.path("accountId").asText()));
            if (page.path("nextCursor").isNull()) {
                break;
            }
            query.put("cursor", page.path("nextCursor").asText());
        }
        assertEquals(expected(scanAll(), new Listing("confluence", null, null, UserOrder.LAST_ACTIVE_DESC)), listed);
        JsonNode inactive = ApiEvents.json(ok(Map.of("product", "confluence", "status", "inactive")));
        JsonNode licenses = ApiEvents.json(stack.licenses(TENANT, "GET /licenses", "/licenses", Map.of(), Map.of(), null));
        JsonNode confluence = null;
        for (JsonNode row : licenses.path("products")) {
            if (row.path("product").asText().equals("confluence")) {
                confluence = row;
            }
        }
        for (String count : new String[] {"assigned", "active", "inactive", "neverUsed"}) {
            assertEquals(confluence.path(count).asLong(), inactive.path("seats").path(count).asLong(),
                    "the header's " + count + " is the summary's, not a scan");
        }
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("status", "never", "sort", "name"), null).getStatusCode());
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(), Map.of("q", "a", "sort", "name"), null).getStatusCode());
        String nameCursor = ApiEvents.json(ok(Map.of("limit", "2"))).path("nextCursor").asText();
        assertEquals(400, stack.licenses(TENANT, "GET /users", "/users", Map.of(),
                Map.of("status", "active", "cursor", nameCursor), null).getStatusCode(), "a cursor continues only its own listing");
    }

    @Test
    @Order(9)
    void aBatchReadOfUsersAnswersWhatReadingEachWouldInOneCall() {
        DynamoLicenseStore store = new DynamoLicenseStore(stack.aws.dynamo, stack.aws.table);
        List<String> ids = new java.util.ArrayList<>(scanAll().stream().map(OrgUser::accountId).limit(LicenseStore.USERS_PER_READ - 1).toList());
        ids.add("712020:not-stored");
        Map<String, Hashed<OrgUser>> batch = store.users(TENANT, ids);

        assertEquals(LicenseStore.USERS_PER_READ - 1, batch.size(), "every stored user, nothing for an unknown id");
        ids.forEach(id -> assertEquals(store.user(TENANT, id).orElse(null), batch.get(id), id));
        assertThrows(IllegalArgumentException.class, () -> store.users(TENANT,
                java.util.stream.IntStream.rangeClosed(0, LicenseStore.USERS_PER_READ).mapToObj(i -> "id-" + i).toList()));
    }

    @Test
    @Order(10) // changes users without the sync's seat counts: after the tests that compare with the summary
    void aRewriteAndARemovalKeepEveryListingInStep() {
        DynamoLicenseStore store = new DynamoLicenseStore(stack.aws.dynamo, stack.aws.table);
        List<OrgUser> all = scanAll();
        OrgUser twoProducts = all.stream().filter(u -> u.products().size() >= 2).findFirst().orElseThrow();
        Hashed<OrgUser> stored = store.user(TENANT, twoProducts.accountId()).orElseThrow();
        OrgUser.ProductAccess lost = twoProducts.products().get(0);
        OrgUser after = new OrgUser(twoProducts.accountId(), "Zed Renamed", twoProducts.email(), twoProducts.accountType(),
                twoProducts.accountStatus(), twoProducts.membershipStatus(), twoProducts.claimStatus(), twoProducts.orgAdmin(),
                twoProducts.addedToOrg(), twoProducts.products().subList(1, twoProducts.products().size()), twoProducts.groups());
        assertFalse(store.replaceUser(TENANT, new Hashed<>(after, "h2"), "not-the-hash", now), "a lost race writes nothing");
        assertTrue(store.replaceUser(TENANT, new Hashed<>(after, "h2"), stored.hash(), now));
        all = scanAll();
        assertListingsMatch(all, lost.resourceId(), lost.key());
        assertEquals(List.of(twoProducts.accountId()), search("zed renamed"), "the new name is found");
        assertFalse(search(twoProducts.name().toLowerCase(Locale.ROOT)).contains(twoProducts.accountId()), "the old name is not");

        OrgUser leaver = all.stream().filter(u -> !u.products().isEmpty() && !u.accountId().equals(twoProducts.accountId()))
                .findFirst().orElseThrow();
        store.markRemoved(TENANT, LicenseStore.Listing.USERS, List.of(leaver.accountId()), now);
        all = scanAll();
        assertFalse(all.stream().anyMatch(u -> u.accountId().equals(leaver.accountId())));
        assertListingsMatch(all, leaver.products().get(0).resourceId(), leaver.products().get(0).key());
        assertFalse(search(leaver.email()).contains(leaver.accountId()), "a removed user is not found");
    }

    @Test
    @Order(11)
    void anUnchangedResyncWritesNoIndexItemAndAChangeRewritesOnlyItsUser() {
        // Settles what the test before changed behind the sync's back; then nothing changed.
        Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited());
        List<Map<String, AttributeValue>> before = partition();
        // Index items are written only with their user (putUsers), so no user written is no index item written.
        assertEquals(0, Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited()).run().usersWritten());
        assertEquals(before, partition(), "an unchanged org leaves every user and index item as it was");
        OrgUser someone = scanAll().stream().filter(u -> u.products().stream().anyMatch(p -> p.key().equals("confluence")))
                .findFirst().orElseThrow();
        stack.sim.world().recordActivity(someone.accountId(), "confluence", Instant.now());
        assertEquals(1, Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited()).run().usersWritten());
        List<OrgUser> all = scanAll();
        assertListingsMatch(all, stack.sim.world().productId(ORG_ID, "confluence"), "confluence");
        List<String> mostRecent = page(new Listing("confluence", "active", null, UserOrder.LAST_ACTIVE_DESC));
        assertEquals(someone.accountId(), mostRecent.get(0), "the user just active on Confluence leads its listing");
    }

    @Test
    void theExportIsTheWholeFilteredListAsCsvInTheListingsOrder() {
        for (Listing listing : List.of(new Listing(null, null, null, null), new Listing("confluence", "inactive", 60, UserOrder.LAST_ACTIVE_ASC),
                new Listing(jiraResource, "never", null, null))) {
            Map<String, String> query = new HashMap<>();
            if (listing.product() != null) {
                query.put("product", listing.product());
            }
            if (listing.status() != null) {
                query.put("status", listing.status());
            }
            if (listing.days() != null) {
                query.put("inactiveForDays", listing.days().toString());
            }
            if (listing.sort() == UserOrder.LAST_ACTIVE_ASC) {
                query.put("sort", "lastActive");
            }
            APIGatewayV2HTTPResponse response = stack.licenses(TENANT, "GET /users/export", "/users/export", Map.of(), query, null);
            assertEquals(200, response.getStatusCode(), response.getBody());
            assertEquals("text/csv; charset=utf-8", response.getHeaders().get("Content-Type"));
            assertTrue(response.getHeaders().get("Content-Disposition").startsWith("attachment;"));
            List<List<String>> rows = parseCsv(response.getBody());
            assertEquals("Account ID", rows.get(0).get(0));
            List<String> ids = rows.subList(1, rows.size()).stream().map(r -> r.get(0)).toList();
            assertEquals(everything(listing), ids, listing + ": the export holds every page of the listing, in order");
            assertTrue(rows.stream().allMatch(r -> r.size() == rows.get(0).size()), "every row has every column");
        }
        APIGatewayV2HTTPResponse searched = stack.licenses(TENANT, "GET /users/export", "/users/export", Map.of(),
                Map.of("q", "a"), null);
        List<String> matches = new ArrayList<>();
        LicenseService service = service(new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table));
        String after = null;
        do {
            LicenseService.UserPage page = service.users(TENANT, new LicenseService.UserQuery(null, null, null, "a", null, after, 20));
            page.users().forEach(u -> matches.add(u.accountId()));
            after = page.nextAfter();
        } while (after != null);
        assertTrue(matches.size() > 20, "a search of several pages: " + matches.size());
        assertEquals(matches, parseCsv(searched.getBody()).stream().skip(1).map(r -> r.get(0)).toList(), "a search exports its matches");

        assertEquals(400, stack.licenses(TENANT, "GET /users/export", "/users/export", Map.of(), Map.of("cursor", "x"), null)
                .getStatusCode(), "no paging parameters: an export is the whole list");
        // An invocation with too little time left to read the list answers 413 rather than a truncated file.
        var event = com.saasspend.integration.testing.ApiEvents.request("GET /users/export", "/users/export", Map.of(), null, TENANT);
        APIGatewayV2HTTPResponse late = stack.licenses.handleRequest(event,
                com.saasspend.integration.testing.DeadlineContext.endingIn(Duration.ofSeconds(2)));
        assertEquals(413, late.getStatusCode(), late.getBody());
        assertEquals("export_too_large", ApiEvents.json(late).get("code").asText());
    }

    /** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, doubled quotes and line breaks. */
    private static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertTrue(row.isEmpty() && field.length() == 0, "the file ends with CRLF");
        return rows;
    }

    /** The user items and index items of the tenant's license partition. */
    private static List<Map<String, AttributeValue>> partition() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        stack.aws.dynamo.queryPaginator(r -> r.tableName(stack.aws.table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableKeys.licenses(TENANT)))))
                .items().forEach(item -> {
                    String sk = item.get("sk").s();
                    if (sk.startsWith(TableKeys.USER_PREFIX) || sk.startsWith(TableKeys.USER_INDEX_PREFIX)) {
                        items.add(item);
                    }
                });
        return items;
    }

    private void assertListingsMatch(List<OrgUser> all, String resourceId, String key) {
        for (Listing listing : List.of(new Listing(null, null, null, null), new Listing(null, "active", null, UserOrder.LAST_ACTIVE_DESC),
                new Listing(null, "inactive", null, null), new Listing(resourceId, null, null, UserOrder.LAST_ACTIVE_ASC),
                new Listing(key, "never", null, null), new Listing(key, "inactive", null, null), new Listing(key, null, null, null))) {
            assertEquals(expected(all, listing), everything(listing), listing.toString());
        }
    }

    private List<String> page(Listing listing) {
        return service(new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table)).users(TENANT, new LicenseService.UserQuery(
                listing.product(), listing.status(), listing.days(), null, listing.sort(), null, LIMIT)).users().stream()
                .map(LicenseService.UserRow::accountId).toList();
    }

    private List<String> everything(Listing listing) {
        return allPages(service(new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table)), listing);
    }

    private static List<String> allPages(LicenseService service, Listing listing) {
        List<String> listed = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 100; pages++) {
            LicenseService.UserPage page = service.users(TENANT, new LicenseService.UserQuery(listing.product(), listing.status(),
                    listing.days(), null, listing.sort(), after, LicenseService.MAX_LIMIT));
            page.users().forEach(u -> listed.add(u.accountId()));
            after = page.nextAfter();
            if (after == null) {
                break;
            }
        }
        return listed;
    }

    private List<String> search(String q) {
        return service(new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table)).users(TENANT,
                new LicenseService.UserQuery(null, null, null, q, null, null, LicenseService.MAX_LIMIT)).users().stream()
                .map(LicenseService.UserRow::accountId).toList();
    }

    private static APIGatewayV2HTTPResponse ok(Map<String, String> query) {
        APIGatewayV2HTTPResponse response = stack.licenses(TENANT, "GET /users", "/users", Map.of(), query, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return response;
    }

    private static LicenseService service(DynamoLicenseReader reader) {
        return new LicenseService(reader, new DynamoTenantSettingsStore(stack.aws.dynamo, stack.aws.table),
                new DynamoIntegrationStore(stack.aws.dynamo, stack.aws.table), Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The whole partition, as the listings read it before the indexes. */
    private static List<OrgUser> scanAll() {
        DynamoLicenseReader reader = new DynamoLicenseReader(stack.aws.dynamo, stack.aws.table);
        List<OrgUser> users = new ArrayList<>();
        String after = null;
        do {
            DynamoLicenseReader.ScanStep step = reader.scanUsers(TENANT, after, 500);
            users.addAll(step.users());
            after = step.lastAccountId();
        } while (after != null);
        return users;
    }

    /** Scan and filter: the meaning of each filter, and each order as documented, computed from every stored user. */
    private static List<String> expected(List<OrgUser> all, Listing listing) {
        Instant since = now.minus(Duration.ofDays(listing.days() == null ? 30 : listing.days()));
        UserOrder order = listing.sort() != null ? listing.sort() : listing.status() != null ? UserOrder.LAST_ACTIVE_DESC : UserOrder.NAME;
        Map<String, String> sortKey = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (OrgUser u : all) {
            Predicate<OrgUser.ProductAccess> inScope = p -> listing.product() == null
                    || listing.product().equalsIgnoreCase(p.key()) || listing.product().equals(p.resourceId());
            List<OrgUser.ProductAccess> held = u.products().stream().filter(inScope).toList();
            if (listing.product() != null && held.isEmpty()) {
                continue;
            }
            Instant latest = held.stream().map(OrgUser.ProductAccess::lastActive).filter(a -> a != null).map(Instant::parse)
                    .max(Comparator.naturalOrder()).orElse(null);
            String status = held.isEmpty() ? null : latest == null ? "never" : latest.isBefore(since) ? "inactive" : "active";
            if (listing.status() != null && !listing.status().equals(status)) {
                continue;
            }
            ids.add(u.accountId());
            sortKey.put(u.accountId(), order == UserOrder.NAME
                    ? (u.name() == null ? "" : u.name().strip().toLowerCase(Locale.ROOT)) + "#" + u.accountId()
                    : (held.isEmpty() ? "-" : latest == null ? "0" : String.format("1%013d", latest.toEpochMilli())) + "#" + u.accountId());
        }
        Comparator<String> byKey = Comparator.comparing(sortKey::get, DynamoLicenseReader::compareText);
        ids.sort(order == UserOrder.LAST_ACTIVE_DESC ? byKey.reversed() : byKey);
        return ids;
    }

    /** Where the search answers a user: phase (0 name, 1 last word of the name, 2 email) and the text matched; null: not found. */
    private static String searchKey(OrgUser u, String prefix) {
        String[] words = u.name() == null ? new String[0] : u.name().strip().toLowerCase(Locale.ROOT).split("\\s+");
        List<String> texts = java.util.Arrays.asList(u.name() == null ? null : u.name().strip().toLowerCase(Locale.ROOT),
                words.length > 1 ? words[words.length - 1] : null, u.email() == null ? null : u.email().toLowerCase(Locale.ROOT));
        for (int phase = 0; phase < texts.size(); phase++) {
            if (texts.get(phase) != null && texts.get(phase).startsWith(prefix)) {
                return phase + "|" + texts.get(phase) + "#" + u.accountId();
            }
        }
        return null;
    }
}
