package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldSeed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The simulated Atlassian the local stack starts. By default the shipped demo seed with every domain of the demo org
 * (Acme) verified, so the walkthrough's connect succeeds: the shipped seed keeps one domain unverified to show that
 * refusal, which an org must fix before it can connect (the functions' integration tests use the same baseline).
 * A seed file given with --sim-seed is used as it is.
 */
public final class LocalWorld {
    private LocalWorld() {}

    public static World load(Path seedFile) {
        return seedFile != null ? WorldSeed.load(seedFile) : connectableDemo();
    }

    public static World connectableDemo() {
        try (InputStream in = WorldSeed.class.getResourceAsStream(WorldSeed.DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the simulator jar lacks " + WorldSeed.DEMO_RESOURCE);
            }
            JsonNode seed = ApiGatewayEvents.JSON.readTree(in);
            for (JsonNode org : seed.path("orgs")) {
                if (DemoCredentials.ORG_ID.equals(org.path("id").asText())) {
                    org.path("domains").forEach(domain -> ((ObjectNode) domain).put("status", "verified"));
                }
            }
            return WorldSeed.load(new ByteArrayInputStream(ApiGatewayEvents.JSON.writeValueAsBytes(seed)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
