package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Globex: original user management (two directories, one per site) with an unverified domain. */
class OrgVariantsTest {

    @RegisterExtension
    static final DemoSimulator sim = DemoSimulator.perClass();
    static final String KEY = bearer(ORIGINAL_UM_API_KEY);
    static String v2;

    @BeforeAll
    static void paths() {
        v2 = sim.baseUrl() + "/admin/v2/orgs/" + ORIGINAL_UM_ORG_ID;
    }

    @Test
    void originalUserManagementHasSeveralDirectories() {
        JsonNode dirs = SimHttp.get(v2 + "/directories", KEY).json().path("data");
        assertEquals(2, dirs.size());
        int total = 0;
        for (JsonNode d : dirs) {
            JsonNode users = SimHttp.post(v2 + "/directories/" + d.path("directoryId").asText() + "/users/search", KEY, "{}").json().path("data");
            assertTrue(users.size() > 0);
            total += users.size();
        }
        assertEquals(total, SimHttp.post(v2 + "/directories/-/users/search", KEY, "{}").json().path("data").size(), "'-' spans all directories");
        JsonNode acmeDirs = SimHttp.get(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories", bearer(ORG_API_KEY)).json().path("data");
        assertEquals(1, acmeDirs.size(), "centralized org: one directory");
        String someone = SimHttp.post(v2 + "/directories/-/users/search", KEY, "{\"limit\":1}").json().path("data").path(0).path("accountId").asText();
        JsonNode la = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID + "/directory/users/" + someone + "/last-active-dates", KEY).json();
        assertTrue(la.path("data").path("added_to_org").isMissingNode() || la.path("data").path("added_to_org").isNull(), "added_to_org is only reported on the centralized experience");
        JsonNode groups = SimHttp.post(v2 + "/directories/" + dirs.path(0).path("directoryId").asText() + "/groups/search", KEY, "{}").json().path("data");
        assertEquals(1, groups.size(), "groups live in one directory");
    }

    @Test
    void unverifiedDomainsLeaveAccountsUnmanaged() {
        JsonNode domains = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID + "/domains", KEY).json().path("data");
        Map<String, String> status = new HashMap<>();
        domains.forEach(d -> status.put(d.path("attributes").path("name").asText(), d.path("attributes").path("claim").path("status").asText()));
        assertEquals(Map.of("globex.com", "verified", "globex-eu.com", "unverified", "globex-old.com", "superseded"), status);
        JsonNode unmanaged = SimHttp.post(v2 + "/directories/-/users/search", KEY, "{\"claimStatus\":\"unmanaged\"}").json().path("data");
        assertEquals(3, unmanaged.size(), "globex-eu.com and partner accounts are not managed");
        unmanaged.forEach(u -> assertFalse(u.path("email").asText().endsWith("@globex.com")));
        JsonNode managed = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID + "/users", KEY).json();
        assertEquals(3, managed.path("meta").path("total").asInt(), "v1 /users lists managed accounts only");
    }

    @Test
    void sitesBelongToTheirDirectory() {
        String hank = SimHttp.basic("hank@globex.com", "ATATT3xFfGF0simGlobexSiteTokenW1e2R3t4Y5u6I7o8P9a0S1d2F3=6D6D6D6D");
        JsonNode jiraUsers = SimHttp.get(sim.baseUrl() + "/site/globex.atlassian.net/rest/api/3/users/search", hank).json();
        assertEquals(3, jiraUsers.size(), "only the globex.atlassian.net directory");
        assertEquals(404, SimHttp.get(sim.baseUrl() + "/site/globex-eu.atlassian.net/rest/api/3/users/search", hank).status(), "no Jira on the EU site");
        assertEquals(403, SimHttp.get(sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/users/search", hank).status(), "another org's site");
        assertEquals(200, SimHttp.get(sim.baseUrl() + "/site/globex.atlassian.net/rest/api/3/myself", hank).status());
    }
}
