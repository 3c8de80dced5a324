package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.products.BitbucketMember;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.products.JiraRole;
import com.saasspend.integration.domain.products.ProductGroup;
import com.saasspend.integration.domain.products.TrelloMember;
import com.saasspend.integration.domain.sync.ContentHash;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    /** Control characters, quotes, backslashes, non-ASCII and astral characters, as names and emails can hold them. */
    private static final String AWKWARD = "Zoë \"Z\" O'Brien\\\t\n\r\b\f\u0001\u001f/<>&\u2028 😀 日本";

    private static final OrgUser USER = new OrgUser("712020:abc", AWKWARD, "zoe@example.com", "atlassian", "active",
            "active", "managed", true, "2024-02-01T10:00:00Z",
            List.of(new OrgUser.ProductAccess("jira-software", "ari:cloud:jira::site/1", "2026-11-01T08:00:00.123Z"),
                    new OrgUser.ProductAccess("confluence", "ari:cloud:confluence::site/1", null)),
            List.of(new OrgUser.GroupRef("g-1", "jira-users"), new OrgUser.GroupRef("g-2", null)));
    private static final OrgGroup GROUP = new OrgGroup("g-1", "jira-users", null, "org-admins", false, null,
            List.of(new OrgGroup.Grant("ari:cloud:jira::site/1", "jira-software", List.of("atlassian/user"), true)),
            "d0c0ffee-1234-1234-1234-123456789012");
    private static final JiraRole ROLE = new JiraRole("jira-software", "Jira", 100, null, 42, false,
            List.of(new GroupRef("b", "B"), new GroupRef("a", null)), List.of());
    private static final ProductGroup PRODUCT_GROUP = new ProductGroup("g", "confluence-users", List.of("u2", "u1", "u1"), List.of());
    private static final TrelloMember TRELLO = new TrelloMember("5f", "Ann", "ann", null, true, false, false, true, false,
            Instant.parse("2026-10-01T12:30:00.120Z"));
    private static final BitbucketMember BITBUCKET = new BitbucketMember("{u-1}", "712020:x", "Bob", "bob", "member");

    @Test
    void writesWhatTheJacksonBasedHashingWroteForEveryHashedType() throws Exception {
        // Stored hashes were computed from Json.MAPPER's output: equal text means no rewrite storm after this change.
        for (Object value : List.of(USER, GROUP, ROLE, PRODUCT_GROUP, TRELLO, BITBUCKET,
                new TrelloMember("5f", null, null, null, false, true, true, false, true, null))) {
            assertEquals(Json.MAPPER.writeValueAsString(value), CanonicalJson.of(value), value.getClass().getSimpleName());
        }
    }

    @Test
    void hashesArePinned() {
        // If one of these moves, every stored item is rewritten by the next sync: change them only on purpose
        // (the group hash moved once, on purpose, when groups gained their directoryId).
        assertEquals("HT5Wp09DB-s", ContentHash.of(CanonicalJson.of(USER)));
        assertEquals("0AWmaGO9rQU", ContentHash.of(CanonicalJson.of(GROUP)));
        assertEquals("0ALEUA6pHVs", ContentHash.of(CanonicalJson.of(TRELLO)));
    }

    @Test
    void scalarsMapsAndRefusals() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 2L);
        map.put("a", List.of(true, new BigDecimal("1.50"), Thread.State.NEW));
        map.put("c", null);
        assertEquals("{\"a\":[true,1.50,\"NEW\"],\"b\":2,\"c\":null}", CanonicalJson.of(map));
        assertEquals("\"\\u0000\\u001F\"", CanonicalJson.of("\u0000\u001f"));
        assertEquals("null", CanonicalJson.of(null));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.of(1.5d));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.of(new Object()));
    }
}
