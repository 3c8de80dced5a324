package com.saasspend.atlassian.local;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The local stack's own port, apart from the API port (which serves only the template's routes): tokens, the
 * schedule on demand, events onto the bus, and what is running where.
 * <pre>
 *   GET  /                          what runs where (URLs, routes, functions, rules, schedules)
 *   GET  /health                    200 once the stack is ready
 *   POST /tick[?function=Id]        fires the template's schedules now; answers each function's result
 *   POST /tokens?tenant=T[&amp;email=E] a bearer token for that tenant (text/plain)
 *   POST /events                    {"detail-type","source","detail"[,"bus"]} onto the template's bus
 *   GET  /.well-known/jwks.json     the public key tokens are signed with
 * </pre>
 */
public final class ControlServer implements AutoCloseable {
    private final Javalin app;

    public ControlServer(LocalStack stack, EventBridgeClient events) {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jsonMapper(new JavalinJackson(ApiGatewayEvents.JSON, false));
        });
        app.get("/", ctx -> ctx.json(stack.describe()));
        app.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        app.post("/tick", ctx -> ctx.json(stack.scheduler().tickNow(ctx.queryParam("function"))));
        app.post("/tokens", ctx -> {
            String tenant = ctx.queryParam("tenant");
            if (tenant == null || tenant.isBlank()) {
                throw new BadRequestResponse("tenant is required: POST /tokens?tenant=tenant-demo");
            }
            String email = ctx.queryParamAsClass("email", String.class).getOrDefault("admin@" + tenant + ".example");
            Duration ttl = ctx.queryParam("ttl") == null ? LocalJwtAuthority.DEFAULT_TTL : ScheduleRate.parseDuration(ctx.queryParam("ttl"));
            ctx.contentType("text/plain").result(stack.authority().mint(tenant, email, ttl));
        });
        app.post("/events", ctx -> {
            var body = ApiGatewayEvents.JSON.readTree(ctx.body());
            String bus = body.path("bus").asText(stack.defaultBusName());
            PutEventsResponse response = events.putEvents(r -> r.entries(e -> e.eventBusName(bus)
                    .source(body.path("source").asText("local.control"))
                    .detailType(body.path("detail-type").asText("LocalEvent"))
                    .detail(body.path("detail").toString())));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("bus", bus);
            answer.put("failed", response.failedEntryCount());
            answer.put("eventId", response.entries().get(0).eventId());
            ctx.json(answer);
        });
        app.get("/.well-known/jwks.json", ctx -> ctx.json(stack.authority().publicJwks()));
    }

    public ControlServer start(int port) {
        app.start("127.0.0.1", port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
