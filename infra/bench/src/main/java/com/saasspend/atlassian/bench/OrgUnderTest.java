package com.saasspend.atlassian.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.api.IntegrationsApiHandler;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.wiring.Services;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A generated org on an in-process simulator, the emulator's table/bus/secrets, and the product's sync wired to them
 * with a metered DynamoDB client. Tenants are connected through the real connect handler.
 */
public final class OrgUnderTest implements AutoCloseable {
    public final World world;
    public final AtlassianSimulator sim;
    public final EmulatedAws aws;
    public final Env env;
    public final CapacityMeter meter;
    public final DynamoDbClient meteredDynamo;
    private final IntegrationsApiHandler integrations;

    /** {@code exactSizes}: the meter reads stored items to size writes exactly (slower; off where time is measured). */
    public OrgUnderTest(World world, boolean exactSizes) {
        this(world, exactSizes, null);
    }

    /**
     * On the emulator at {@code awsEndpoint} (null: AWS_ENDPOINT_URL's, as the product finds it): figure 2 also runs on
     * a moto without moto_server.py's speed-ups.
     */
    public OrgUnderTest(World world, boolean exactSizes, String awsEndpoint) {
        this.world = world;
        this.aws = new EmulatedAws(awsEndpoint);
        this.sim = AtlassianSimulator.start(0, world);
        this.env = new Env(aws.env(sim.baseUrl()));
        this.meter = new CapacityMeter(exactSizes ? aws.plainDynamo : null);
        this.meteredDynamo = aws.meteredDynamoHere(meter);
        this.integrations = new IntegrationsApiHandler(awsEndpoint == null ? Services.of(env, Clock.systemUTC())
                : new Services(env, Clock.systemUTC(), aws.clients(aws.plainDynamo)));
    }

    /** POST /integrations/atlassian through the connect handler, as an admin would. */
    public void connect(String tenantId) {
        APIGatewayV2HTTPResponse response = integrations.handleRequest(
                HttpApiEvents.connectAtlassian(tenantId, DemoCredentials.ORG_ID, DemoCredentials.ORG_API_KEY), null);
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("connect answered " + response.getStatusCode() + ": " + response.getBody());
        }
    }

    /** POST /integrations/{jira|confluence} for the generated org's site (reclaim opens once both are connected). */
    public void connectSite(String tenantId, String type) {
        String body = "{\"siteUrl\":\"https://" + DemoCredentials.SITE_HOST + "\",\"email\":\"" + DemoCredentials.SITE_ADMIN_EMAIL
                + "\",\"apiToken\":\"" + DemoCredentials.SITE_API_TOKEN + "\"}";
        APIGatewayV2HTTPResponse response = integrations.handleRequest(HttpApiEvents.request("POST /integrations/{type}",
                "/integrations/" + type, Map.of("type", type), Map.of(), body, tenantId), null);
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("connect " + type + " answered " + response.getStatusCode() + ": " + response.getBody());
        }
    }

    /** The org sync as the composition root builds it for the worker, with DynamoDB going through the metered client. */
    public AtlassianOrgSync meteredSync() {
        return new Services(env, Clock.systemUTC(), aws.clients(meteredDynamo)).orgSync();
    }

    /**
     * The org sync as the composition root builds it for the worker (metered), on {@code clock}: a run not asked to be
     * full reads the audit-event stream (its state in the emulator's table) inside the default full-listing window.
     */
    public AtlassianOrgSync meteredSync(Clock clock) {
        return new Services(env, clock, aws.clients(meteredDynamo)).orgSync();
    }

    /** Atlassian calls by what they fetch, from the simulator's request log. */
    public static Map<String, Long> callsByPurpose(List<RecordedRequest> requests) {
        Map<String, Long> calls = new TreeMap<>();
        for (RecordedRequest r : requests) {
            calls.merge(purpose(r), 1L, Long::sum);
        }
        return calls;
    }

    static String purpose(RecordedRequest r) {
        if (r.status() == 429) {
            return "rate-limited (429)";
        }
        String p = r.path();
        if (p.endsWith("/users/search")) return "user pages";
        if (p.endsWith("/groups/search")) return "group pages";
        if (p.endsWith("/role-assignments")) return "role assignments";
        if (p.endsWith("/workspaces")) return "workspace pages";
        return r.method() + " " + p.replaceAll("/orgs/[^/]+", "/orgs/{org}");
    }

    @Override
    public void close() {
        sim.close();
    }
}
