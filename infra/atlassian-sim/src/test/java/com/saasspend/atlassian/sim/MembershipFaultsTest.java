package com.saasspend.atlassian.sim;

import static com.saasspend.atlassian.sim.DemoCredentials.DIRECTORY_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Membership calls in the group's real directory, and the reclaim faults: license limit on add, a 404 that lies on remove. */
class MembershipFaultsTest {
    private static final String TARA = "712020:5d687b18-9e20-5a35-ad91-d77fe7cce5aa";

    @RegisterExtension
    final DemoSimulator sim = DemoSimulator.perTest();
    String group;

    @BeforeEach
    void paths() {
        group = sim.world().groupId(ORG_ID, "confluence-users");
    }

    private String memberships(String directory) {
        return sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/" + directory + "/groups/" + group + "/memberships";
    }

    @Test
    void membershipsWorkInTheGroupsOwnDirectoryAndNotInAnother() {
        assertTrue(sim.world().groupsOf(TARA).contains(group));
        assertEquals(404, SimHttp.call("DELETE", memberships("not-a-directory") + "/" + TARA, bearer(ORG_API_KEY), null).status());
        assertEquals(204, SimHttp.call("DELETE", memberships(DIRECTORY_ID) + "/" + TARA, bearer(ORG_API_KEY), null).status());
        assertFalse(sim.world().groupsOf(TARA).contains(group));
        assertEquals(204, SimHttp.post(memberships(DIRECTORY_ID), bearer(ORG_API_KEY), "{\"accountId\":\"" + TARA + "\"}").status());
        assertTrue(sim.world().groupsOf(TARA).contains(group));
    }

    @Test
    void licenseLimitOnAddAnswers409Admin4093AndAddsNobody() {
        SimHttp.call("DELETE", memberships(DIRECTORY_ID) + "/" + TARA, bearer(ORG_API_KEY), null);
        SimHttp.Res configured = SimHttp.post(sim.baseUrl() + "/_sim/faults", null,
                "{\"licenseLimitOnAdd\":{\"count\":1,\"groupId\":\"" + group + "\"}}");
        assertEquals(200, configured.status());
        SimHttp.Res refused = SimHttp.post(memberships(DIRECTORY_ID), bearer(ORG_API_KEY), "{\"accountId\":\"" + TARA + "\"}");
        assertEquals(409, refused.status());
        assertEquals("ADMIN-409-3", refused.json().path("errors").path(0).path("code").asText(), refused.json().toString());
        assertEquals("409", refused.json().path("errors").path(0).path("status").asText());
        assertFalse(sim.world().groupsOf(TARA).contains(group), "nobody added");
        assertEquals(204, SimHttp.post(memberships(DIRECTORY_ID), bearer(ORG_API_KEY), "{\"accountId\":\"" + TARA + "\"}").status(),
                "the fault is used up");
    }

    @Test
    void notFoundOnRemoveAnswers404WhileTheUserStaysAMember() {
        sim.faults().notFoundOnRemove(1, null);
        SimHttp.Res lied = SimHttp.call("DELETE", memberships(DIRECTORY_ID) + "/" + TARA, bearer(ORG_API_KEY), null);
        assertEquals(404, lied.status());
        assertEquals("ADMIN-404-8", lied.json().path("errors").path(0).path("code").asText());
        assertTrue(sim.world().groupsOf(TARA).contains(group), "still a member");
        assertEquals(204, SimHttp.call("DELETE", memberships(DIRECTORY_ID) + "/" + TARA, bearer(ORG_API_KEY), null).status());
    }
}
