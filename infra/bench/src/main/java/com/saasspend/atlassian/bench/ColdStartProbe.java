package com.saasspend.atlassian.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.atlassian.sim.DemoCredentials;
import java.lang.management.ManagementFactory;

/**
 * Child JVM of figure 5, the cold-start stand-in: init of one handler (its no-arg constructor, as Lambda calls it,
 * reading the environment) and its first invocation, in a fresh JVM on {@code functions.jar} plus this class.
 * Prints one line "RESULT initMs invokeMs uptimeMs loadedClasses status". Args: connect|licenses|nothing tenantId.
 * Only DemoCredentials' constants are used from the simulator (inlined by javac), so no simulator class loads.
 */
public final class ColdStartProbe {
    public static void main(String[] args) {
        String kind = args[0];
        String tenant = args[1];
        long t0 = System.nanoTime();
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = switch (kind) {
            case "connect" -> new com.saasspend.integration.api.IntegrationsApiHandler();
            case "licenses" -> new com.saasspend.integration.api.LicensesApiHandler();
            case "nothing" -> new DoNothingHandler();
            default -> throw new IllegalArgumentException("connect, licenses or nothing: " + kind);
        };
        long t1 = System.nanoTime();
        APIGatewayV2HTTPEvent event = switch (kind) {
            case "connect" -> HttpApiEvents.connectAtlassian(tenant, DemoCredentials.ORG_ID, DemoCredentials.ORG_API_KEY);
            default -> HttpApiEvents.getLicenses(tenant);
        };
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        long t2 = System.nanoTime();
        // Read after the invocation, so the management classes do not count in the timings.
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        int loaded = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.println("RESULT " + (t1 - t0) / 1_000_000 + " " + (t2 - t1) / 1_000_000 + " " + uptime + " " + loaded
                + " " + response.getStatusCode());
        if (response.getStatusCode() >= 300) {
            System.out.println("BODY " + response.getBody());
        }
    }
}
