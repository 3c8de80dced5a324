package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldGeneratorTest {

    @Test
    void largeWorldIsDeterministicAndServable() {
        World a = WorldGenerator.generate(100_000, 2_000, 7);
        World b = WorldGenerator.generate(1_000, 50, 7);
        assertEquals(100_000, a.userCount(ORG_ID));
        assertEquals(2_000, a.groupIds(ORG_ID).size());
        assertEquals(1_000, b.userCount(ORG_ID));
        assertEquals(WorldGenerator.generate(1_000, 50, 7).accountIds(ORG_ID), b.accountIds(ORG_ID), "same seed, same world");
        int seats = a.seatsUsed(ORG_ID, "jira-software");
        assertTrue(seats > 50_000 && seats < 100_000, "realistic share holds a Jira seat: " + seats);
        try (AtlassianSimulator sim = AtlassianSimulator.start(0, a)) {
            JsonNode page = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search", SimHttp.bearer(ORG_API_KEY),
                    "{\"limit\":100,\"expand\":[\"productAccess\",\"groups\"]}").json();
            assertEquals(100, page.path("data").size());
        }
    }

    @Test
    void theShareOfGrantingGroupsIsAKnobDefaultingToAboutOneInTwenty() {
        // 7 standard groups (five product groups, org-admins, the IdP-synced one) grant; the team groups by the share.
        int byDefault = WorldGenerator.generate(2_000, 2_000, 42).grantingGroupIds(ORG_ID).size();
        assertTrue(byDefault > 7 + 60 && byDefault < 7 + 140, "about one team group in twenty grants a product: " + byDefault);
        assertEquals(7, WorldGenerator.generate(500, 200, 42, 0).grantingGroupIds(ORG_ID).size(), "none: only the standard groups");
        assertEquals(200, WorldGenerator.generate(500, 200, 42, 1).grantingGroupIds(ORG_ID).size(), "one in one: every group");
        World w = WorldGenerator.generate(500, 200, 42, 2);
        int half = w.grantingGroupIds(ORG_ID).size();
        assertTrue(half > 7 + 60 && half < 7 + 130, "one in two: " + half);
        // groups search counts exactly those groups' resources.
        try (AtlassianSimulator sim = AtlassianSimulator.start(0, w)) {
            java.util.Set<String> counted = new java.util.HashSet<>();
            String cursor = null;
            do {
                JsonNode page = SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/groups/search", SimHttp.bearer(ORG_API_KEY),
                        "{\"limit\":100,\"expand\":[\"counts.users\",\"counts.resources\"]" + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}").json();
                page.path("data").forEach(g -> {
                    if (g.path("counts").path("resources").asInt(-1) > 0) counted.add(g.path("id").asText());
                    assertTrue(g.path("counts").has("users") && g.path("counts").has("resources"), g.toString());
                });
                cursor = page.path("links").path("next").asText(null);
            } while (cursor != null);
            assertEquals(new java.util.HashSet<>(w.grantingGroupIds(ORG_ID)), counted);
        }
    }

    @Test
    void demoSeedHasTheInterestingCases() {
        World w = WorldSeed.demo();
        assertTrue(w.userCount(ORG_ID) >= 400, "several hundred users");
        assertTrue(w.orgIds().contains(ORIGINAL_UM_ORG_ID));
        assertEquals(2, w.directoryIds(ORIGINAL_UM_ORG_ID).size());
        String tara = w.read(() -> w.org(ORG_ID).users.values().stream().filter(u -> u.name.equals("Tara Twogroups")).findFirst().orElseThrow().accountId);
        assertTrue(w.hasAccess(tara, "jira-software"));
        assertEquals(2, w.groupsOf(tara).stream().filter(g -> w.read(() -> w.org(ORG_ID).groups.get(g).grantsAccessTo(w.productId(ORG_ID, "jira-software")))).count());
    }

    @Test
    void badSeedsFailClearly() {
        String seed = "{\"orgs\":[{\"id\":\"o1\",\"name\":\"X\",\"users\":[{\"name\":\"A\",\"groups\":[\"missing\"]}]}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorldSeed.load(new ByteArrayInputStream(seed.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("Unknown group missing"));
    }
}
