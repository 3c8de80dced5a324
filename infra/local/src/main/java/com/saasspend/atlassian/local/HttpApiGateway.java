package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HttpApi of the template on a loopback port: exactly the template's routes, each invoking its function with the
 * event API Gateway would build, behind the API's JWT authorizer and CORS configuration. What API Gateway answers
 * itself is answered the same way here: 404 {"message":"Not Found"} without a route, 401 {"message":"Unauthorized"}
 * when the authorizer refuses, 500 {"message":"Internal Server Error"} when the function fails, 503 {"message":
 * "Service Unavailable"} when the function ran into its timeout (and was stopped there) or past the 30-second
 * integration timeout.
 */
public final class HttpApiGateway implements AutoCloseable {
    /** API Gateway's limit on an HTTP API integration. */
    static final int INTEGRATION_TIMEOUT_SECONDS = 30;

    /** How a route is protected, from the event's Auth.Authorizer or the API's DefaultAuthorizer. */
    enum Authorization { NONE, JWT, UNSUPPORTED }

    private final RouteTable routes;
    private final Map<String, LambdaFunction> functions;
    private final Map<HttpRoute, Authorization> authorization;
    private final CorsPolicy cors;
    private final LocalJwtAuthority authority;
    private final ApiGatewayEvents.Api api;
    private final Clock clock;
    private final ExecutorService invocations = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-http");
        t.setDaemon(true);
        return t;
    });
    private Javalin server;

    public HttpApiGateway(RouteTable routes, Map<String, LambdaFunction> functions, Map<HttpRoute, Authorization> authorization,
                          CorsPolicy cors, LocalJwtAuthority authority, ApiGatewayEvents.Api api, Clock clock) {
        this.routes = routes;
        this.functions = functions;
        this.authorization = authorization;
        this.cors = cors;
        this.authority = authority;
        this.api = api;
        this.clock = clock;
    }

    /** Each route's protection as the template declares it. */
    public static Map<HttpRoute, Authorization> authorizationOf(SamTemplate template, List<HttpRoute> routes) {
        Map<HttpRoute, Authorization> result = new LinkedHashMap<>();
        for (HttpRoute route : routes) {
            JsonNode auth = template.httpApiProperties(route.apiLogicalId()).path("Auth");
            String name = route.authorizer() != null ? route.authorizer() : auth.path("DefaultAuthorizer").asText(null);
            if (name == null || "NONE".equals(name)) {
                result.put(route, Authorization.NONE);
            } else if (auth.path("Authorizers").path(name).has("JwtConfiguration")) {
                result.put(route, Authorization.JWT);
            } else {
                result.put(route, Authorization.UNSUPPORTED);
            }
        }
        return result;
    }

    public RouteTable routes() {
        return routes;
    }

    /** The gateway's whole behaviour for one request, without the HTTP server (unit tests call this). */
    public ApiGatewayEvents.HttpResponse handle(GatewayRequest request) {
        String requestId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        if (cors.isPreflight(request)) {
            ApiGatewayEvents.HttpResponse response = cors.preflight(request);
            InvocationLog.http(request.methodUpper(), request.rawPath(), null, null, response.status(), elapsed(started));
            return withRequestId(response, requestId);
        }
        Optional<RouteTable.Match> match = routes.match(request.methodUpper(), request.rawPath());
        if (match.isEmpty()) {
            ApiGatewayEvents.HttpResponse response = ApiGatewayEvents.HttpResponse.message(404, "Not Found");
            InvocationLog.http(request.methodUpper(), request.rawPath(), null, null, 404, elapsed(started));
            return withRequestId(cors.apply(request, response), requestId);
        }
        HttpRoute route = match.get().route();
        ApiGatewayEvents.HttpResponse response = invoke(request, match.get(), requestId);
        InvocationLog.http(request.methodUpper(), request.rawPath(), route.routeKey(), route.functionLogicalId(),
                response.status(), elapsed(started));
        return withRequestId(cors.apply(request, response), requestId);
    }

    private ApiGatewayEvents.HttpResponse invoke(GatewayRequest request, RouteTable.Match match, String requestId) {
        HttpRoute route = match.route();
        Map<String, String> claims = null;
        List<String> scopes = null;
        switch (authorization.getOrDefault(route, Authorization.NONE)) {
            case NONE -> { }
            case JWT -> {
                Optional<Map<String, Object>> verified = bearerToken(request).flatMap(authority::verify);
                if (verified.isEmpty()) {
                    return ApiGatewayEvents.HttpResponse.message(401, "Unauthorized");
                }
                claims = LocalJwtAuthority.claimsAsStrings(verified.get());
                scopes = LocalJwtAuthority.scopes(verified.get());
            }
            case UNSUPPORTED -> {
                InvocationLog.info("route " + route.routeKey() + " uses an authorizer the local stack does not emulate (only JWT)");
                return ApiGatewayEvents.HttpResponse.message(500, "Internal Server Error");
            }
        }
        LambdaFunction function = functions.get(route.functionLogicalId());
        if (function == null) {
            return ApiGatewayEvents.HttpResponse.message(500, "Internal Server Error");
        }
        String event = ApiGatewayEvents.request(request, match, claims, scopes, requestId, clock.instant(), api).toString();
        // The function stops itself at its template timeout (LambdaFunction); API Gateway's own limit is separate:
        // past it the client gets 503 while a function with a longer timeout keeps running, as in AWS.
        Future<String> result = invocations.submit(() -> function.invoke(event, requestId));
        try {
            return ApiGatewayEvents.response(result.get(INTEGRATION_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            InvocationLog.info(route.functionLogicalId() + " did not answer within " + INTEGRATION_TIMEOUT_SECONDS + " s (request " + requestId + ")");
            return ApiGatewayEvents.HttpResponse.message(503, "Service Unavailable");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LambdaFunction.TimedOut) {
                return ApiGatewayEvents.HttpResponse.message(503, "Service Unavailable");
            }
            reportFailure(route.functionLogicalId(), requestId, e.getCause());
            return ApiGatewayEvents.HttpResponse.message(500, "Internal Server Error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiGatewayEvents.HttpResponse.message(503, "Service Unavailable");
        }
    }

    static void reportFailure(String function, String requestId, Throwable failure) {
        InvocationLog.info(function + " failed (request " + requestId + "): " + failure.getMessage());
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        cause.printStackTrace(System.out);
    }

    /** The identity source $request.header.Authorization; API Gateway accepts the token with or without "Bearer ". */
    private static Optional<String> bearerToken(GatewayRequest request) {
        return request.header("authorization").map(String::trim)
                .map(v -> v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).trim() : v)
                .filter(v -> !v.isEmpty());
    }

    private static ApiGatewayEvents.HttpResponse withRequestId(ApiGatewayEvents.HttpResponse response, String requestId) {
        Map<String, List<String>> headers = new LinkedHashMap<>(response.headers());
        headers.put("apigw-requestid", List.of(requestId));
        return new ApiGatewayEvents.HttpResponse(response.status(), headers, response.body());
    }

    private static long elapsed(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Serves on 127.0.0.1:{port} (0 picks a free port). */
    public HttpApiGateway start(int port) {
        server = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = 10_000_000L; // API Gateway's payload limit; handlers enforce their own
            cfg.router.ignoreTrailingSlashes = false;
            // Jetty answers 414 past 8 KB of request line and headers; here the functions must see long (fuzzed) URLs
            // and answer them themselves (API Gateway itself cuts off near 10 KB).
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(64 * 1024));
        });
        for (HandlerType type : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS)) {
            server.addHttpHandler(type, "/", this::serve);
            server.addHttpHandler(type, "/*", this::serve);
        }
        server.start("127.0.0.1", port);
        return this;
    }

    public int port() {
        return server.port();
    }

    private void serve(Context ctx) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                headers.add(Map.entry(name.toLowerCase(Locale.ROOT), value));
            }
        }
        GatewayRequest request = new GatewayRequest(ctx.method().name(), ctx.req().getRequestURI(), ctx.queryString(),
                headers, ctx.bodyAsBytes(), ctx.ip(), ctx.protocol());
        ApiGatewayEvents.HttpResponse response = handle(request);
        ctx.status(response.status());
        response.headers().forEach((name, values) -> values.forEach(v -> ctx.res().addHeader(name, v)));
        ctx.result(response.body());
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        invocations.shutdownNow();
    }
}
