package com.saasspend.integration.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.World;
import com.saasspend.integration.api.IntegrationsApiHandler;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The product as deployed, minus Lambda: handlers wired with their production adapters, on this test's corner of
 * the AWS emulator, talking to an in-process Atlassian simulator. Close it to stop the simulator.
 */
public final class Stack implements AutoCloseable {
    public final EmulatedAws aws = new EmulatedAws();
    public final AtlassianSimulator sim;
    public final Env env;
    private final Map<String, String> vars;
    public final IntegrationsApiHandler integrations;
    public final com.saasspend.integration.api.LicensesApiHandler licenses;

    public Stack(World world, Clock clock) {
        sim = AtlassianSimulator.start(0, world);
        Map<String, String> vars = new HashMap<>(aws.env());
        vars.put("ATLASSIAN_ADMIN_URL", sim.baseUrl());
        vars.put("ATLASSIAN_SITE_ROUTE", sim.baseUrl() + "/site/{host}");
        vars.put("TRELLO_API_URL", sim.baseUrl() + "/trello");
        vars.put("BITBUCKET_API_URL", sim.baseUrl() + "/bitbucket");
        // Waits between retries stay short in tests; the retry logic is the production one.
        vars.put("ATLASSIAN_RETRY_MAX_DELAY_MS", "200");
        this.vars = Map.copyOf(vars);
        env = new Env(vars);
        integrations = new IntegrationsApiHandler(Services.of(env, clock));
        licenses = new com.saasspend.integration.api.LicensesApiHandler(Services.of(env, clock));
    }

    /** This stack's environment with one variable changed (a test that needs, say, production's retry waits). */
    public Env envWith(String name, String value) {
        Map<String, String> changed = new HashMap<>(vars);
        changed.put(name, value);
        return new Env(changed);
    }

    public APIGatewayV2HTTPResponse call(String tenant, String routeKey, String path, Map<String, String> params, String body) {
        return integrations.handleRequest(ApiEvents.request(routeKey, path, params, body, tenant), null);
    }

    /** A License page call: GET /licenses, /users, /users/{accountId}, /settings. */
    public APIGatewayV2HTTPResponse licenses(String tenant, String routeKey, String path, Map<String, String> params,
                                             Map<String, String> query, String body) {
        var event = ApiEvents.request(routeKey, path, params, body, tenant);
        event.setQueryStringParameters(query.isEmpty() ? null : new HashMap<>(query));
        return licenses.handleRequest(event, null);
    }

    @Override
    public void close() {
        sim.close();
        aws.deleteTable();
    }
}
