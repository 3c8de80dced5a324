package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.Set;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.basic;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pages to the end with each paging dialect and checks nothing is skipped or repeated. */
class PagingTest {

    @RegisterExtension
    static final DemoSimulator sim = DemoSimulator.perClass();
    static final String KEY = bearer(ORG_API_KEY);
    static final String SITE = basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN);

    private int directoryAtlassianUsers() {
        return sim.world().read(() -> (int) sim.world().org(ORG_ID).users.values().stream()
                .filter(u -> u.directoryId != null && "atlassian".equals(u.accountType)).count());
    }

    @Test
    void v1FullUrlLinks() {
        String url = sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/users";
        Set<String> seen = new HashSet<>();
        int pages = 0;
        long total = -1;
        String prev = null;
        while (url != null) {
            JsonNode page = SimHttp.get(url, KEY).json();
            pages++;
            total = page.path("meta").path("total").asLong();
            for (JsonNode u : page.path("data")) assertTrue(seen.add(u.path("account_id").asText()), "duplicate");
            if (pages == 2) prev = page.path("links").path("prev").asText(null);
            url = page.path("links").has("next") ? page.path("links").path("next").asText() : null;
            if (url != null) assertTrue(url.startsWith(sim.baseUrl() + "/admin/v1/orgs/"), "next is a full URL: " + url);
        }
        assertEquals(total, seen.size());
        assertTrue(pages > 1, "demo has more than one page of managed accounts");
        assertTrue(prev != null && prev.startsWith("http"), "page 2 links back with a full URL");
    }

    @Test
    void v2OpaqueCursors() {
        String url = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search";
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            String body = cursor == null ? "{\"limit\":100,\"expand\":[\"productAccess\"]}" : "{\"cursor\":\"" + cursor + "\"}";
            JsonNode page = SimHttp.post(url, KEY, body).json();
            pages++;
            assertTrue(page.path("data").size() <= 100);
            for (JsonNode u : page.path("data")) {
                assertTrue(seen.add(u.path("accountId").asText()), "duplicate");
                assertTrue(u.has("productAccess"), "expand is carried by the cursor");
            }
            cursor = page.path("links").path("next").asText(null);
            if (cursor != null) assertFalse(cursor.contains("/"), "v2 cursors are opaque tokens, not URLs");
        } while (cursor != null);
        assertEquals(directoryAtlassianUsers(), seen.size());
        assertTrue(pages >= 5);

        Set<String> groups = new HashSet<>();
        String gurl = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/groups/search";
        cursor = null;
        do {
            JsonNode page = SimHttp.post(gurl, KEY, cursor == null ? "{\"limit\":7}" : "{\"cursor\":\"" + cursor + "\"}").json();
            for (JsonNode g : page.path("data")) assertTrue(groups.add(g.path("id").asText()));
            cursor = page.path("links").path("next").asText(null);
        } while (cursor != null);
        assertEquals(sim.world().groupIds(ORG_ID).size(), groups.size());
    }

    @Test
    void expiredAndForeignCursorsAreRejected() {
        String url = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search";
        String next = SimHttp.post(url, KEY, "{\"limit\":10}").json().path("links").path("next").asText();
        // A users cursor is no good for groups.
        SimHttp.Res foreign = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/groups/search", KEY, "{\"cursor\":\"" + next + "\"}");
        assertEquals(400, foreign.status());
        sim.faults().expireCursors();
        SimHttp.Res expired = SimHttp.post(url, KEY, "{\"cursor\":\"" + next + "\"}");
        assertEquals(400, expired.status());
        assertEquals("ADMIN-400-1", expired.json().path("errors").path(0).path("code").asText());
        assertEquals(200, SimHttp.post(url, KEY, "{\"limit\":10}").status(), "fresh searches still work");
        sim.faults().cursorTtl(java.time.Duration.ZERO);
        String again = SimHttp.post(url, KEY, "{\"limit\":10}").json().path("links").path("next").asText();
        assertEquals(400, SimHttp.post(url, KEY, "{\"cursor\":\"" + again + "\"}").status(), "older than its TTL");
        String v1 = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/users", KEY).json().path("links").path("next").asText();
        assertEquals("ADMIN-400-1", SimHttp.get(v1, KEY).json().path("errors").path(0).path("code").asText());
    }

    @Test
    void workspacesFullUrlLinksAndMeta() {
        String url = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/workspaces";
        JsonNode first = SimHttp.post(url, KEY, "{\"limit\":2}").json();
        assertEquals(5, first.path("meta").path("total").asInt());
        Set<String> ids = new HashSet<>();
        first.path("data").forEach(w -> ids.add(w.path("id").asText()));
        String next = first.path("links").path("next").asText(null);
        while (next != null) {
            assertTrue(next.startsWith(sim.baseUrl()));
            String cursor = java.net.URLDecoder.decode(next.substring(next.indexOf("cursor=") + 7), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode page = SimHttp.post(url, KEY, "{\"cursor\":\"" + cursor + "\"}").json();
            page.path("data").forEach(w -> ids.add(w.path("id").asText()));
            next = page.path("links").path("next").asText(null);
        }
        assertEquals(5, ids.size());
        JsonNode confluenceOnly = SimHttp.post(url, KEY, "{\"query\":{\"field\":{\"name\":\"attributes.type\",\"values\":[\"confluence\"]}}}").json();
        assertEquals(1, confluenceOnly.path("data").size());
        assertEquals(SITE_HOST, confluenceOnly.path("data").path(0).path("attributes").path("hostUrl").asText());
    }

    @Test
    void jiraStartAtAndPageBean() {
        String base = sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3";
        Set<String> users = new HashSet<>();
        for (int startAt = 0; ; startAt += 100) {
            JsonNode page = SimHttp.get(base + "/users/search?startAt=" + startAt + "&maxResults=100", SITE).json();
            assertTrue(page.isArray(), "users/search is a bare array");
            page.forEach(u -> assertTrue(users.add(u.path("accountId").asText())));
            if (page.size() < 100) break;
        }
        assertEquals(sim.world().userCount(ORG_ID), users.size(), "every account incl. app and customer accounts");

        String group = sim.world().groupId(ORG_ID, "confluence-users");
        String jiraGroup = sim.world().groupId(ORG_ID, "jira-software-users");
        Set<String> members = new HashSet<>();
        String url = base + "/group/member?groupId=" + jiraGroup + "&includeInactiveUsers=true&maxResults=500";
        while (url != null) {
            JsonNode page = SimHttp.get(url, SITE).json();
            assertEquals(50, page.path("maxResults").asInt(), "maxResults is capped at 50");
            page.path("values").forEach(u -> assertTrue(members.add(u.path("accountId").asText())));
            url = page.path("isLast").asBoolean() ? null : page.path("nextPage").asText();
        }
        assertEquals(sim.world().groupMembers(jiraGroup).size(), members.size());

        Set<String> groups = new HashSet<>();
        url = base + "/group/bulk?maxResults=3";
        while (url != null) {
            JsonNode page = SimHttp.get(url, SITE).json();
            page.path("values").forEach(g -> assertTrue(groups.add(g.path("groupId").asText())));
            url = page.path("isLast").asBoolean() ? null : page.path("nextPage").asText();
        }
        assertTrue(groups.contains(jiraGroup) && !groups.contains(group), "Jira shows the groups that grant a Jira product");
    }

    @Test
    void confluenceStartLimitAndRelativeNext() {
        String group = sim.world().groupId(ORG_ID, "confluence-users");
        String first = sim.baseUrl() + "/site/" + SITE_HOST + "/wiki/rest/api/group/" + group + "/membersByGroupId?limit=40";
        Set<String> members = new HashSet<>();
        String url = first;
        while (url != null) {
            JsonNode page = SimHttp.get(url, SITE).json();
            page.path("results").forEach(u -> assertTrue(members.add(u.path("accountId").asText())));
            JsonNode links = page.path("_links");
            url = links.has("next") ? links.path("base").asText() + links.path("next").asText() : null;
        }
        assertEquals(sim.world().groupMembers(group).size(), members.size());
        JsonNode groups = SimHttp.get(sim.baseUrl() + "/site/" + SITE_HOST + "/wiki/rest/api/group?limit=2", SITE).json();
        assertEquals(2, groups.path("size").asInt());
        assertTrue(groups.path("_links").path("next").asText().startsWith("/rest/api/group?"));
    }

    @Test
    void trelloCursorIsLastMemberId() {
        String auth = "key=" + TRELLO_API_KEY + "&token=" + TRELLO_TOKEN;
        String base = sim.baseUrl() + "/trello/1/enterprises/" + TRELLO_ENTERPRISE_ID + "/members/query?" + auth;
        Set<String> ids = new HashSet<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            JsonNode page = SimHttp.get(base + (cursor == null ? "" : "&cursor=" + cursor), null).json();
            pages++;
            page.forEach(m -> assertTrue(ids.add(m.path("member").path("id").asText())));
            if (page.size() < 100) break;
            cursor = page.get(page.size() - 1).path("member").path("id").asText();
        }
        assertTrue(pages > 1, "more than 100 enterprise members in the demo");
        JsonNode licensed = SimHttp.get(base + "&licensed=true", null).json();
        licensed.forEach(m -> assertTrue(m.path("licensed").asBoolean()));
    }

    @Test
    void bitbucketPageAndNext() {
        String auth = basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
        String url = sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/members?pagelen=25";
        Set<String> ids = new HashSet<>();
        int size = -1;
        while (url != null) {
            JsonNode page = SimHttp.get(url, auth).json();
            size = page.path("size").asInt();
            page.path("values").forEach(v -> assertTrue(ids.add(v.path("user").path("account_id").asText())));
            url = page.path("next").asText(null);
        }
        assertEquals(size, ids.size());
        assertTrue(ids.contains(SITE_ADMIN_ACCOUNT_ID));
    }
}
