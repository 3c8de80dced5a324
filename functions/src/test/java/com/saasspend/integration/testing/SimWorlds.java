package com.saasspend.integration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldSeed;
import com.saasspend.integration.common.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.function.Consumer;

/** The simulator's demo world, optionally edited first (its seed is readable JSON, so tests edit the JSON). */
public final class SimWorlds {
    private SimWorlds() {}

    public static World demo() {
        return demo(seed -> {});
    }

    public static World demo(Consumer<ObjectNode> edit) {
        try (InputStream in = WorldSeed.class.getResourceAsStream(WorldSeed.DEMO_RESOURCE)) {
            ObjectNode seed = (ObjectNode) Json.MAPPER.readTree(in);
            edit.accept(seed);
            return WorldSeed.load(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(seed)));
        } catch (Exception e) {
            throw new IllegalStateException("demo seed could not be loaded", e);
        }
    }

    /**
     * The demo world with the generated crowd of its main org cut to {@code users} users and {@code groups} groups: the
     * same products, named groups (granting and not), admins and other org, so every listing and fault of the demo is
     * there, in a fraction of its pages (a test whose point is not the org's size pays for far fewer calls).
     */
    public static World demoWithCrowd(int users, int groups) {
        return demo(seed -> ((ObjectNode) org(seed, "Acme Corp").get("generate")).put("users", users).put("groups", groups));
    }

    public static ObjectNode org(ObjectNode seed, String name) {
        for (JsonNode org : seed.path("orgs")) {
            if (name.equals(org.path("name").asText())) {
                return (ObjectNode) org;
            }
        }
        throw new IllegalArgumentException("no org " + name + " in the demo seed");
    }
}
