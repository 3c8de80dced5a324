package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgUser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A listing copy and the user item hold the row as one JSON attribute, and read back as the user they hold, whatever the
 * text in it; items of the layouts before read the same.
 */
class UserItemsTest {
    private static final String TENANT = "tenant-a";

    private static OrgUser user(String name, String email, List<OrgUser.ProductAccess> products, List<OrgUser.GroupRef> groups) {
        return new OrgUser("712020:abc", name, email, "atlassian", "active", "active", "verified", true,
                "2024-01-02T03:04:05Z", products, groups);
    }

    /** What a row shows of the user: the copy carries neither claim status, admin flag nor date added. */
    private static OrgUser listed(OrgUser u) {
        return new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(), u.membershipStatus(),
                null, false, null, u.products(), u.groups());
    }

    private static final List<OrgUser> USERS = List.of(
            user("Ada Lovelace", "ada@example.com",
                    List.of(new OrgUser.ProductAccess("jira-software", "ari:cloud:jira-software::site/1", "2026-11-02T10:00:00Z"),
                            new OrgUser.ProductAccess("confluence", "ari:cloud:confluence::site/1", null)),
                    List.of(new OrgUser.GroupRef("g-1", "jira-software-users"), new OrgUser.GroupRef("g-2", null))),
            user("\"Quoted\" \\ back\\slash, [brackets] ,\n new line \u00e9\u4e2d\ud83d\ude00", "o'neil+x@example.com",
                    List.of(), List.of()),
            user(null, null, List.of(new OrgUser.ProductAccess("trello", null, null)), List.of(new OrgUser.GroupRef("g", "")))
    );

    @Test
    void everyCopyIsTheKeysTheListingKeysAndOneRowAttribute() {
        for (OrgUser u : USERS) {
            for (Map<String, AttributeValue> copy : UserItems.indexItems(TENANT, u)) {
                Set<String> allowed = Set.of(TableKeys.PK, TableKeys.SK, "accountId", UserItems.ROW, TableKeys.IX_PK,
                        TableKeys.IX_ACTIVE, TableKeys.IX_NAME, TableKeys.IX_WORD, TableKeys.IX_EMAIL);
                assertTrue(allowed.containsAll(copy.keySet()), copy.keySet().toString());
                assertTrue(copy.get(UserItems.ROW).s() != null, "the row is a string");
            }
        }
    }

    @Test
    void aCopyReadsBackAsTheRowItLists() {
        for (OrgUser u : USERS) {
            for (Map<String, AttributeValue> copy : UserItems.indexItems(TENANT, u)) {
                assertEquals(listed(u), UserItems.fromItem(copy), copy.get(TableKeys.SK).s());
            }
        }
    }

    @Test
    void aCopyOfTheSecondLayoutWithItsRowAsAttributesReadsAsTheSameRow() {
        for (OrgUser u : USERS) {
            Map<String, AttributeValue> layout2 = LegacyUserItems.row(TENANT, u, TableKeys.userIndexItem(u.accountId(), TableKeys.SCOPE_ALL));
            assertEquals(listed(u), UserItems.fromItem(layout2));
        }
    }

    @Test
    void theUserItemPacksItsRowAndKeepsTheWholeUser() {
        for (OrgUser u : USERS) {
            Map<String, AttributeValue> item = UserItems.toItem(TENANT, u, "hash", Instant.parse("2026-12-01T00:00:00Z"));
            assertEquals(UserItems.rowJson(u), item.get(UserItems.ROW).s());
            assertTrue(!item.containsKey("products") && !item.containsKey("groups") && !item.containsKey("name"), item.keySet().toString());
            assertEquals(u, UserItems.fromItem(item), "claim status, admin flag and date added beside the row");
        }
        OrgUser plain = new OrgUser("a-2", "B", "b@x", "atlassian", "active", "active", null, false, null, List.of(), List.of());
        assertEquals(plain, UserItems.fromItem(UserItems.toItem(TENANT, plain, "h", Instant.EPOCH)));
    }

    @Test
    void aUserItemOfTheSecondLayoutWithItsRowAsAttributesReadsAsTheSameUser() {
        for (OrgUser u : USERS) {
            Map<String, AttributeValue> layout2 = LegacyUserItems.unpacked(TENANT,
                    UserItems.toItem(TENANT, u, "hash", Instant.parse("2026-12-01T00:00:00Z")));
            assertTrue(!layout2.containsKey(UserItems.ROW) && layout2.containsKey("products"), layout2.keySet().toString());
            assertEquals(u, UserItems.fromItem(layout2));
        }
    }

    @Test
    void theRowIsCompactJsonInItsDocumentedOrder() {
        assertEquals("[\"Ada Lovelace\",\"ada@example.com\",\"atlassian\",\"active\",\"active\","
                        + "[[\"jira-software\",\"ari:cloud:jira-software::site/1\",\"2026-11-02T10:00:00Z\"],"
                        + "[\"confluence\",\"ari:cloud:confluence::site/1\",null]],"
                        + "[[\"g-1\",\"jira-software-users\"],[\"g-2\",null]]]",
                UserItems.rowJson(USERS.get(0)));
    }

    @Test
    void anUnreadableRowIsAnErrorNotAnEmptyRow() {
        Map<String, AttributeValue> copy = Map.of("accountId", AttributeValue.fromS("a"), UserItems.ROW, AttributeValue.fromS("[\"x\""));
        assertThrows(IllegalStateException.class, () -> UserItems.fromItem(copy));
    }
}
