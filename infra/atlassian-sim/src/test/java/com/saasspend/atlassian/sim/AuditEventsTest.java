package com.saasspend.atlassian.sim;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** World changes become audit events in the events-stream, in its paging dialect, with its faults. */
class AuditEventsTest {
    AtlassianSimulator sim;
    String group;
    String someone;

    @BeforeEach
    void start() {
        sim = AtlassianSimulator.start(0, WorldSeed.demo());
        group = sim.world().groupId(ORG_ID, "confluence-users");
        someone = sim.world().groupMembers(group).iterator().next();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private String stream(String query) {
        return sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/events-stream" + query;
    }

    /** Every action of one poll, following links.next; answers the actions and the cursor to poll from next. */
    private List<String> poll(String cursor, List<String> nextCursor) {
        List<String> actions = new ArrayList<>();
        String url = stream(cursor == null ? "?limit=2" : "?limit=2&cursor=" + cursor);
        for (int i = 0; i < 50; i++) {
            SimHttp.Res res = SimHttp.get(url, bearer(ORG_API_KEY));
            assertEquals(200, res.status(), res.body());
            JsonNode body = res.json();
            for (JsonNode e : body.path("data")) actions.add(e.path("attributes").path("action").asText());
            nextCursor.clear();
            nextCursor.add(body.path("meta").path("next").asText());
            if (!body.path("links").has("next")) return actions;
            url = body.path("links").path("next").asText();
        }
        throw new AssertionError("the stream did not end");
    }

    @Test
    void everyKindOfChangeIsAnEventAndThePollCursorPicksUpOnlyNewOnes() {
        List<String> cursor = new ArrayList<>();
        assertEquals(List.of(), poll(null, cursor), "a fresh org has no events yet");
        sim.world().removeMembership(group, someone);
        sim.world().addMembership(group, someone);
        sim.world().suspendUser(someone);
        sim.world().restoreUser(someone);
        String created = sim.world().createGroup(ORG_ID, "new-team");
        sim.world().renameGroup(created, "renamed-team");
        sim.world().grantGroupRole(created, "jira-software", "atlassian/user");
        sim.world().revokeGroupRoles(created, "jira-software");
        sim.world().deleteGroup(created);
        sim.world().addUser(ORG_ID, "712020:new-hire", "New Hire", "new.hire@acme.com", group);
        sim.world().deactivateAccount("712020:new-hire");
        sim.world().removeUser("712020:new-hire");
        List<String> actions = poll(cursor.get(0), cursor);
        assertEquals(List.of("user_removed_from_group", "user_added_to_group", "user_suspended", "user_restored",
                "group_created", "group_renamed", "group_role_granted", "group_role_revoked", "group_deleted",
                "user_added_to_org", "user_added_to_group", "user_deactivated", "user_removed_from_org"), actions);
        assertEquals(List.of(), poll(cursor.get(0), cursor), "nothing new since the last poll");
        sim.world().removeMembership(group, someone);
        assertEquals(List.of("user_removed_from_group"), poll(cursor.get(0), cursor));
    }

    @Test
    void anEventNamesItsUserAndGroupInItsContext() {
        sim.world().removeMembership(group, someone);
        JsonNode event = SimHttp.get(stream(""), bearer(ORG_API_KEY)).json().path("data").path(0);
        JsonNode context = event.path("attributes").path("context");
        assertEquals("users", context.path(0).path("type").asText());
        assertEquals(someone, context.path(0).path("id").asText());
        assertEquals("groups", context.path(1).path("type").asText());
        assertEquals(group, context.path(1).path("id").asText());
        assertEquals("events", event.path("type").asText());
    }

    @Test
    void droppedEventsAreMissingAndDuplicatedOnesComeTwiceWithTheSameId() {
        sim.world().auditLog().dropNext(1);
        sim.world().removeMembership(group, someone);
        sim.world().auditLog().duplicateNext(1);
        sim.world().addMembership(group, someone);
        JsonNode data = SimHttp.get(stream(""), bearer(ORG_API_KEY)).json().path("data");
        assertEquals(2, data.size());
        assertEquals("user_added_to_group", data.path(0).path("attributes").path("action").asText());
        assertEquals(data.path(0).path("id").asText(), data.path(1).path("id").asText());
    }

    @Test
    void aDelayedEventAppearsOnlyOnceProcessed() {
        Instant t0 = Instant.parse("2026-11-30T10:00:00Z");
        sim.world().setClock(Clock.fixed(t0, ZoneOffset.UTC));
        sim.world().auditLog().delay(Duration.ofMinutes(5));
        sim.world().removeMembership(group, someone);
        assertEquals(0, SimHttp.get(stream(""), bearer(ORG_API_KEY)).json().path("data").size());
        sim.world().setClock(Clock.fixed(t0.plus(Duration.ofMinutes(6)), ZoneOffset.UTC));
        assertEquals(1, SimHttp.get(stream(""), bearer(ORG_API_KEY)).json().path("data").size());
    }

    @Test
    void anExpiredPollCursorIsAdmin4001() {
        String cursor = SimHttp.get(stream(""), bearer(ORG_API_KEY)).json().path("meta").path("next").asText();
        sim.faults().expireCursors();
        SimHttp.Res res = SimHttp.get(stream("?cursor=" + cursor), bearer(ORG_API_KEY));
        assertEquals(400, res.status());
        assertEquals("ADMIN-400-1", res.json().path("errors").path(0).path("code").asText());
    }

    @Test
    void theControlApiConfiguresTheAuditLogFaults() {
        assertEquals(200, SimHttp.post(sim.baseUrl() + "/_sim/faults", null,
                "{\"auditLog\":{\"dropNext\":1,\"unavailable\":{\"orgId\":\"" + ORG_ID + "\",\"status\":404}}}").status());
        assertEquals(404, SimHttp.get(stream(""), bearer(ORG_API_KEY)).status());
        sim.world().removeMembership(group, someone);
        assertEquals(0, sim.world().auditLog().size(ORG_ID), "dropped");
        assertEquals(204, SimHttp.call("DELETE", sim.baseUrl() + "/_sim/faults", null, null).status());
        assertEquals(200, SimHttp.get(stream(""), bearer(ORG_API_KEY)).status(), "cleared with the other faults");
    }

    @Test
    void anOrgWithoutAnAuditLogRefusesTheStreamAndItsActions() {
        sim.world().auditLog().unavailable(ORG_ID, 403);
        assertEquals(403, SimHttp.get(stream(""), bearer(ORG_API_KEY)).status());
        assertEquals(404, SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/event-actions", bearer(ORG_API_KEY)).status());
        sim.world().auditLog().unavailable(ORG_ID, 0).hideActions(ORG_ID, "user_added_to_group");
        JsonNode actions = SimHttp.get(sim.baseUrl() + "/admin/v1/orgs/" + ORG_ID + "/event-actions", bearer(ORG_API_KEY)).json();
        List<String> ids = new ArrayList<>();
        actions.path("data").forEach(a -> ids.add(a.path("id").asText()));
        assertFalse(ids.contains("user_added_to_group"));
        assertTrue(ids.contains("user_removed_from_group"));
    }
}
