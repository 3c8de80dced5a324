package com.saasspend.integration.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.integration.aws.PrimingGuard;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.wiring.Services;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming of an HttpApi function: before Lambda takes the snapshot, the first request's path runs once, so
 * the restored copy does not pay for it again (class loading, SDK clients and their HTTP connection, SigV4, Jackson,
 * the routes). It sends a DynamoDB GetItem on a key that cannot exist, builds the Secrets Manager and EventBridge
 * clients (no secret is read, no event put), round-trips a real request body, and sends read-only synthetic requests
 * through the handler for a reserved tenant. All of it runs inside {@link PrimingGuard}: any SDK call other than a
 * DynamoDB read is refused before it is sent, whatever a route does. Nothing secret exists to log: no credential is
 * read, and the synthetic requests carry none.
 */
public final class SnapStartPriming implements Resource {
    /** A valid tenant id no customer is given (the product's tenant ids come from the identity provider). */
    static final String TENANT = "snapstart-priming";

    private static final Log LOG = Log.of(SnapStartPriming.class);
    /**
     * The CRaC global context holds resources weakly; this keeps each handler class's latest priming (bounded: one
     * per class), and lets a stand-in for Lambda (figure 5's probe, tests) run what Lambda would run.
     */
    private static final Map<Class<?>, SnapStartPriming> REGISTERED = new ConcurrentHashMap<>();

    /** One synthetic request: the route key, its path, path parameters and body. */
    record Request(String routeKey, String path, Map<String, String> pathParameters, String body) {
        static Request get(String routeKey, String path) {
            return new Request(routeKey, path, Map.of(), null);
        }
    }

    private final HttpApiHandler handler;
    private final Services services;
    private final List<Request> requests;
    private final Runnable roundTrips;

    private SnapStartPriming(HttpApiHandler handler, Services services, List<Request> requests, Runnable roundTrips) {
        this.handler = handler;
        this.services = services;
        this.requests = List.copyOf(requests);
        this.roundTrips = roundTrips;
    }

    /** Registers {@code handler}'s priming with the CRaC runtime (a no-op on a JVM without CRaC). */
    static void register(HttpApiHandler handler, Services services, List<Request> requests, Runnable roundTrips) {
        SnapStartPriming priming = new SnapStartPriming(handler, services, requests, roundTrips);
        REGISTERED.put(handler.getClass(), priming);
        Core.getGlobalContext().register(priming);
    }

    /** The priming registered by the latest handler of this class (what Lambda would run before its snapshot). */
    public static SnapStartPriming of(Class<? extends HttpApiHandler> handlerClass) {
        SnapStartPriming priming = REGISTERED.get(handlerClass);
        if (priming == null) {
            throw new IllegalStateException(handlerClass.getSimpleName() + " registered no SnapStart priming");
        }
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: the SDK re-reads its credentials when they expire and reopens connections it finds closed.
    }

    /** Runs the priming; answers the status of each synthetic request (a 5xx means a route failed while priming). */
    public List<Integer> prime() {
        long started = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        PrimingGuard.during(() -> {
            try {
                services.aws().prime(services.table());
            } catch (RuntimeException e) {
                // A snapshot without a warm DynamoDB connection is still a correct snapshot: say so and go on.
                LOG.warn("SnapStart priming: the DynamoDB read failed", "error", e.getClass().getSimpleName());
            }
            roundTrips.run();
            for (Request request : requests) {
                APIGatewayV2HTTPResponse response = handler.handleRequest(event(request, services.tenantClaim()), null);
                statuses.add(response.getStatusCode());
            }
        });
        // The first real invocation after a restore is the environment's first: log it as a cold start.
        Log.nextInvocationIsCold();
        LOG.info("SnapStart priming done", "millis", (System.nanoTime() - started) / 1_000_000, "statuses", statuses);
        return statuses;
    }

    private static APIGatewayV2HTTPEvent event(Request request, String tenantClaim) {
        String method = request.routeKey().substring(0, request.routeKey().indexOf(' '));
        Map<String, String> headers = new HashMap<>(Map.of("accept", "application/json"));
        if (request.body() != null) {
            headers.put("content-type", "application/json");
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(request.routeKey())
                .withRawPath(request.path())
                .withHeaders(headers)
                .withPathParameters(request.pathParameters().isEmpty() ? null : new HashMap<>(request.pathParameters()))
                .withBody(request.body())
                .withIsBase64Encoded(false)
                .withRequestContext(RequestContext.builder()
                        .withRouteKey(request.routeKey())
                        .withRequestId("snapstart-priming")
                        .withHttp(RequestContext.Http.builder().withMethod(method).withPath(request.path()).build())
                        .withAuthorizer(RequestContext.Authorizer.builder().withJwt(RequestContext.Authorizer.JWT.builder()
                                .withClaims(Map.of(tenantClaim, TENANT, "sub", "snapstart-priming")).build()).build())
                        .build())
                .build();
    }

    // ------------------------------------------------------------------ what each function primes

    /** Read-only routes of IntegrationsApiFunction, and a connect body parsed as connect parses it (never sent). */
    static void integrations(IntegrationsApiHandler handler, Services services) {
        register(handler, services, List.of(Request.get("GET /integrations", "/integrations")), () -> {
            ApiRequest connect = new ApiRequest("POST /integrations/{type}", Map.of("type", "atlassian"), Map.of(),
                    Map.of("content-type", "application/json"),
                    "{\"orgId\":\"00000000-0000-0000-0000-000000000000\",\"apiKey\":\"not-a-key\"}", TENANT, "snapstart-priming", "-");
            ConnectRequests.parse(IntegrationType.ATLASSIAN, JsonBodies.object(connect));
        });
    }

    /** Read-only routes of LicensesApiFunction (the License page's first requests). */
    static void licenses(LicensesApiHandler handler, Services services) {
        register(handler, services, List.of(
                Request.get("GET /licenses", "/licenses"),
                Request.get("GET /users", "/users"),
                Request.get("GET /settings", "/settings")), () -> {});
    }

    /** ReclaimApiFunction: the audit list and a dry run (a plan reads the synced data only). */
    static void reclaims(ReclaimApiHandler handler, Services services) {
        register(handler, services, List.of(
                Request.get("GET /reclaims", "/reclaims"),
                new Request("POST /reclaims/plan", "/reclaims/plan", Map.of(),
                        "{\"accountId\":\"557058:00000000-0000-0000-0000-000000000000\",\"groupIds\":[]}")), () -> {});
    }
}
