package com.saasspend.atlassian.sim;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.basic;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every operation the simulator serves, with realistic inputs and the error cases (401, 403,
 * 404, 400 bad cursor, 409, 429), and validates each request and response against the official
 * OpenAPI document of its API with swagger-request-validator. Relaxations are narrow named
 * whitelist rules ({@link SpecDocuments#whitelist()}), each explaining the spec defect it works around.
 */
class SpecConformanceTest {

    /** One API family: its official document and the local prefix our URL layout adds to the document's paths. */
    enum Api {
        ADMIN(SpecDocuments.ADMIN, ""),
        JIRA(SpecDocuments.JIRA, "/site/" + SITE_HOST),
        CONFLUENCE(SpecDocuments.CONFLUENCE, "/site/" + SITE_HOST),
        TRELLO(SpecDocuments.TRELLO, "/trello"),
        BITBUCKET(SpecDocuments.BITBUCKET, "/bitbucket");

        final SpecDocuments document;
        final String localPrefix;

        Api(SpecDocuments document, String localPrefix) {
            this.document = document;
            this.localPrefix = localPrefix;
        }
    }

    private static AtlassianSimulator sim;
    private final List<String> failures = new ArrayList<>();
    private final Set<String> covered = new LinkedHashSet<>();

    /** The simulator's own validator of this document (one per JVM), whitelist in {@link SpecDocuments#whitelist()}. */
    static OpenApiInteractionValidator validator(Api api) {
        return api.document.validator();
    }

    @BeforeAll
    static void start() {
        sim = AtlassianSimulator.start(0, WorldSeed.demo());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void clean() {
        sim.faults().clear();
    }

    @AfterEach
    void report() {
        assertTrue(failures.isEmpty(), "Spec violations:\n" + String.join("\n", failures));
    }

    // ------------------------------------------------------------------ the exchange

    private SimHttp.Res exchange(Api api, String op, String method, String localPathAndQuery, String auth, String body) {
        SimHttp.Res res = SimHttp.call(method, sim.baseUrl() + localPathAndQuery, auth, body);
        URI uri = URI.create(localPathAndQuery);
        String specPath = uri.getRawPath().substring(api.localPrefix.length());
        SimpleRequest.Builder rb = new SimpleRequest.Builder(Request.Method.valueOf(method), decode(specPath));
        if (auth != null) rb.withHeader("Authorization", auth);
        rb.withHeader("Accept", "application/json");
        if (body != null) rb.withContentType("application/json").withBody(body);
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null)
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.computeIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), k -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        query.forEach(rb::withQueryParam);
        SimpleResponse.Builder sb = SimpleResponse.Builder.status(res.status());
        if (res.header("content-type") != null) sb.withContentType(res.header("content-type"));
        if (!res.body().isEmpty()) sb.withBody(res.body());
        ValidationReport report = validator(api).validate(rb.build(), sb.build());
        for (ValidationReport.Message m : report.getMessages())
            if (m.getLevel() == ValidationReport.Level.ERROR)
                failures.add(op + " [" + res.status() + "] " + m.getKey() + ": " + m.getMessage() + " " + m.getNestedMessages()
                        + "\n    body: " + abbreviate(res.body()));
        covered.add(op + " " + res.status());
        return res;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private void expectStatus(SimHttp.Res res, int status, String what) {
        if (res.status() != status) failures.add(what + ": expected " + status + " but got " + res.status() + " " + abbreviate(res.body()));
    }

    private void assertCovered(String... opsWithStatus) {
        for (String s : opsWithStatus) if (!covered.contains(s)) failures.add("not exercised: " + s + " (covered: " + covered + ")");
    }

    // ------------------------------------------------------------------ admin

    @Test
    void auditEventsApi() {
        String key = bearer(ORG_API_KEY);
        String org = "/admin/v1/orgs/" + ORG_ID;
        String jiraUsers = sim.world().groupId(ORG_ID, "jira-software-users");
        String trixie = accountByName("Trixie Trello");
        sim.world().addMembership(jiraUsers, trixie);
        sim.world().removeMembership(jiraUsers, trixie);
        sim.world().suspendUser(trixie);
        sim.world().restoreUser(trixie);
        JsonNode first = exchange(Api.ADMIN, "GET events-stream", "GET", org + "/events-stream?limit=2&from=0", key, null).json();
        String next = first.path("links").path("next").asText();
        exchange(Api.ADMIN, "GET events-stream", "GET", next.substring(sim.baseUrl().length()), key, null);
        exchange(Api.ADMIN, "GET events-stream", "GET", org + "/events-stream?cursor=" + first.path("meta").path("next").asText() + "&limit=500", key, null);
        exchange(Api.ADMIN, "GET events-stream", "GET", org + "/events-stream?sortOrder=desc", key, null);
        expectStatus(exchange(Api.ADMIN, "GET events-stream", "GET", org + "/events-stream?cursor=expired", key, null), 400, "events bad cursor");
        expectStatus(exchange(Api.ADMIN, "GET events-stream", "GET", org + "/events-stream", bearer("nope"), null), 401, "events 401");
        exchange(Api.ADMIN, "GET event-actions", "GET", org + "/event-actions", key, null);
        expectStatus(exchange(Api.ADMIN, "GET event-actions", "GET", "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID + "/event-actions", key, null), 404, "foreign org actions");
        expectStatus(exchange(Api.ADMIN, "GET event-actions", "GET", org + "/event-actions", bearer("nope"), null), 401, "actions 401");
        assertCovered("GET events-stream 200", "GET events-stream 400", "GET events-stream 401", "GET event-actions 200",
                "GET event-actions 404", "GET event-actions 401");
    }

    @Test
    void organizationsApi() {
        String key = bearer(ORG_API_KEY);
        String org = "/admin/v1/orgs/" + ORG_ID;
        String v2 = "/admin/v2/orgs/" + ORG_ID;
        String dir = v2 + "/directories/" + DIRECTORY_ID;
        String jiraUsers = sim.world().groupId(ORG_ID, "jira-software-users");
        String synced = sim.world().groupId(ORG_ID, "okta-engineering");
        String nora = sim.world().accountIds(ORG_ID).stream().filter(id -> sim.world().groupsOf(id).contains(jiraUsers)).findFirst().orElseThrow();
        String trixie = accountByName("Trixie Trello");

        exchange(Api.ADMIN, "GET /v1/orgs", "GET", "/admin/v1/orgs", key, null);
        expectStatus(exchange(Api.ADMIN, "GET /v1/orgs", "GET", "/admin/v1/orgs", bearer("not-a-key"), null), 401, "bad key");
        expectStatus(exchange(Api.ADMIN, "GET /v1/orgs", "GET", "/admin/v1/orgs?cursor=bogus", key, null), 400, "bad cursor");
        exchange(Api.ADMIN, "GET /v1/orgs/{orgId}", "GET", org, key, null);
        expectStatus(exchange(Api.ADMIN, "GET /v1/orgs/{orgId}", "GET", "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID, key, null), 404, "foreign org");
        exchange(Api.ADMIN, "GET /v1/orgs/{orgId}/domains", "GET", org + "/domains", key, null);
        expectStatus(exchange(Api.ADMIN, "GET /v1/orgs/{orgId}/domains", "GET", "/admin/v1/orgs/" + ORIGINAL_UM_ORG_ID + "/domains", key, null), 403, "foreign org domains");
        JsonNode users = exchange(Api.ADMIN, "GET /v1/orgs/{orgId}/users", "GET", org + "/users", key, null).json();
        String next = users.path("links").path("next").asText();
        exchange(Api.ADMIN, "GET /v1/orgs/{orgId}/users", "GET", next.substring(sim.baseUrl().length()), key, null);
        expectStatus(exchange(Api.ADMIN, "GET /v1/orgs/{orgId}/users", "GET", org + "/users?cursor=expired", key, null), 400, "v1 bad cursor");
        exchange(Api.ADMIN, "GET last-active-dates", "GET", org + "/directory/users/" + enc(ADMIN_ID()) + "/last-active-dates", key, null);
        expectStatus(exchange(Api.ADMIN, "GET last-active-dates", "GET", org + "/directory/users/unknown-user/last-active-dates", key, null), 404, "unknown user");

        exchange(Api.ADMIN, "GET /v2/directories", "GET", v2 + "/directories?limit=10", key, null);
        expectStatus(exchange(Api.ADMIN, "GET /v2/directories", "GET", v2 + "/directories?cursor=nope", key, null), 400, "directories bad cursor");
        JsonNode ws = exchange(Api.ADMIN, "POST /v2/workspaces", "POST", v2 + "/workspaces", key,
                "{\"limit\":2,\"query\":{\"nor\":[{\"field\":{\"name\":\"attributes.type\",\"values\":[\"trello\"]}}]},\"sort\":[{\"field\":\"attributes.name\",\"order\":\"asc\"}]}").json();
        String wsCursor = ws.path("links").path("next").asText().replaceFirst(".*cursor=", "");
        exchange(Api.ADMIN, "POST /v2/workspaces", "POST", v2 + "/workspaces", key, "{\"cursor\":\"" + decode(wsCursor) + "\"}");
        expectStatus(exchange(Api.ADMIN, "POST /v2/workspaces", "POST", v2 + "/workspaces", key, "{\"cursor\":\"nope\"}"), 400, "workspaces bad cursor");
        expectStatus(exchange(Api.ADMIN, "POST /v2/workspaces", "POST", v2 + "/workspaces", bearer("revoked"), "{}"), 401, "workspaces 401");

        String search = v2 + "/directories/-/users/search";
        JsonNode page = exchange(Api.ADMIN, "POST users/search", "POST", search, key,
                "{\"limit\":5,\"expand\":[\"platformRoles\",\"counts.resources\",\"productAccess\",\"groups\"],\"accountStatus\":[\"active\",\"inactive\"]}").json();
        exchange(Api.ADMIN, "POST users/search", "POST", search, key, "{\"cursor\":\"" + page.path("links").path("next").asText() + "\"}");
        exchange(Api.ADMIN, "POST users/search", "POST", dir + "/users/search", key, "{\"groupIds\":[\"" + jiraUsers + "\"],\"claimStatus\":\"managed\",\"limit\":3}");
        expectStatus(exchange(Api.ADMIN, "POST users/search", "POST", search, key, "{\"emails\":[\"a@acme.com\"],\"searchTerm\":\"a\"}"), 400, "emails+searchTerm");
        expectStatus(exchange(Api.ADMIN, "POST users/search", "POST", search, key, "{\"cursor\":\"kloHX1ZQVasDAkx_P48NYQ\"}"), 400, "users bad cursor");
        expectStatus(exchange(Api.ADMIN, "POST users/search", "POST", v2 + "/directories/no-such-dir/users/search", key, "{}"), 404, "unknown directory");
        expectStatus(exchange(Api.ADMIN, "POST users/search", "POST", search, bearer("nope"), "{}"), 401, "users/search 401");
        sim.faults().rateLimit(ORG_READ_ONLY_API_KEY, 1, 60);
        exchange(Api.ADMIN, "POST users/search", "POST", search, bearer(ORG_READ_ONLY_API_KEY), "{}");
        SimHttp.Res limited = exchange(Api.ADMIN, "POST users/search", "POST", search, bearer(ORG_READ_ONLY_API_KEY), "{}");
        expectStatus(limited, 429, "users/search 429");
        SimHttp.Res limitedV1 = exchange(Api.ADMIN, "GET /v1/orgs", "GET", "/admin/v1/orgs", bearer(ORG_READ_ONLY_API_KEY), null);
        expectStatus(limitedV1, 429, "v1 429");
        sim.faults().clear();

        JsonNode groups = exchange(Api.ADMIN, "POST groups/search", "POST", v2 + "/directories/-/groups/search", key,
                "{\"limit\":4,\"expand\":[\"counts.users\",\"counts.resources\"]}").json();
        exchange(Api.ADMIN, "POST groups/search", "POST", v2 + "/directories/-/groups/search", key, "{\"cursor\":\"" + groups.path("links").path("next").asText() + "\"}");
        exchange(Api.ADMIN, "POST groups/search", "POST", dir + "/groups/search", key, "{\"groupNames\":[\"jira-software-users\"],\"accountIds\":[\"" + nora + "\"]}");
        expectStatus(exchange(Api.ADMIN, "POST groups/search", "POST", dir + "/groups/search", key, "{\"searchTerm\":\"jira\",\"groupNames\":[\"x\"]}"), 400, "two selectors");
        exchange(Api.ADMIN, "GET group", "GET", dir + "/groups/" + jiraUsers, key, null);
        expectStatus(exchange(Api.ADMIN, "GET group", "GET", dir + "/groups/00000000-0000-0000-0000-000000000000", key, null), 404, "unknown group");
        exchange(Api.ADMIN, "GET group role-assignments", "GET", dir + "/groups/" + jiraUsers + "/role-assignments?limit=10", key, null);
        expectStatus(exchange(Api.ADMIN, "GET group role-assignments", "GET", dir + "/groups/" + jiraUsers + "/role-assignments?cursor=x", key, null), 400, "role-assignments bad cursor");

        String memberships = dir + "/groups/" + jiraUsers + "/memberships";
        expectStatus(exchange(Api.ADMIN, "POST memberships", "POST", memberships, key, "{\"accountId\":\"" + trixie + "\"}"), 204, "add member");
        expectStatus(exchange(Api.ADMIN, "POST memberships", "POST", memberships, key, "{\"accountId\":\"" + trixie + "\"}"), 409, "already member");
        expectStatus(exchange(Api.ADMIN, "POST memberships", "POST", dir + "/groups/" + synced + "/memberships", key, "{\"accountId\":\"" + trixie + "\"}"), 403, "synced group");
        expectStatus(exchange(Api.ADMIN, "POST memberships", "POST", memberships, bearer(ORG_READ_ONLY_API_KEY), "{\"accountId\":\"" + trixie + "\"}"), 403, "scoped key");
        expectStatus(exchange(Api.ADMIN, "DELETE membership", "DELETE", memberships + "/" + enc(trixie), key, null), 204, "remove member");
        expectStatus(exchange(Api.ADMIN, "DELETE membership", "DELETE", memberships + "/" + enc(trixie), key, null), 404, "not a member");
        expectStatus(exchange(Api.ADMIN, "POST suspend", "POST", dir + "/users/" + enc(trixie) + "/suspend", key, null), 204, "suspend");
        expectStatus(exchange(Api.ADMIN, "POST restore", "POST", dir + "/users/" + enc(trixie) + "/restore", key, null), 204, "restore");
        expectStatus(exchange(Api.ADMIN, "POST suspend", "POST", dir + "/users/nobody/suspend", key, null), 404, "suspend unknown");

        assertCovered("GET /v1/orgs 200", "GET /v1/orgs 401", "GET /v1/orgs 400", "GET /v1/orgs 429", "GET /v1/orgs/{orgId} 200", "GET /v1/orgs/{orgId} 404",
                "GET /v1/orgs/{orgId}/domains 200", "GET /v1/orgs/{orgId}/users 200", "GET /v1/orgs/{orgId}/users 400", "GET last-active-dates 200",
                "GET last-active-dates 404", "GET /v2/directories 200", "POST /v2/workspaces 200", "POST /v2/workspaces 400", "POST /v2/workspaces 401",
                "POST users/search 200", "POST users/search 400", "POST users/search 404", "POST users/search 401", "POST users/search 429",
                "POST groups/search 200", "POST groups/search 400", "GET group 200", "GET group 404", "GET group role-assignments 200",
                "POST memberships 204", "POST memberships 409", "POST memberships 403", "DELETE membership 204", "DELETE membership 404",
                "POST suspend 204", "POST restore 204", "POST suspend 404");
    }

    private static String ADMIN_ID() {
        return SITE_ADMIN_ACCOUNT_ID;
    }

    private static String accountByName(String name) {
        return sim.world().read(() -> {
            for (Model.User u : sim.world().org(ORG_ID).users.values()) if (name.equals(u.name)) return u.accountId;
            throw new AssertionError("no user " + name);
        });
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ Jira

    @Test
    void jiraApi() {
        String auth = basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN);
        String base = "/site/" + SITE_HOST + "/rest/api/3";
        String platform = sim.world().groupId(ORG_ID, "jira-platform-team");
        String synced = sim.world().groupId(ORG_ID, "okta-engineering");
        String pete = accountByName("Pete Platform");
        String trixie = accountByName("Trixie Trello");

        exchange(Api.JIRA, "GET myself", "GET", base + "/myself", auth, null);
        expectStatus(exchange(Api.JIRA, "GET myself", "GET", base + "/myself", basic(SITE_ADMIN_EMAIL, "wrong"), null), 401, "jira bad token");
        exchange(Api.JIRA, "GET applicationrole", "GET", base + "/applicationrole", auth, null);
        exchange(Api.JIRA, "GET users/search", "GET", base + "/users/search?startAt=0&maxResults=25", auth, null);
        exchange(Api.JIRA, "GET group/bulk", "GET", base + "/group/bulk?startAt=0&maxResults=2&applicationKey=jira-software", auth, null);
        exchange(Api.JIRA, "GET group/member", "GET", base + "/group/member?groupId=" + platform + "&includeInactiveUsers=true&maxResults=50", auth, null);
        expectStatus(exchange(Api.JIRA, "GET group/member", "GET", base + "/group/member?groupId=not-a-group", auth, null), 404, "unknown jira group");
        expectStatus(exchange(Api.JIRA, "POST group/user", "POST", base + "/group/user?groupId=" + platform, auth, "{\"accountId\":\"" + trixie + "\"}"), 201, "jira add");
        expectStatus(exchange(Api.JIRA, "POST group/user", "POST", base + "/group/user?groupId=" + synced, auth, "{\"accountId\":\"" + trixie + "\"}"), 403, "jira synced");
        expectStatus(exchange(Api.JIRA, "DELETE group/user", "DELETE", base + "/group/user?groupId=" + platform + "&accountId=" + enc(trixie), auth, null), 200, "jira remove");
        expectStatus(exchange(Api.JIRA, "DELETE group/user", "DELETE", base + "/group/user?groupId=" + platform + "&accountId=" + enc(trixie), auth, null), 404, "jira not member");
        String ben = basic("ben.builder@acme.com", "ATATT3xFfGF0simAcmeBenTokenA9s8D7f6G5h4J3k2L1z0X9c8V7b6=2C2C2C2C");
        expectStatus(exchange(Api.JIRA, "DELETE group/user", "DELETE", base + "/group/user?groupId=" + platform + "&accountId=" + enc(pete), ben, null), 403, "jira not admin");
        sim.faults().rateLimit(SITE_API_TOKEN, 0, 60);
        SimHttp.Res limited = exchange(Api.JIRA, "POST group/user", "POST", base + "/group/user?groupId=" + platform, auth, "{\"accountId\":\"" + trixie + "\"}");
        expectStatus(limited, 429, "jira 429");
        assertTrue(limited.header("retry-after") != null, "Jira 429 carries Retry-After");
        assertCovered("GET myself 200", "GET myself 401", "GET applicationrole 200", "GET users/search 200", "GET group/bulk 200", "GET group/member 200",
                "GET group/member 404", "POST group/user 201", "POST group/user 403", "POST group/user 429", "DELETE group/user 200", "DELETE group/user 404");
    }

    // ------------------------------------------------------------------ Confluence

    @Test
    void confluenceApi() {
        String auth = basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN);
        String base = "/site/" + SITE_HOST + "/wiki/rest/api";
        String confluenceUsers = sim.world().groupId(ORG_ID, "confluence-users");
        String trixie = accountByName("Trixie Trello");

        exchange(Api.CONFLUENCE, "GET user/current", "GET", base + "/user/current", auth, null);
        exchange(Api.CONFLUENCE, "GET group", "GET", base + "/group?start=0&limit=2", auth, null);
        exchange(Api.CONFLUENCE, "GET membersByGroupId", "GET", base + "/group/" + confluenceUsers + "/membersByGroupId?start=0&limit=50&shouldReturnTotalSize=true", auth, null);
        expectStatus(exchange(Api.CONFLUENCE, "POST userByGroupId", "POST", base + "/group/userByGroupId?groupId=" + confluenceUsers, auth, "{\"accountId\":\"" + trixie + "\"}"), 201, "conf add");
        expectStatus(exchange(Api.CONFLUENCE, "POST userByGroupId", "POST", base + "/group/userByGroupId?groupId=" + confluenceUsers, basic("x@acme.com", "bad"), "{\"accountId\":\"" + trixie + "\"}"), 401, "conf 401");
        expectStatus(exchange(Api.CONFLUENCE, "DELETE userByGroupId", "DELETE", base + "/group/userByGroupId?groupId=" + confluenceUsers + "&accountId=" + enc(trixie), auth, null), 204, "conf remove");
        expectStatus(exchange(Api.CONFLUENCE, "DELETE userByGroupId", "DELETE", base + "/group/userByGroupId?groupId=no-such-group&accountId=" + enc(trixie), auth, null), 404, "conf unknown group");
        assertCovered("GET user/current 200", "GET group 200", "GET membersByGroupId 200", "POST userByGroupId 201", "POST userByGroupId 401",
                "DELETE userByGroupId 204", "DELETE userByGroupId 404");
    }

    // ------------------------------------------------------------------ Trello

    @Test
    void trelloApi() {
        String auth = "key=" + TRELLO_API_KEY + "&token=" + TRELLO_TOKEN;
        exchange(Api.TRELLO, "GET members/me", "GET", "/trello/1/members/me?" + auth, null, null);
        expectStatus(exchange(Api.TRELLO, "GET members/me", "GET", "/trello/1/members/me?key=" + TRELLO_API_KEY + "&token=bad", null, null), 401, "trello bad token");
        exchange(Api.TRELLO, "GET enterprise", "GET", "/trello/1/enterprises/" + TRELLO_ENTERPRISE_ID + "?" + auth, null, null);
        JsonNode first = exchange(Api.TRELLO, "GET members/query", "GET", "/trello/1/enterprises/" + TRELLO_ENTERPRISE_ID + "/members/query?" + auth, null, null).json();
        String last = first.get(first.size() - 1).path("member").path("id").asText();
        exchange(Api.TRELLO, "GET members/query", "GET", "/trello/1/enterprises/" + TRELLO_ENTERPRISE_ID + "/members/query?licensed=true&cursor=" + last + "&" + auth, null, null);
        JsonNode members = exchange(Api.TRELLO, "GET organization members", "GET", "/trello/1/organizations/" + TRELLO_WORKSPACE_ID + "/members?" + auth, null, null).json();
        String member = members.get(members.size() - 1).path("id").asText();
        exchange(Api.TRELLO, "PUT deactivated", "PUT", "/trello/1/organizations/" + TRELLO_WORKSPACE_ID + "/members/" + member + "/deactivated?value=true&" + auth, null, null);
        exchange(Api.TRELLO, "PUT deactivated", "PUT", "/trello/1/organizations/" + TRELLO_WORKSPACE_ID + "/members/" + member + "/deactivated?value=false&" + auth, null, null);
        sim.faults().rateLimit(TRELLO_TOKEN, 0, 10);
        SimHttp.Res limited = exchange(Api.TRELLO, "GET members/me", "GET", "/trello/1/members/me?" + auth, null, null);
        expectStatus(limited, 429, "trello 429");
        assertEquals("API_TOKEN_LIMIT_EXCEEDED", limited.json().path("error").asText());
        assertCovered("GET members/me 200", "GET members/me 401", "GET members/me 429", "GET enterprise 200", "GET members/query 200",
                "GET organization members 200", "PUT deactivated 200");
    }

    // ------------------------------------------------------------------ Bitbucket

    @Test
    void bitbucketApi() {
        String auth = basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
        exchange(Api.BITBUCKET, "GET user", "GET", "/bitbucket/2.0/user", auth, null);
        expectStatus(exchange(Api.BITBUCKET, "GET user", "GET", "/bitbucket/2.0/user", basic(BITBUCKET_EMAIL, "bad"), null), 401, "bb 401");
        JsonNode page = exchange(Api.BITBUCKET, "GET members", "GET", "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/members?pagelen=5", auth, null).json();
        exchange(Api.BITBUCKET, "GET members", "GET", page.path("next").asText().substring(sim.baseUrl().length()), auth, null);
        exchange(Api.BITBUCKET, "GET members", "GET", "/bitbucket/2.0/workspaces/" + BITBUCKET_DIRECT_WORKSPACE + "/members", auth, null);
        // An unknown workspace answers 404, which the Bitbucket document does not declare for this
        // operation (it declares only 200 and 401); BitbucketAndTrelloBehaviourTest covers it.
        exchange(Api.BITBUCKET, "GET permissions", "GET", "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/permissions?q=" + enc("permission=\"owner\""), auth, null);
        exchange(Api.BITBUCKET, "GET permissions", "GET", "/bitbucket/2.0/workspaces/" + BITBUCKET_DIRECT_WORKSPACE + "/permissions", auth, null);
        assertCovered("GET user 200", "GET user 401", "GET members 200", "GET permissions 200");
    }
}
