package com.saasspend.atlassian.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.integration.api.HttpApiHandler;
import com.saasspend.integration.api.SnapStartPriming;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Child JVM of figure 5, the cold-start stand-in: init of one handler (its no-arg constructor, as Lambda calls it,
 * reading the environment) and its first invocation, in a fresh JVM on {@code functions.jar} plus this class.
 * Prints one line "RESULT initMs invokeMs uptimeMs loadedClasses status primingMs cpuMs" (cpuMs: the JVM's CPU time
 * so far, all its threads: the work of the cold start, less sensitive than wall time to other load on the machine).
 * Args: connect|licenses|nothing, each optionally -primed or -warm, |sync|sync-warm tenantId. A "-warm" kind times
 * the second invocation of its JVM (the floor no priming can go below).
 * A "-primed" kind stands in for a restored SnapStart snapshot: after init it runs the priming Lambda runs before the
 * snapshot (the handler's registered {@link SnapStartPriming}), then times the first invocation alone. "sync" is the
 * org sync worker's first invocation (an unchanged re-sync of a synced tenant); "sync-warm" times its second one in
 * the same JVM instead, so their difference is what SnapStart could save the worker.
 * Only DemoCredentials' constants are used from the simulator (inlined by javac), so no simulator class loads.
 */
public final class ColdStartProbe {
    public static void main(String[] args) {
        String kind = args[0];
        String tenant = args[1];
        if (kind.startsWith("sync")) {
            sync(kind, tenant);
            return;
        }
        boolean primed = kind.endsWith("-primed");
        boolean warm = kind.endsWith("-warm");
        String handlerKind = kind.replaceAll("-(primed|warm)$", "");
        long t0 = System.nanoTime();
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = switch (handlerKind) {
            case "connect" -> new com.saasspend.integration.api.IntegrationsApiHandler();
            case "licenses" -> new com.saasspend.integration.api.LicensesApiHandler();
            case "nothing" -> new DoNothingHandler();
            default -> throw new IllegalArgumentException("connect, licenses or nothing (optionally -primed or -warm): " + kind);
        };
        long t1 = System.nanoTime();
        long invocationStart = t1;
        if (primed) {
            SnapStartPriming.of(((HttpApiHandler) handler).getClass()).prime();
            invocationStart = System.nanoTime();
        }
        if (warm) {
            // The floor: the same request once the instance has served one (another tenant's connect, the same page).
            handler.handleRequest(event(handlerKind, handlerKind.equals("connect") ? tenant + "-first" : tenant), null);
            invocationStart = System.nanoTime();
        }
        APIGatewayV2HTTPResponse response = handler.handleRequest(event(handlerKind, tenant), null);
        long t2 = System.nanoTime();
        result(t1 - t0, t2 - invocationStart, response.getStatusCode(), invocationStart - t1);
        if (response.getStatusCode() >= 300) {
            System.out.println("BODY " + response.getBody());
        }
    }

    private static APIGatewayV2HTTPEvent event(String handlerKind, String tenant) {
        return switch (handlerKind) {
            case "connect" -> HttpApiEvents.connectAtlassian(tenant, DemoCredentials.ORG_ID, DemoCredentials.ORG_API_KEY);
            default -> HttpApiEvents.getLicenses(tenant);
        };
    }

    private static void sync(String kind, String tenant) {
        Map<String, Object> event = Map.of("detail-type", "IntegrationSyncRequested", "source", "saasspend.atlassian-integration",
                "detail", Map.of("tenantId", tenant, "integration", "atlassian", "reason", "schedule"));
        long t0 = System.nanoTime();
        var worker = new com.saasspend.integration.sync.SyncWorkerHandler();
        long t1 = System.nanoTime();
        Map<String, Object> answer = worker.handleRequest(event, null);
        long t2 = System.nanoTime();
        long invocationStart = t1;
        if (kind.equals("sync-warm")) {
            invocationStart = t2;
            answer = worker.handleRequest(event, null);
            t2 = System.nanoTime();
        }
        result(t1 - t0, t2 - invocationStart, "completed".equalsIgnoreCase(String.valueOf(answer.get("outcome"))) ? 200 : 500, 0);
        if (!"completed".equalsIgnoreCase(String.valueOf(answer.get("outcome")))) {
            System.out.println("BODY " + answer);
        }
    }

    /** Init (the constructor), the timed invocation, and the priming between them, in nanoseconds. */
    private static void result(long initNanos, long invokeNanos, int status, long primingNanos) {
        // Read after the invocation, so the management classes do not count in the timings.
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        int loaded = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        // After the class count, so the classes of this bean do not count either.
        long cpuNanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1_000_000;
        System.out.println("RESULT " + initNanos / 1_000_000 + " " + invokeNanos / 1_000_000 + " " + uptime + " " + loaded
                + " " + status + " " + primingNanos / 1_000_000 + " " + cpuNanos / 1_000_000);
    }
}
