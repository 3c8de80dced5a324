package com.saasspend.atlassian.sim;

import com.saasspend.atlassian.sim.Gateway.AccountPrincipal;
import com.saasspend.atlassian.sim.Gateway.ErrorDialect;
import com.saasspend.atlassian.sim.Gateway.Family;
import com.saasspend.atlassian.sim.Model.BitbucketWorkspace;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.User;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bitbucket Cloud REST 2.0 (api.bitbucket.org/2.0), mounted under {@code /bitbucket/2.0}. Basic auth
 * with email + API token; page/pagelen paging with a full {@code next} URL; errors are
 * {@code {"type":"error","error":{"message":...}}}.
 *
 * <p>A workspace linked to the org has as members everyone the org grants the Bitbucket product
 * (derived, so removing the granting group removes the member); a workspace created directly in
 * Bitbucket keeps its own member list.
 */
final class BitbucketApi {

    static final int DEFAULT_PAGELEN = 10;
    static final int MAX_PAGELEN = 100;
    private static final Pattern PERMISSION_QUERY = Pattern.compile("permission\\s*=\\s*\"(\\w+)\"");

    static final ErrorDialect ERRORS = (s, code, msg, ctx) -> Json.obj("type", "error", "error", Json.obj("message", msg));

    private final Gateway gw;
    private final World world;

    BitbucketApi(Gateway gw) {
        this.gw = gw;
        this.world = gw.world;
    }

    void register() {
        gw.route(HandlerType.GET, "/bitbucket/2.0/user", Family.BITBUCKET, ERRORS, this::currentUser);
        gw.route(HandlerType.GET, "/bitbucket/2.0/workspaces/{workspace}/members", Family.BITBUCKET, ERRORS, ctx -> members(ctx, false));
        gw.route(HandlerType.GET, "/bitbucket/2.0/workspaces/{workspace}/permissions", Family.BITBUCKET, ERRORS, ctx -> members(ctx, true));
    }

    static Map<String, Object> account(User u) {
        return Json.obj("type", "user", "uuid", u.bitbucketUuid, "display_name", u.name, "nickname", u.trelloUsername,
                "account_id", u.accountId, "links", Json.obj("avatar", Json.obj("href", AdminApi.avatar(u))));
    }

    private void currentUser(Context ctx) {
        AccountPrincipal p = Gateway.principal(ctx);
        ctx.json(world.read(() -> {
            Map<String, Object> m = account(p.user());
            m.put("account_status", "active");
            return m;
        }));
    }

    /** owner | collaborator | member for every member of the workspace, keyed by account id. */
    private TreeMap<String, String> permissions(BitbucketWorkspace ws) {
        TreeMap<String, String> out = new TreeMap<>();
        if (ws.productId != null) {
            Org org = world.orgOfBitbucketWorkspace(ws);
            Product p = org.products.get(ws.productId);
            for (User u : org.users.values())
                if (p != null && world.hasAccess(org, u, p)) out.put(u.accountId, ws.permissions.getOrDefault(u.accountId, "member"));
        } else {
            for (Map.Entry<String, String> e : ws.permissions.entrySet())
                if (world.findUser(e.getKey()) != null) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private void members(Context ctx, boolean withPermission) {
        AccountPrincipal p = Gateway.principal(ctx);
        String slug = ctx.pathParam("workspace");
        int page = positive(ctx.queryParam("page"), 1, "page");
        int pagelen = Paging.clamp(positive(ctx.queryParam("pagelen"), DEFAULT_PAGELEN, "pagelen"), 1, MAX_PAGELEN);
        String q = ctx.queryParam("q");
        String wantedPermission = null;
        if (q != null) {
            Matcher m = PERMISSION_QUERY.matcher(q);
            if (!m.find()) throw new ApiError(400, "Invalid query: only permission=\"...\" is supported by the simulator");
            wantedPermission = m.group(1);
        }
        String filter = wantedPermission;
        String path = ctx.path();
        ctx.json(world.read(() -> {
            BitbucketWorkspace ws = world.bitbucketWorkspace(slug);
            if (ws == null) throw new ApiError(404, "No workspace with identifier '" + slug + "'.");
            TreeMap<String, String> perms = permissions(ws);
            if (!perms.containsKey(p.user().accountId)) throw new ApiError(403, "You do not have access to this workspace.");
            List<Map.Entry<String, String>> rows = new ArrayList<>();
            for (Map.Entry<String, String> e : perms.entrySet()) if (filter == null || filter.equals(e.getValue())) rows.add(e);
            List<Object> values = new ArrayList<>();
            for (Map.Entry<String, String> e : Paging.slice(rows, (long) (page - 1) * pagelen, pagelen)) {
                User u = world.findUser(e.getKey());
                Map<String, Object> v = Json.obj("type", "workspace_membership");
                if (withPermission) v.put("permission", e.getValue());
                v.put("user", account(u));
                v.put("workspace", Json.obj("type", "workspace", "uuid", ws.uuid, "slug", ws.slug, "name", ws.name));
                values.add(v);
            }
            String base = Gateway.origin(ctx) + path + "?" + (q == null ? "" : "q=" + AdminApi.enc(q) + "&") + "pagelen=" + pagelen + "&page=";
            boolean more = (long) page * pagelen < rows.size();
            return Json.obj("pagelen", pagelen, "size", rows.size(), "page", page, "values", values,
                    "next", more ? base + (page + 1) : null, "previous", page > 1 ? base + (page - 1) : null);
        }));
    }

    private static int positive(String raw, int dflt, String name) {
        if (raw == null || raw.isBlank()) return dflt;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 1) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "Invalid " + name + ": " + raw);
        }
    }
}
