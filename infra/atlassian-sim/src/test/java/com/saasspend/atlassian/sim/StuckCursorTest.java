package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.basic;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stuckCursor fault: a listing's next cursor or link never advances, in each paging dialect. */
class StuckCursorTest {

    @RegisterExtension
    static final DemoSimulator sim = DemoSimulator.perClass();
    static final String KEY = bearer(ORG_API_KEY);
    static final String SITE = basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN);

    @Test
    void v1OrgsAnswerTheSamePageWithTheSameNextLinkForeverThroughTheJavaApi() {
        String orgs = sim.baseUrl() + "/admin/v1/orgs";
        assertFalse(SimHttp.get(orgs, KEY).json().path("links").has("next"), "one org: normally a single page");

        sim.faults().stuckCursor("/admin/v1/orgs$");
        SimHttp.Res first = SimHttp.get(orgs, KEY);
        String next = first.json().path("links").path("next").asText();
        assertTrue(next.startsWith(sim.baseUrl() + "/admin/v1/orgs?cursor="), "a v1 next link is a full URL: " + next);
        for (int i = 0; i < 3; i++) {
            SimHttp.Res again = SimHttp.get(next, KEY);
            assertEquals(200, again.status());
            assertEquals(first.json(), again.json(), "the same page, the same next link");
        }
        assertFalse(SimHttp.get(orgs + "/" + ORG_ID + "/domains", KEY).json().path("links").has("next"), "other listings unaffected");

        sim.faults().clear();
        assertFalse(SimHttp.get(orgs, KEY).json().path("links").has("next"), "cleared: the listing ends again");
    }

    @Test
    void v2CursorsRepeatWhenSetThroughTheControlApi() {
        SimHttp.Res set = SimHttp.post(sim.baseUrl() + "/_sim/faults", null, "{\"stuckCursor\":{\"pathRegex\":\"/directories/-/users/search\"}}");
        assertEquals(200, set.status());
        assertEquals("/directories/-/users/search", set.json().path("stuckCursor").path(0).asText());

        String url = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search";
        JsonNode first = SimHttp.post(url, KEY, "{\"limit\":5}").json();
        String cursor = first.path("links").path("next").asText();
        assertFalse(cursor.isBlank());
        JsonNode second = SimHttp.post(url, KEY, "{\"cursor\":\"" + cursor + "\"}").json();
        assertEquals(cursor, second.path("links").path("next").asText(), "the cursor does not advance");
        assertEquals(first.path("data"), second.path("data"), "the same page again");
    }

    @Test
    void aLastPageGetsANextThatLeadsBackToIt() {
        sim.faults().stuckCursor("/directories$");
        String url = sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories";
        JsonNode first = SimHttp.get(url, KEY).json();
        String cursor = first.path("links").path("next").asText();
        assertFalse(cursor.isBlank(), "a single page now claims more");
        assertEquals(first, SimHttp.get(url + "?cursor=" + cursor, KEY).json());
    }

    @Test
    void jiraPageBeansNeverReachTheirLastPage() {
        sim.faults().stuckCursor("/rest/api/3/group/bulk");
        String base = sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/group/bulk?maxResults=2";
        JsonNode first = SimHttp.get(base, SITE).json();
        JsonNode later = SimHttp.get(base + "&startAt=2", SITE).json();
        assertFalse(later.path("isLast").asBoolean(true));
        assertEquals(first.path("startAt"), later.path("startAt"), "startAt does not move");
        assertEquals(first.path("values"), later.path("values"));
    }

    @Test
    void bitbucketNextLinksPointBackAtTheSamePage() {
        sim.faults().stuckCursor("/bitbucket/2.0/workspaces/[^/]+/members");
        String url = sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/members?pagelen=2";
        String auth = basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
        JsonNode first = SimHttp.get(url, auth).json();
        String next = first.path("next").asText();
        assertNotEquals("", next);
        assertEquals(first, SimHttp.get(next, auth).json());
    }
}
