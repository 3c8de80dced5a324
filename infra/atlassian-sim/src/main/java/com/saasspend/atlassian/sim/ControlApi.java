package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /_sim}: the simulator's own control surface (no auth; loopback only).
 * <pre>
 * GET    /_sim/requests                      request log + counters (total, byStatus, byMethodAndPath)
 * DELETE /_sim/requests                      clear the log
 * GET    /_sim/faults                        current fault configuration
 * POST   /_sim/faults                        {"rateLimit":{"key":"*","calls":10,"windowSeconds":60},
 *                                             "latencyMillis":50, "failNext":{"count":3,"status":503,"pathRegex":"/users/search"},
 *                                             "failShare":{"share":0.1,"status":500,"pathRegex":"."},
 *                                             "expireCursors":true, "cursorTtlSeconds":60, "adminRetryAfter":true,
 *                                             "stuckCursor":{"pathRegex":"/admin/v1/orgs$"},
 *                                             "licenseLimitOnAdd":{"count":1,"groupId":"..."},
 *                                             "notFoundOnRemove":{"count":1,"groupId":"..."},
 *                                             "auditLog":{"dropNext":1,"duplicateNext":1,"delaySeconds":300,
 *                                                         "unavailable":{"orgId":"...","status":403}}}  (any subset; groupId optional)
 * DELETE /_sim/faults                        clear all faults (audit-log faults included)
 * POST   /_sim/reset                         clear faults and the request log
 * POST   /_sim/world/memberships/remove      {"groupId","accountId"}   (also .../add)
 * POST   /_sim/world/users/{accountId}/suspend | /restore | /deactivate
 * POST   /_sim/world/users                   {"orgId","accountId","name","email","groupIds":[...]}
 * POST   /_sim/world/users/{accountId}/activity  {"product":"jira-software","at":"2026-01-01T00:00:00Z"}
 * POST   /_sim/world/keys/revoke | /expire   {"key":"..."}  (org API key, API token or Trello token)
 * </pre>
 */
final class ControlApi {

    private final Javalin app;
    private final AtlassianSimulator sim;

    ControlApi(Javalin app, AtlassianSimulator sim) {
        this.app = app;
        this.sim = sim;
    }

    void register() {
        app.get("/_sim/requests", this::requestLog);
        app.delete("/_sim/requests", ctx -> {
            sim.clearRequests();
            ctx.status(204);
        });
        app.get("/_sim/faults", ctx -> ctx.json(sim.faults().describe()));
        app.post("/_sim/faults", this::configureFaults);
        app.delete("/_sim/faults", ctx -> {
            sim.faults().clear();
            sim.world().auditLog().clearFaults();
            ctx.status(204);
        });
        app.post("/_sim/reset", ctx -> {
            sim.faults().clear();
            sim.world().auditLog().clearFaults();
            sim.clearRequests();
            ctx.status(204);
        });
        app.post("/_sim/world/memberships/remove", ctx -> membership(ctx, false));
        app.post("/_sim/world/memberships/add", ctx -> membership(ctx, true));
        app.post("/_sim/world/users/{accountId}/suspend", ctx -> found(ctx, sim.world().suspendUser(ctx.pathParam("accountId"))));
        app.post("/_sim/world/users/{accountId}/restore", ctx -> found(ctx, sim.world().restoreUser(ctx.pathParam("accountId"))));
        app.post("/_sim/world/users/{accountId}/deactivate", ctx -> found(ctx, sim.world().deactivateAccount(ctx.pathParam("accountId"))));
        app.post("/_sim/world/users/{accountId}/activity", ctx -> {
            JsonNode b = body(ctx);
            Instant at = b.hasNonNull("at") ? Instant.parse(b.get("at").asText()) : Instant.now();
            found(ctx, sim.world().recordActivity(ctx.pathParam("accountId"), b.path("product").asText(), at));
        });
        app.post("/_sim/world/users", ctx -> {
            JsonNode b = body(ctx);
            List<String> groups = new ArrayList<>();
            for (JsonNode g : b.path("groupIds")) groups.add(g.asText());
            boolean ok = sim.world().addUser(b.path("orgId").asText(), b.path("accountId").asText(), b.path("name").asText(),
                    b.path("email").asText(null), groups.toArray(String[]::new));
            ctx.status(ok ? 201 : 400).json(Map.of("created", ok));
        });
        app.post("/_sim/world/keys/revoke", ctx -> found(ctx, sim.world().revokeKey(body(ctx).path("key").asText())));
        app.post("/_sim/world/keys/expire", ctx -> found(ctx, sim.world().expireKey(body(ctx).path("key").asText())));
    }

    private static JsonNode body(Context ctx) {
        try {
            return Json.parse(ctx.body());
        } catch (ApiError e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static void found(Context ctx, boolean ok) {
        ctx.status(ok ? 204 : 404);
    }

    private void membership(Context ctx, boolean add) {
        JsonNode b = body(ctx);
        World.Change c = add ? sim.world().addMembership(b.path("groupId").asText(), b.path("accountId").asText())
                : sim.world().removeMembership(b.path("groupId").asText(), b.path("accountId").asText());
        ctx.status(c == World.Change.DONE ? 200 : 409).json(Map.of("result", c.name()));
    }

    private void requestLog(Context ctx) {
        List<RecordedRequest> all = sim.requests();
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byPath = new TreeMap<>();
        List<Object> rows = new ArrayList<>();
        for (RecordedRequest r : all) {
            byStatus.merge(Integer.toString(r.status()), 1, Integer::sum);
            byPath.merge(r.method() + " " + r.path(), 1, Integer::sum);
            rows.add(Json.obj("method", r.method(), "path", r.path(), "status", r.status(), "at", r.at().toString()));
        }
        ctx.json(Json.obj("counters", Json.obj("total", all.size(), "byStatus", byStatus, "byMethodAndPath", byPath), "requests", rows));
    }

    private void configureFaults(Context ctx) {
        JsonNode b = body(ctx);
        Faults f = sim.faults();
        if (b.has("rateLimit")) {
            JsonNode r = b.get("rateLimit");
            f.rateLimit(r.path("key").asText(Faults.ANY_KEY), r.path("calls").asInt(), r.path("windowSeconds").asInt(60));
        }
        if (b.has("latencyMillis")) f.latencyMillis(b.get("latencyMillis").asLong());
        if (b.has("failNext")) {
            JsonNode r = b.get("failNext");
            f.failNext(r.path("count").asInt(1), r.path("status").asInt(503), r.path("pathRegex").asText("."));
        }
        if (b.has("failShare")) {
            JsonNode r = b.get("failShare");
            f.failShare(r.path("share").asDouble(), r.path("status").asInt(500), r.path("pathRegex").asText("."));
        }
        if (b.path("expireCursors").asBoolean(false)) f.expireCursors();
        if (b.has("cursorTtlSeconds")) f.cursorTtl(Duration.ofSeconds(b.get("cursorTtlSeconds").asLong()));
        if (b.has("adminRetryAfter")) f.adminRetryAfter(b.get("adminRetryAfter").asBoolean());
        if (b.has("stuckCursor")) f.stuckCursor(b.get("stuckCursor").path("pathRegex").asText("."));
        if (b.has("licenseLimitOnAdd")) {
            JsonNode r = b.get("licenseLimitOnAdd");
            f.licenseLimitOnAdd(r.path("count").asInt(1), r.path("groupId").asText(null));
        }
        if (b.has("notFoundOnRemove")) {
            JsonNode r = b.get("notFoundOnRemove");
            f.notFoundOnRemove(r.path("count").asInt(1), r.path("groupId").asText(null));
        }
        if (b.has("auditLog")) {
            JsonNode a = b.get("auditLog");
            AuditLog log = sim.world().auditLog();
            if (a.has("dropNext")) log.dropNext(a.get("dropNext").asInt());
            if (a.has("duplicateNext")) log.duplicateNext(a.get("duplicateNext").asInt());
            if (a.has("delaySeconds")) log.delay(java.time.Duration.ofSeconds(a.get("delaySeconds").asLong()));
            if (a.has("unavailable")) log.unavailable(a.get("unavailable").path("orgId").asText(), a.get("unavailable").path("status").asInt(403));
        }
        ctx.json(f.describe());
    }
}
