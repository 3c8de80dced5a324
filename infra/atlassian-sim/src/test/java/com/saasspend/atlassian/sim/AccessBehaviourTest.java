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

/** Product access is derived from memberships: reclaiming a seat shows up in every API at once. */
class AccessBehaviourTest {

    @RegisterExtension
    final DemoSimulator sim = DemoSimulator.perTest();
    final String key = bearer(ORG_API_KEY);
    final String site = basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN);

    private String account(String name) {
        return sim.world().read(() -> sim.world().org(ORG_ID).users.values().stream().filter(u -> name.equals(u.name)).findFirst().orElseThrow().accountId);
    }

    private JsonNode user(String accountId) {
        JsonNode page = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search", key,
                "{\"accountIds\":[\"" + accountId + "\"],\"expand\":[\"productAccess\",\"groups\"]}").json();
        assertEquals(1, page.path("data").size());
        return page.path("data").path(0);
    }

    private Set<String> productKeys(JsonNode user) {
        Set<String> keys = new HashSet<>();
        user.path("productAccess").forEach(p -> keys.add(p.path("key").asText()));
        return keys;
    }

    private int jiraUserCount() {
        for (JsonNode role : SimHttp.get(sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/applicationrole", site).json())
            if ("jira-software".equals(role.path("key").asText())) return role.path("userCount").asInt();
        throw new AssertionError("no jira-software role");
    }

    private int workspaceUsage(String type) {
        JsonNode page = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/workspaces", key,
                "{\"query\":{\"field\":{\"name\":\"attributes.type\",\"values\":[\"" + type + "\"]}}}").json();
        return page.path("data").path(0).path("attributes").path("usage").asInt();
    }

    private int groupUsers(String groupId) {
        return SimHttp.get(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/groups/" + groupId, key)
                .json().path("data").path("counts").path("users").asInt();
    }

    private SimHttp.Res removeViaAdmin(String groupId, String accountId) {
        return SimHttp.call("DELETE", sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/groups/" + groupId
                + "/memberships/" + accountId, key, null);
    }

    @Test
    void seatStaysWhileAnotherGroupGrantsItAndGoesWithTheLast() {
        String tara = account("Tara Twogroups");
        String users = sim.world().groupId(ORG_ID, "jira-software-users");
        String platform = sim.world().groupId(ORG_ID, "jira-platform-team");
        int seats = jiraUserCount();
        int usage = workspaceUsage("jira-software");
        int members = groupUsers(users);
        assertEquals(seats, usage, "Jira userCount and workspace usage agree");
        assertTrue(productKeys(user(tara)).contains("jira-software"));

        assertEquals(204, removeViaAdmin(users, tara).status());
        assertTrue(productKeys(user(tara)).contains("jira-software"), "jira-platform-team still grants Jira");
        assertEquals(seats, jiraUserCount());
        assertEquals(members - 1, groupUsers(users));
        JsonNode groups = user(tara).path("groups");
        groups.forEach(g -> assertFalse(g.path("id").asText().endsWith(users)));

        assertEquals(204, removeViaAdmin(platform, tara).status());
        assertFalse(productKeys(user(tara)).contains("jira-software"));
        assertTrue(productKeys(user(tara)).contains("confluence"), "other products untouched");
        assertEquals(seats - 1, jiraUserCount());
        assertEquals(usage - 1, workspaceUsage("jira-software"));
        JsonNode platformMembers = SimHttp.get(sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/group/member?groupId=" + platform, site).json();
        platformMembers.path("values").forEach(u -> assertFalse(tara.equals(u.path("accountId").asText())));
    }

    @Test
    void jiraAndConfluenceRemovalsAreTheSameMembership() {
        String ivan = account("Ivan Idle");
        String confluenceUsers = sim.world().groupId(ORG_ID, "confluence-users");
        int usage = workspaceUsage("confluence");
        SimHttp.Res r = SimHttp.call("DELETE", sim.baseUrl() + "/site/" + SITE_HOST + "/wiki/rest/api/group/userByGroupId?groupId="
                + confluenceUsers + "&accountId=" + ivan, site, null);
        assertEquals(204, r.status());
        assertFalse(productKeys(user(ivan)).contains("confluence"));
        assertEquals(usage - 1, workspaceUsage("confluence"));
        assertFalse(sim.world().groupMembers(confluenceUsers).contains(ivan));
    }

    @Test
    void suspendedUsersKeepGroupsButLoseAccess() {
        String ben = account("Ben Builder");
        int bitbucketUsage = workspaceUsage("bitbucket");
        String dir = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/users/" + ben;
        assertEquals(204, SimHttp.post(dir + "/suspend", key, null).status());
        JsonNode u = user(ben);
        assertEquals("suspended", u.path("membershipStatus").asText());
        assertEquals(0, u.path("productAccess").size());
        assertTrue(u.path("groups").size() >= 2, "memberships are kept while suspended");
        assertEquals(bitbucketUsage - 1, workspaceUsage("bitbucket"));
        JsonNode linkedMembers = SimHttp.get(sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/members?pagelen=100",
                basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN)).json();
        linkedMembers.path("values").forEach(v -> assertFalse(ben.equals(v.path("user").path("account_id").asText())));
        assertEquals(204, SimHttp.post(dir + "/restore", key, null).status());
        assertTrue(productKeys(user(ben)).contains("bitbucket"));
        assertEquals(bitbucketUsage, workspaceUsage("bitbucket"));
    }

    @Test
    void idpSyncedGroupRefusesChangesEverywhere() {
        String olga = account("Olga Okta");
        String synced = sim.world().groupId(ORG_ID, "okta-engineering");
        SimHttp.Res admin = removeViaAdmin(synced, olga);
        assertEquals(403, admin.status());
        assertEquals("ADMIN-403-5", admin.json().path("errors").path(0).path("code").asText());
        SimHttp.Res jira = SimHttp.call("DELETE", sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/group/user?groupId=" + synced + "&accountId=" + olga, site, null);
        assertEquals(403, jira.status());
        assertTrue(jira.json().path("errorMessages").path(0).asText().contains("external identity provider"));
        SimHttp.Res confluence = SimHttp.call("DELETE", sim.baseUrl() + "/site/" + SITE_HOST + "/wiki/rest/api/group/userByGroupId?groupId=" + synced + "&accountId=" + olga, site, null);
        assertEquals(403, confluence.status());
        assertEquals(403, confluence.json().path("statusCode").asInt());
        assertTrue(sim.world().groupMembers(synced).contains(olga));
        JsonNode g = SimHttp.get(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/groups/" + synced, key).json().path("data");
        assertTrue(g.path("externalSynced").asBoolean());
        assertEquals("external", g.path("managedBy").asText());
    }

    @Test
    void worldMutationsFromTestsAreVisibleOverHttp() {
        String nora = account("Nora Neverused");
        String users = sim.world().groupId(ORG_ID, "jira-software-users");
        assertEquals(World.Change.DONE, sim.world().removeMembership(users, nora));
        assertFalse(productKeys(user(nora)).contains("jira-software"));
        assertTrue(sim.world().addUser(ORG_ID, "712020:11111111-2222-4333-8444-555555555555", "New Hire", "new.hire@acme.com", users));
        assertTrue(productKeys(user("712020:11111111-2222-4333-8444-555555555555")).contains("jira-software"));
        assertEquals("managed", user("712020:11111111-2222-4333-8444-555555555555").path("claimStatus").asText());
        // last-active-dates: never used -> empty product_access; added_to_org present (centralized org)
        JsonNode la = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/directory/users/" + nora + "/last-active-dates", key).json();
        assertEquals(0, la.path("data").path("product_access").size());
        assertTrue(la.path("data").has("added_to_org"));
        sim.world().recordActivity(nora, "confluence", java.time.Instant.parse("2026-11-01T10:00:00Z"));
        la = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/directory/users/" + nora + "/last-active-dates", key).json();
        assertEquals("2026-11-01", la.path("data").path("product_access").path(0).path("last_active").asText());
        assertEquals("confluence", la.path("data").path("product_access").path(0).path("key").asText());
    }

    @Test
    void bitbucketDirectWorkspaceIsNotLinkedToTheOrg() {
        String auth = basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
        JsonNode direct = SimHttp.get(sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_DIRECT_WORKSPACE + "/permissions", auth).json();
        assertEquals(4, direct.path("size").asInt());
        JsonNode owners = SimHttp.get(sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_DIRECT_WORKSPACE + "/permissions?q="
                + java.net.URLEncoder.encode("permission=\"owner\"", java.nio.charset.StandardCharsets.UTF_8), auth).json();
        assertEquals(1, owners.path("size").asInt());
        JsonNode ws = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/workspaces", key,
                "{\"query\":{\"field\":{\"name\":\"attributes.type\",\"values\":[\"bitbucket\"]}}}").json();
        assertEquals(1, ws.path("data").size(), "only the linked workspace is an org product");
        assertEquals("bitbucket.org/" + BITBUCKET_LINKED_WORKSPACE, ws.path("data").path(0).path("attributes").path("hostUrl").asText());
        SimHttp.Res missing = SimHttp.get(sim.baseUrl() + "/bitbucket/2.0/workspaces/no-such-ws/members", auth);
        assertEquals(404, missing.status());
        assertEquals("error", missing.json().path("type").asText());
    }
}
