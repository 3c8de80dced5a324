package com.saasspend.atlassian.sim;

import com.saasspend.atlassian.sim.Gateway.ErrorDialect;
import com.saasspend.atlassian.sim.Gateway.Family;
import com.saasspend.atlassian.sim.Gateway.TrelloPrincipal;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.Trello;
import com.saasspend.atlassian.sim.Model.TrelloWorkspace;
import com.saasspend.atlassian.sim.Model.User;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trello REST API (api.trello.com/1), mounted under {@code /trello/1}. Auth is the {@code key} and
 * {@code token} query parameters. Errors use the spec's Error schema {@code {code, message}}; 429s
 * use the documented {@code {"error":"API_TOKEN_LIMIT_EXCEEDED","message":...}}.
 *
 * <p>The Trello members of the enterprise are the org's atlassian accounts with Trello access plus
 * anyone on a workspace's member list; "licensed" means the org currently grants them Trello.
 */
final class TrelloApi {

    /** "paginated and will return 100 users at a time". */
    static final int MEMBERS_QUERY_PAGE = 100;

    static final ErrorDialect ERRORS = (s, code, msg, ctx) -> Json.obj("code", codeFor(s), "message", msg);

    private final Gateway gw;
    private final World world;

    TrelloApi(Gateway gw) {
        this.gw = gw;
        this.world = gw.world;
    }

    void register() {
        gw.route(HandlerType.GET, "/trello/1/members/{id}", Family.TRELLO, ERRORS, this::member);
        gw.route(HandlerType.GET, "/trello/1/enterprises/{id}", Family.TRELLO, ERRORS, this::enterprise);
        gw.route(HandlerType.GET, "/trello/1/enterprises/{id}/members/query", Family.TRELLO, ERRORS, this::queryMembers);
        gw.route(HandlerType.GET, "/trello/1/organizations/{id}/members", Family.TRELLO, ERRORS, this::workspaceMembers);
        gw.route(HandlerType.PUT, "/trello/1/organizations/{id}/members/{idMember}/deactivated", Family.TRELLO, ERRORS, this::deactivate);
    }

    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 429 -> "API_TOKEN_LIMIT_EXCEEDED";
            default -> status >= 500 ? "SERVER_ERROR" : "ERROR";
        };
    }

    private Map<String, Object> member(Org org, User u) {
        List<String> workspaces = new ArrayList<>();
        if (org.trello != null)
            for (TrelloWorkspace w : org.trello.workspaces) if (w.memberAccountIds.contains(u.accountId)) workspaces.add(w.id);
        return Json.obj("id", u.trelloMemberId, "fullName", u.name, "username", u.trelloUsername, "initials", Ids.initials(u.name),
                "email", u.email, "confirmed", true, "memberType", "normal",
                "avatarUrl", "https://trello-members.s3.amazonaws.com/" + u.trelloMemberId + "/avatar",
                "idEnterprise", org.trello == null ? null : org.trello.enterpriseId, "idOrganizations", workspaces,
                "url", "https://trello.com/" + u.trelloUsername);
    }

    /** GET /members/{id}: "me" is the token's member. */
    private void member(Context ctx) {
        TrelloPrincipal p = Gateway.principal(ctx);
        String id = ctx.pathParam("id");
        ctx.json(world.read(() -> {
            User u = "me".equals(id) ? p.user() : world.userByTrelloMemberId(id);
            if (u == null) throw new ApiError(404, "member not found");
            return member(world.orgOfAccount(u.accountId), u);
        }));
    }

    /** The token must belong to an admin of the enterprise's org (Trello answers 401 for missing permission). */
    private Trello requireEnterprise(Context ctx, String enterpriseId) {
        TrelloPrincipal p = Gateway.principal(ctx);
        Trello t = world.trelloEnterprise(enterpriseId);
        if (t == null) throw new ApiError(404, "enterprise not found");
        if (p.org() == null || p.org().trello != t || !p.user().platformRoles.contains("atlassian/org-admin"))
            throw new ApiError(401, "unauthorized enterprise permission requested");
        return t;
    }

    private void enterprise(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.json(world.read(() -> {
            Trello t = requireEnterprise(ctx, id);
            Org org = world.orgOfAccount(((TrelloPrincipal) Gateway.principal(ctx)).user().accountId);
            List<String> admins = new ArrayList<>();
            List<String> domains = new ArrayList<>();
            int licensed = 0;
            Product product = org.products.get(t.productId);
            for (User u : org.users.values()) {
                if (product != null && world.hasAccess(org, u, product)) {
                    licensed++;
                    if (u.platformRoles.contains("atlassian/org-admin")) admins.add(u.trelloMemberId);
                }
            }
            for (Model.Domain d : org.domains) if ("verified".equals(d.status)) domains.add(d.name);
            List<String> workspaceIds = t.workspaces.stream().map(w -> w.id).toList();
            return Json.obj("id", t.enterpriseId, "name", t.name, "displayName", t.displayName, "logoHash", null,
                    "idAdmins", admins, "idOrganizations", workspaceIds, "isRealEnterprise", true,
                    "enterpriseDomains", domains, "domains", domains,
                    "licenses", Json.obj("maxMembers", product == null ? null : product.capacity, "totalMembers", licensed));
        }));
    }

    /** Enterprise membership view of one person; null when they are not a member of the enterprise at all. */
    private Map<String, Object> membership(Org org, Trello t, User u) {
        if (!"atlassian".equals(u.accountType) || u.trelloMemberId == null) return null;
        Product product = org.products.get(t.productId);
        boolean licensed = product != null && world.hasAccess(org, u, product);
        int workspaces = 0;
        int deactivatedIn = 0;
        for (TrelloWorkspace w : t.workspaces) {
            if (!w.memberAccountIds.contains(u.accountId)) continue;
            workspaces++;
            if (w.deactivatedMemberIds.contains(u.trelloMemberId)) deactivatedIn++;
        }
        if (!licensed && workspaces == 0) return null;
        boolean deactivated = !"active".equals(u.accountStatus) || (workspaces > 0 && deactivatedIn == workspaces);
        Instant last = product == null ? null : u.lastActive.get(product.id);
        return Json.obj("managed", "managed".equals(u.claimStatus), "licensed", licensed,
                "admin", u.platformRoles.contains("atlassian/org-admin"), "deactivated", deactivated,
                // A workspace member without an enterprise licence is a (free) guest collaborator.
                "collaborator", !licensed,
                "member", Json.obj("id", u.trelloMemberId, "fullname", u.name, "username", u.trelloUsername,
                        "dateLastImpression", last == null ? null : Json.millis(last), "email", u.email,
                        "initials", Ids.initials(u.name), "avatarURL", "https://trello-members.s3.amazonaws.com/" + u.trelloMemberId + "/avatar",
                        "memberType", u.platformRoles.contains("atlassian/org-admin") ? "admin" : "normal", "confirmed", true));
    }

    /**
     * 100 members per call, ordered by member id. Where Trello returns the next cursor is UNCONFIRMED;
     * the response is a bare array (per spec), so the cursor is the id of the last member returned:
     * call again with {@code cursor=<last member id>} until a page has fewer than 100 members.
     * Boolean filters only apply when given; activeSince/inactiveSince compare dateLastImpression (yyyy-MM-dd or ISO).
     */
    private void queryMembers(Context ctx) {
        String id = ctx.pathParam("id");
        Boolean licensed = bool(ctx, "licensed");
        Boolean deactivated = bool(ctx, "deactivated");
        Boolean collaborator = bool(ctx, "collaborator");
        Boolean managed = bool(ctx, "managed");
        Boolean admin = bool(ctx, "admin");
        Instant activeSince = instant(ctx, "activeSince");
        Instant inactiveSince = instant(ctx, "inactiveSince");
        String search = ctx.queryParam("search") == null ? null : ctx.queryParam("search").toLowerCase(Locale.ROOT);
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && !cursor.matches("[0-9a-fA-F]{24}")) throw new ApiError(400, "invalid cursor");
        ctx.json(world.read(() -> {
            Trello t = requireEnterprise(ctx, id);
            Org org = world.orgOfAccount(((TrelloPrincipal) Gateway.principal(ctx)).user().accountId);
            Product product = org.products.get(t.productId);
            TreeMap<String, User> byMemberId = new TreeMap<>();
            for (User u : org.users.values()) if (u.trelloMemberId != null) byMemberId.put(u.trelloMemberId, u);
            List<Object> out = new ArrayList<>();
            for (User u : (cursor == null ? byMemberId : byMemberId.tailMap(cursor, false)).values()) {
                Map<String, Object> m = membership(org, t, u);
                if (m == null) continue;
                if (licensed != null && !licensed.equals(m.get("licensed"))) continue;
                if (deactivated != null && !deactivated.equals(m.get("deactivated"))) continue;
                if (collaborator != null && !collaborator.equals(m.get("collaborator"))) continue;
                if (managed != null && !managed.equals(m.get("managed"))) continue;
                if (admin != null && !admin.equals(m.get("admin"))) continue;
                Instant last = product == null ? null : u.lastActive.get(product.id);
                if (activeSince != null && (last == null || last.isBefore(activeSince))) continue;
                if (inactiveSince != null && last != null && !last.isBefore(inactiveSince)) continue;
                if (search != null && !(AdminApi.contains(u.name, search) || AdminApi.contains(u.email, search) || AdminApi.contains(u.trelloUsername, search))) continue;
                out.add(m);
                if (out.size() == MEMBERS_QUERY_PAGE) break;
            }
            return out;
        }));
    }

    private static Boolean bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() || "none".equals(v) ? null : Boolean.parseBoolean(v);
    }

    private static Instant instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank() || "none".equals(v)) return null;
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(v);
        } catch (RuntimeException e) {
            throw new ApiError(400, "invalid value for " + name);
        }
    }

    /** Workspace members who can use Trello and are not deactivated in this workspace. No paging (none documented). */
    private void workspaceMembers(Context ctx) {
        String id = ctx.pathParam("id");
        TrelloPrincipal p = Gateway.principal(ctx);
        ctx.json(world.read(() -> {
            TrelloWorkspace w = world.trelloWorkspace(id);
            if (w == null) throw new ApiError(404, "model not found");
            Org org = world.orgOfTrelloWorkspace(w);
            if (org != p.org()) throw new ApiError(401, "unauthorized organization permission requested");
            Product product = org.products.get(org.trello.productId);
            List<Object> out = new ArrayList<>();
            for (String accountId : w.memberAccountIds) {
                User u = org.users.get(accountId);
                if (u == null || w.deactivatedMemberIds.contains(u.trelloMemberId)) continue;
                if (product != null && !world.hasAccess(org, u, product)) continue;
                out.add(member(org, u));
            }
            return out;
        }));
    }

    /** PUT .../members/{idMember}/deactivated?value=true|false; org admins only. Answers the workspace. */
    private void deactivate(Context ctx) {
        String id = ctx.pathParam("id");
        String idMember = ctx.pathParam("idMember");
        String value = ctx.queryParam("value");
        if (!"true".equals(value) && !"false".equals(value)) throw new ApiError(400, "invalid value for value");
        TrelloPrincipal p = Gateway.principal(ctx);
        Map<String, Object> out = world.write(() -> {
            TrelloWorkspace w = world.trelloWorkspace(id);
            if (w == null) throw new ApiError(404, "model not found");
            Org org = world.orgOfTrelloWorkspace(w);
            if (org != p.org() || !p.user().platformRoles.contains("atlassian/org-admin"))
                throw new ApiError(401, "unauthorized organization permission requested");
            User u = world.userByTrelloMemberId(idMember);
            if (u == null) {
                for (User candidate : org.users.values()) if (idMember.equals(candidate.trelloUsername)) u = candidate;
            }
            if (u == null || !w.memberAccountIds.contains(u.accountId)) throw new ApiError(404, "member not found");
            if (Boolean.parseBoolean(value)) w.deactivatedMemberIds.add(u.trelloMemberId);
            else w.deactivatedMemberIds.remove(u.trelloMemberId);
            return Json.obj("id", w.id, "name", w.name, "displayName", w.displayName);
        });
        ctx.json(out);
    }
}
