package com.saasspend.integration.aws;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.wiring.Services;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A tenant synced before the License page indexes existed (user items without index attributes, no index items, page
 * digests and summary without an index version): the page says its user list is being prepared, and the next org sync
 * rewrites every user with its index items, checkpointed page by page like any sync, after which the listings are
 * exactly those a fresh sync builds and a further sync writes nothing.
 */
@ExtendWith(AwsEmulator.class)
class LicenseIndexMigrationIT {
    private static final String TENANT = "tenant-migration";
    private static final List<String> INDEX_ATTRIBUTES = List.of(TableKeys.IX_PK, TableKeys.IX_ACTIVE, TableKeys.IX_NAME,
            TableKeys.IX_WORD, TableKeys.IX_EMAIL, TableKeys.IX_ITEMS);
    private static Stack stack;

    @BeforeAll
    static void connectAndSync() {
        stack = new Stack(WorldGenerator.generate(230, 6, 11), Clock.systemUTC());
        APIGatewayV2HTTPResponse connected = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian",
                Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, connected.getStatusCode(), connected.getBody());
        assertEquals(SyncOutcome.COMPLETED, sync().run(TENANT, Budget.unlimited()).outcome());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theNextSyncIndexesAnOldTenantPageByPageAndThePageWaitsForIt() {
        Map<String, Map<String, String>> indexedByFreshSync = indexState();
        Map<String, List<String>> listedByFreshSync = listings();
        assertTrue(indexedByFreshSync.keySet().stream().anyMatch(sk -> sk.startsWith(TableKeys.USER_INDEX_PREFIX)));

        int users = downgradeToBeforeTheIndexes();
        assertTrue(users > 200, "users stored: " + users);
        assertPreparing();
        assertEquals(200, get("/licenses", "GET /licenses", Map.of()).getStatusCode(), "seat counts stay available");

        // One invocation that runs out of time once the first page of users is checkpointed.
        SyncResult paused = sync().run(TENANT, () -> digestIndexed(0));
        assertEquals(SyncOutcome.CONTINUE, paused.outcome());
        long indexedAfterOnePage = storedUsers().stream().filter(u -> u.containsKey(UserItems.INDEX_VERSION_ATTRIBUTE)).count();
        assertTrue(indexedAfterOnePage > 0 && indexedAfterOnePage < users, "part of the users rewritten: " + indexedAfterOnePage);
        assertPreparing();

        SyncResult finished = sync().run(TENANT, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, finished.outcome());
        SyncRunRecord run = finished.run();
        assertEquals(run.users(), run.usersWritten(), "the run rewrote every user once, across its two invocations");
        assertEquals(indexedByFreshSync, indexState(), "the same index attributes and index items as a fresh sync");
        assertEquals(listedByFreshSync, listings(), "the same listings as after a fresh sync");

        SyncRunRecord again = sync().run(TENANT, Budget.unlimited()).run();
        assertEquals(0, again.usersWritten(), "an unchanged resync after the migration writes no user");
        assertEquals(indexedByFreshSync, indexState());
    }

    /**
     * Layout 1 (before the listing of every user had copies of its own): the user item itself carried the listing and
     * search keys and every page read it whole. The next sync rewrites every user into layout 2 (the user items leave
     * the listings, a copy carrying only the row takes their place), each user's items in one transaction: the pages
     * keep answering, before, halfway and after, each user listed once.
     */
    @Test
    void aTenantOfTheFirstIndexLayoutIsListedWhileTheNextSyncRewritesItIntoRowCopies() {
        Map<String, Map<String, String>> indexedByFreshSync = indexState();
        Map<String, List<String>> listedByFreshSync = listings();

        int users = downgradeToTheFirstIndexLayout();
        assertTrue(users > 200, "users stored: " + users);
        assertTrue(indexState().keySet().stream().noneMatch(sk -> sk.endsWith("#" + TableKeys.SCOPE_ALL)), "no copies in ALL");
        assertEquals(listedByFreshSync, listings(), "layout 1 lists what layout 2 does");

        // One invocation that runs out of time once the first page of users is checkpointed.
        SyncResult paused = sync().run(TENANT, () -> digestIndexed(0));
        assertEquals(SyncOutcome.CONTINUE, paused.outcome());
        assertTrue(indexState().keySet().stream().anyMatch(sk -> sk.endsWith("#" + TableKeys.SCOPE_ALL)), "some users rewritten");
        assertTrue(storedUsers().stream().anyMatch(u -> Items.num(u, UserItems.INDEX_VERSION_ATTRIBUTE, 0) == 1), "some not yet");
        assertEquals(listedByFreshSync, listings(), "halfway, each user listed once");

        SyncResult finished = sync().run(TENANT, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, finished.outcome());
        assertEquals(finished.run().users(), finished.run().usersWritten(), "the run rewrote every user once");
        assertEquals(indexedByFreshSync, indexState(), "the same index attributes and index items as a fresh sync");
        assertEquals(listedByFreshSync, listings(), "the same listings as after a fresh sync");
        assertEquals(0, sync().run(TENANT, Budget.unlimited()).run().usersWritten(), "then an unchanged resync writes no user");
    }

    /**
     * Layout 2 (before the items carried their row as one JSON attribute): each copy and user item had the row as
     * attribute values.
     * The next sync rewrites every user into layout 3; the pages keep answering the same rows before, halfway and after.
     */
    @Test
    void aTenantOfTheSecondIndexLayoutIsListedWhileTheNextSyncPacksItsRows() {
        Map<String, Map<String, AttributeValue>> copiesByFreshSync = copies();
        Map<String, List<String>> rowsByFreshSync = listings(JsonNode::toString);

        int users = downgradeToTheSecondIndexLayout();
        assertTrue(users > 200, "users stored: " + users);
        assertTrue(copies().values().stream().noneMatch(c -> c.containsKey(UserItems.ROW)), "no copy carries a packed row");
        assertTrue(userItems().values().stream().noneMatch(c -> c.containsKey(UserItems.ROW)), "nor any user item");
        assertEquals(rowsByFreshSync, listings(JsonNode::toString), "layout 2 lists the rows layout 3 does");

        SyncResult paused = sync().run(TENANT, () -> digestIndexed(0));
        assertEquals(SyncOutcome.CONTINUE, paused.outcome());
        long packed = copies().values().stream().filter(c -> c.containsKey(UserItems.ROW)).count();
        assertTrue(packed > 0 && packed < copiesByFreshSync.size(), "part of the copies rewritten: " + packed);
        assertEquals(rowsByFreshSync, listings(JsonNode::toString), "halfway, the same rows");

        SyncResult finished = sync().run(TENANT, Budget.unlimited());
        assertEquals(SyncOutcome.COMPLETED, finished.outcome());
        assertEquals(finished.run().users(), finished.run().usersWritten(), "the run rewrote every user once");
        assertEquals(copiesByFreshSync, copies(), "the copies a fresh sync writes");
        assertTrue(userItems().values().stream().allMatch(u -> u.containsKey(UserItems.ROW)), "every user item packed");
        assertEquals(rowsByFreshSync, listings(JsonNode::toString));
        assertEquals(0, sync().run(TENANT, Budget.unlimited()).run().usersWritten(), "then an unchanged resync writes no user");
    }

    /**
     * What layout 2 stored: each copy and user item with its row as attribute values and index version 2 on
     * the user items, the user page digests and the summary. Answers how many users are stored.
     */
    private static int downgradeToTheSecondIndexLayout() {
        int users = 0;
        for (Map<String, AttributeValue> item : partition()) {
            String sk = item.get(TableKeys.SK).s();
            Map<String, AttributeValue> key = Map.of(TableKeys.PK, item.get(TableKeys.PK), TableKeys.SK, item.get(TableKeys.SK));
            if (sk.startsWith(TableKeys.USER_INDEX_PREFIX)) {
                Map<String, AttributeValue> v2 = LegacyUserItems.unpacked(TENANT, item);
                stack.aws.dynamo.putItem(r -> r.tableName(stack.aws.table).item(v2));
            } else if (sk.startsWith(TableKeys.USER_PREFIX) && !item.containsKey("removed")) {
                Map<String, AttributeValue> v2 = LegacyUserItems.unpacked(TENANT, item);
                v2.put(UserItems.INDEX_VERSION_ATTRIBUTE, AttributeValue.fromN("2"));
                stack.aws.dynamo.putItem(r -> r.tableName(stack.aws.table).item(v2));
                users++;
            } else if (sk.startsWith("DIGEST#USERS#") || sk.equals(TableKeys.SUMMARY)) {
                stack.aws.dynamo.updateItem(r -> r.tableName(stack.aws.table).key(key)
                        .updateExpression("SET " + UserItems.INDEX_VERSION_ATTRIBUTE + " = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2"))));
            }
        }
        return users;
    }

    /** Every stored user item, whole, by sort key. */
    private static Map<String, Map<String, AttributeValue>> userItems() {
        Map<String, Map<String, AttributeValue>> users = new TreeMap<>();
        partition().stream().filter(i -> i.get(TableKeys.SK).s().startsWith(TableKeys.USER_PREFIX) && !i.containsKey("removed"))
                .forEach(i -> users.put(i.get(TableKeys.SK).s(), i));
        return users;
    }

    /** Every listing copy, whole, by sort key. */
    private static Map<String, Map<String, AttributeValue>> copies() {
        Map<String, Map<String, AttributeValue>> copies = new TreeMap<>();
        partition().stream().filter(i -> i.get(TableKeys.SK).s().startsWith(TableKeys.USER_INDEX_PREFIX))
                .forEach(i -> copies.put(i.get(TableKeys.SK).s(), i));
        return copies;
    }

    /**
     * What layout 1 stored: each user item with the index attributes of its copy in ALL (which did not exist) and
     * index version 1, as were the user page digests and the summary. Answers how many users are stored.
     */
    private static int downgradeToTheFirstIndexLayout() {
        int users = 0;
        List<String> listingAttributes = INDEX_ATTRIBUTES.subList(0, INDEX_ATTRIBUTES.size() - 1);
        for (Map<String, AttributeValue> item : partition()) {
            String sk = item.get(TableKeys.SK).s();
            Map<String, AttributeValue> key = Map.of(TableKeys.PK, item.get(TableKeys.PK), TableKeys.SK, item.get(TableKeys.SK));
            if (sk.startsWith(TableKeys.USER_INDEX_PREFIX) && sk.endsWith("#" + TableKeys.SCOPE_ALL)) {
                String userSk = TableKeys.user(item.get("accountId").s());
                Map<String, AttributeValue> user = stack.aws.dynamo.getItem(r -> r.tableName(stack.aws.table).consistentRead(true)
                        .key(Map.of(TableKeys.PK, item.get(TableKeys.PK), TableKeys.SK, AttributeValue.fromS(userSk)))).item();
                Map<String, AttributeValue> v1 = LegacyUserItems.unpacked(TENANT, user);
                listingAttributes.stream().filter(item::containsKey).forEach(a -> v1.put(a, item.get(a)));
                v1.put(TableKeys.IX_ITEMS, AttributeValue.fromL(user.get(TableKeys.IX_ITEMS).l().stream()
                        .filter(k -> !k.s().equals(sk)).toList()));
                v1.put(UserItems.INDEX_VERSION_ATTRIBUTE, AttributeValue.fromN("1"));
                stack.aws.dynamo.putItem(r -> r.tableName(stack.aws.table).item(v1));
                stack.aws.dynamo.deleteItem(r -> r.tableName(stack.aws.table).key(key));
                users++;
            } else if (sk.startsWith("DIGEST#USERS#") || sk.equals(TableKeys.SUMMARY)) {
                stack.aws.dynamo.updateItem(r -> r.tableName(stack.aws.table).key(key)
                        .updateExpression("SET " + UserItems.INDEX_VERSION_ATTRIBUTE + " = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
            }
        }
        return users;
    }

    private static AtlassianOrgSync sync() {
        return Services.of(stack.env, Clock.systemUTC()).orgSync();
    }

    private static void assertPreparing() {
        APIGatewayV2HTTPResponse response = get("/users", "GET /users", Map.of("status", "inactive"));
        assertEquals(503, response.getStatusCode(), response.getBody());
        assertEquals("listing_being_prepared", ApiEvents.json(response).get("code").asText());
        assertEquals("900", response.getHeaders().get("Retry-After"));
        assertEquals(503, get("/users", "GET /users", Map.of("q", "a")).getStatusCode(), "search waits too");
    }

    private static APIGatewayV2HTTPResponse get(String path, String route, Map<String, String> query) {
        return stack.licenses(TENANT, route, path, Map.of(), query, null);
    }

    /** Every page of a few listings and a search, through the API: the users' ids. */
    private static Map<String, List<String>> listings() {
        return listings(u -> u.get("accountId").asText());
    }

    /** Every page of a few listings and a search, through the API: each row as {@code shown}. */
    private static Map<String, List<String>> listings(Function<JsonNode, String> shown) {
        Map<String, List<String>> listed = new LinkedHashMap<>();
        for (Map<String, String> query : List.of(Map.<String, String>of(), Map.of("sort", "-lastActive"),
                Map.of("product", "confluence", "status", "inactive"), Map.of("product", "jira-software", "status", "never"),
                Map.of("q", "a"))) {
            List<String> ids = new ArrayList<>();
            String cursor = null;
            for (int pages = 0; pages < 50; pages++) {
                Map<String, String> withCursor = new HashMap<>(query);
                withCursor.put("limit", "90");
                if (cursor != null) {
                    withCursor.put("cursor", cursor);
                }
                APIGatewayV2HTTPResponse response = get("/users", "GET /users", withCursor);
                assertEquals(200, response.getStatusCode(), response.getBody());
                JsonNode body = ApiEvents.json(response);
                body.get("users").forEach(u -> ids.add(shown.apply(u)));
                cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
                if (cursor == null) {
                    break;
                }
            }
            assertTrue(!ids.isEmpty(), query + " lists someone");
            listed.put(query.toString(), ids);
        }
        return listed;
    }

    /** Per user item and index item: its index attributes (what the listings read). */
    private static Map<String, Map<String, String>> indexState() {
        Map<String, Map<String, String>> state = new TreeMap<>();
        for (Map<String, AttributeValue> item : partition()) {
            String sk = item.get(TableKeys.SK).s();
            if (sk.startsWith(TableKeys.USER_PREFIX) || sk.startsWith(TableKeys.USER_INDEX_PREFIX)) {
                Map<String, String> index = new TreeMap<>();
                INDEX_ATTRIBUTES.forEach(a -> {
                    if (item.containsKey(a)) {
                        index.put(a, item.get(a).toString());
                    }
                });
                state.put(sk, index);
            }
        }
        return state;
    }

    /**
     * What the release before the indexes left: user items without index attributes or index version, no index items,
     * user page digests and the summary without index version. Answers how many users are stored.
     */
    private static int downgradeToBeforeTheIndexes() {
        int users = 0;
        for (Map<String, AttributeValue> item : partition()) {
            String sk = item.get(TableKeys.SK).s();
            Map<String, AttributeValue> key = Map.of(TableKeys.PK, item.get(TableKeys.PK), TableKeys.SK, item.get(TableKeys.SK));
            if (sk.startsWith(TableKeys.USER_INDEX_PREFIX)) {
                stack.aws.dynamo.deleteItem(r -> r.tableName(stack.aws.table).key(key));
            } else if (sk.startsWith(TableKeys.USER_PREFIX)) {
                users++;
                stack.aws.dynamo.updateItem(r -> r.tableName(stack.aws.table).key(key).updateExpression(
                        "REMOVE " + String.join(", ", INDEX_ATTRIBUTES) + ", " + UserItems.INDEX_VERSION_ATTRIBUTE));
            } else if (sk.startsWith("DIGEST#USERS#") || sk.equals(TableKeys.SUMMARY)) {
                stack.aws.dynamo.updateItem(r -> r.tableName(stack.aws.table).key(key)
                        .updateExpression("REMOVE " + UserItems.INDEX_VERSION_ATTRIBUTE));
            }
        }
        return users;
    }

    /** Whether the users page's digest was written under the current index layout. */
    private static boolean digestIndexed(int page) {
        Map<String, AttributeValue> digest = stack.aws.dynamo.getItem(r -> r.tableName(stack.aws.table).consistentRead(true)
                .key(Map.of(TableKeys.PK, AttributeValue.fromS(TableKeys.licenses(TENANT)),
                        TableKeys.SK, AttributeValue.fromS(String.format("DIGEST#USERS#%06d", page))))).item();
        return digest != null && Items.num(digest, UserItems.INDEX_VERSION_ATTRIBUTE, 0) == UserItems.INDEX_VERSION;
    }

    private static List<Map<String, AttributeValue>> storedUsers() {
        return partition().stream().filter(i -> i.get(TableKeys.SK).s().startsWith(TableKeys.USER_PREFIX)).toList();
    }

    private static List<Map<String, AttributeValue>> partition() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        stack.aws.dynamo.queryPaginator(r -> r.tableName(stack.aws.table).consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableKeys.licenses(TENANT)))))
                .items().forEach(items::add);
        return items;
    }
}
