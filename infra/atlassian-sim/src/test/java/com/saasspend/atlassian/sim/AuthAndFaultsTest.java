package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.basic;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credentials like Atlassian's, and the faults tests can inject. */
class AuthAndFaultsTest {

    @RegisterExtension
    final DemoSimulator sim = DemoSimulator.perTest();
    String orgs;

    @BeforeEach
    void paths() {
        orgs = sim.baseUrl() + "/admin/v1/orgs";
    }

    @Test
    void adminKeysBadExpiredRevokedForeignScoped() {
        assertEquals(200, SimHttp.get(orgs, bearer(ORG_API_KEY)).status());
        for (String bad : List.of("nope", "ATCTT3xFfGN0simAcmeExpiredKeyZ9x8C7v6B5n4M3a2S1d0F9g8H7j=0A0A0A0A",
                "ATCTT3xFfGN0simAcmeRevokedKeyQ1w2E3r4T5y6U7i8O9p0A1s2D3f=0B0B0B0B")) {
            SimHttp.Res r = SimHttp.get(orgs, bearer(bad));
            assertEquals(401, r.status(), bad);
            assertEquals(401, r.json().path("code").asInt(), "ProxyError body");
        }
        assertEquals(401, SimHttp.get(orgs, null).status());
        assertEquals(401, SimHttp.get(orgs, basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN)).status(), "a site API token is not an org key");
        SimHttp.Res foreign = SimHttp.get(orgs + "/" + ORIGINAL_UM_ORG_ID + "/users", bearer(ORG_API_KEY));
        assertEquals(404, foreign.status());
        assertEquals("ADMIN-404-2", foreign.json().path("errors").path(0).path("code").asText());
        SimHttp.Res scoped = SimHttp.call("DELETE", sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + DIRECTORY_ID + "/groups/"
                + sim.world().groupId(ORG_ID, "jira-software-users") + "/memberships/" + SITE_ADMIN_ACCOUNT_ID, bearer(ORG_READ_ONLY_API_KEY), null);
        assertEquals(403, scoped.status());
        assertEquals(200, SimHttp.get(orgs + "/" + ORG_ID + "/users", bearer(ORG_READ_ONLY_API_KEY)).status());
    }

    @Test
    void revokeAndExpireAtRuntime() {
        assertEquals(200, SimHttp.get(orgs, bearer(ORG_API_KEY)).status());
        assertTrue(sim.world().expireKey(ORG_API_KEY));
        assertEquals(401, SimHttp.get(orgs, bearer(ORG_API_KEY)).status());
        sim.world().setKeyExpiry(ORG_API_KEY, Instant.parse(ORG_API_KEY_EXPIRES_AT));
        assertEquals(200, SimHttp.get(orgs, bearer(ORG_API_KEY)).status());
        SimHttp.Res viaControl = SimHttp.post(sim.baseUrl() + "/_sim/world/keys/revoke", null, "{\"key\":\"" + ORG_API_KEY + "\"}");
        assertEquals(204, viaControl.status());
        assertEquals(401, SimHttp.get(orgs, bearer(ORG_API_KEY)).status());

        String myself = sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/myself";
        assertEquals(200, SimHttp.get(myself, basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN)).status());
        assertEquals(401, SimHttp.get(myself, basic(SITE_ADMIN_EMAIL, "ATATT3xFfGF0simAcmeExpiredTokenK1l2M3n4O5p6Q7r8S9t0U1v2=7E7E7E7E")).status());
        sim.world().revokeKey(SITE_API_TOKEN);
        SimHttp.Res jira = SimHttp.get(myself, basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN));
        assertEquals(401, jira.status());
        assertTrue(jira.json().has("errorMessages"));
        String trello = sim.baseUrl() + "/trello/1/members/me?key=" + TRELLO_API_KEY + "&token=";
        assertEquals(200, SimHttp.get(trello + TRELLO_TOKEN, null).status());
        assertEquals("invalid token", SimHttp.get(trello + "nope", null).json().path("message").asText());
        assertEquals(401, SimHttp.get(sim.baseUrl() + "/trello/1/members/me?key=badkey&token=" + TRELLO_TOKEN, null).status());
    }

    @Test
    void rateLimitWithHeaders() {
        sim.faults().rateLimit(ORG_API_KEY, 3, 60);
        for (int i = 0; i < 3; i++) {
            SimHttp.Res ok = SimHttp.get(orgs, bearer(ORG_API_KEY));
            assertEquals(200, ok.status());
            assertEquals(Integer.toString(2 - i), ok.header("X-RateLimit-Remaining"));
        }
        SimHttp.Res limited = SimHttp.get(orgs, bearer(ORG_API_KEY));
        assertEquals(429, limited.status());
        assertEquals("3", limited.header("X-RateLimit-Limit"));
        assertEquals("0", limited.header("X-RateLimit-Remaining"));
        assertTrue(Instant.parse(limited.header("X-RateLimit-Reset")).isAfter(Instant.now()));
        assertNull(limited.header("Retry-After"), "admin 429 carries no Retry-After unless configured");
        assertEquals(429, limited.json().path("code").asInt());
        sim.faults().adminRetryAfter(true);
        assertNotNull(SimHttp.get(orgs, bearer(ORG_API_KEY)).header("Retry-After"));
        assertEquals(200, SimHttp.get(orgs, bearer(ORIGINAL_UM_API_KEY)).status(), "limits are per key");

        sim.faults().clear().rateLimit(Faults.ANY_KEY, 1, 60);
        String jira = sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/myself";
        assertEquals(200, SimHttp.get(jira, basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN)).status());
        SimHttp.Res jiraLimited = SimHttp.get(jira, basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN));
        assertEquals(429, jiraLimited.status());
        assertNotNull(jiraLimited.header("Retry-After"));
        assertTrue(jiraLimited.header("X-RateLimit-Reset").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ"));
    }

    @Test
    void failNextLatencyAndRequestLog() {
        String search = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search";
        SimHttp.Res configured = SimHttp.post(sim.baseUrl() + "/_sim/faults", null,
                "{\"failNext\":{\"count\":3,\"status\":503,\"pathRegex\":\"/users/search$\"},\"latencyMillis\":30}");
        assertEquals(200, configured.status());
        for (int i = 0; i < 3; i++) assertEquals(503, SimHttp.post(search, bearer(ORG_API_KEY), "{}").status());
        long t0 = System.nanoTime();
        assertEquals(200, SimHttp.post(search, bearer(ORG_API_KEY), "{}").status());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 30, "latency added");
        JsonNode log = SimHttp.get(sim.baseUrl() + "/_sim/requests", null).json();
        assertEquals(4, log.path("counters").path("total").asInt());
        assertEquals(3, log.path("counters").path("byStatus").path("503").asInt());
        assertEquals(4, sim.requests().size());
        assertEquals("POST", sim.requests().get(0).method());
        assertEquals(204, SimHttp.call("DELETE", sim.baseUrl() + "/_sim/requests", null, null).status());
        assertEquals(0, sim.requests().size());
    }

    @Test
    void concurrentCallsAreSafe() throws Exception {
        String search = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search";
        String users = sim.world().groupId(ORG_ID, "jira-software-users");
        List<String> members = List.copyOf(sim.world().groupMembers(users));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String member = members.get(i);
                calls.add(pool.submit(() -> SimHttp.post(search, bearer(ORG_API_KEY), "{\"limit\":100,\"expand\":[\"productAccess\"]}").status()));
                calls.add(pool.submit(() -> SimHttp.call("DELETE", sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/groups/" + users
                        + "/memberships/" + member, bearer(ORG_API_KEY), null).status()));
            }
            for (Future<Integer> f : calls) assertTrue(f.get() == 200 || f.get() == 204, "status " + f.get());
        } finally {
            pool.shutdown();
        }
        assertEquals(members.size() - 40, sim.world().groupMembers(users).size());
    }
}
