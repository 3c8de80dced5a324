package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.Gateway.Family;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * The {@code stuckCursor} fault ({@link Faults#stuckCursor}): a listing whose next cursor or link never advances.
 * The first successful page of a matching path is remembered with a next cursor/link that points back at itself,
 * and every later request to that path (whatever cursor, start or page it asks for) gets that same page, with the
 * same next, again. Per family, in its own paging dialect:
 * <ul>
 *   <li>admin v1, workspaces ({@code links.next} URL) and v2 ({@code links.next} opaque cursor): the page's next, or
 *       a made-up one when the page was the last;</li>
 *   <li>Jira PageBean: {@code isLast:false}, same {@code startAt}, {@code nextPage} = the request's own URL;</li>
 *   <li>Confluence {@code _links.next} and Bitbucket {@code next}: the page's next, else the request's own link;</li>
 *   <li>Trello (a bare array, paged by the last member's id): the same page again; it only looks unfinished when it
 *       is full (100 members), as Trello's paging is by size.</li>
 * </ul>
 */
final class StuckCursor {
    static final String CURSOR = "sim-stuck-cursor";

    private StuckCursor() {}

    static void serve(Family family, Context ctx, Handler handler, Faults faults) throws Exception {
        String key = ctx.method().name() + " " + ctx.path();
        String replay = faults.stuckPage(key);
        if (replay != null) {
            ctx.status(200).contentType("application/json").result(replay);
            return;
        }
        handler.handle(ctx);
        String body = ctx.result();
        if (ctx.statusCode() != 200 || body == null || body.isBlank()) {
            return;
        }
        String stuck = stick(family, ctx, body);
        faults.rememberStuckPage(key, stuck);
        ctx.result(stuck);
    }

    private static String stick(Family family, Context ctx, String body) throws JsonProcessingException {
        JsonNode root = Json.MAPPER.readTree(body);
        if (!(root instanceof ObjectNode page)) {
            return body; // Trello's bare array, Jira's application roles: replayed as they are
        }
        switch (family) {
            case ADMIN -> {
                ObjectNode links = page.with("links");
                if (!links.hasNonNull("next") || links.path("next").asText().isBlank()) {
                    boolean urls = links.path("self").asText("").startsWith("http") || ctx.path().startsWith("/admin/v1/")
                            || ctx.path().endsWith("/workspaces");
                    links.put("next", urls ? Gateway.origin(ctx) + ctx.path() + "?cursor=" + CURSOR : CURSOR);
                }
            }
            case JIRA -> {
                if (page.has("isLast")) {
                    page.put("isLast", false);
                    page.put("nextPage", ctx.fullUrl());
                }
            }
            case CONFLUENCE -> {
                ObjectNode links = page.with("_links");
                if (!links.hasNonNull("next")) {
                    String path = ctx.path();
                    int wiki = path.indexOf("/wiki/");
                    String query = ctx.queryString();
                    links.put("next", (wiki >= 0 ? path.substring(wiki + "/wiki".length()) : path) + (query == null ? "" : "?" + query));
                }
            }
            case BITBUCKET -> {
                if (!page.hasNonNull("next")) {
                    page.put("next", ctx.fullUrl());
                }
            }
            case TRELLO -> { }
        }
        return Json.MAPPER.writeValueAsString(page);
    }
}
