package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.saasspend.atlassian.sim.Gateway.AdminPrincipal;
import com.saasspend.atlassian.sim.Gateway.ErrorDialect;
import com.saasspend.atlassian.sim.Gateway.Family;
import com.saasspend.atlassian.sim.Model.Directory;
import com.saasspend.atlassian.sim.Model.Domain;
import com.saasspend.atlassian.sim.Model.Group;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.RoleGrant;
import com.saasspend.atlassian.sim.Model.User;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Organizations REST API (api.atlassian.com/admin): v1 orgs, domains, managed accounts and
 * last-active dates; v2 directories, users/search, groups, memberships, suspend/restore and
 * workspaces. Mounted under {@code /admin}.
 */
final class AdminApi {

    /** v1 lists have no limit parameter and the server page size is UNCONFIRMED; we serve 100 per page. */
    static final int V1_PAGE_SIZE = 100;

    private static final Set<String> USER_EXPANDS = Set.of("platformRoles", "counts.resources", "productAccess", "groups");
    private static final Set<String> GROUP_EXPANDS = Set.of("counts.users", "counts.resources");
    private static final String GROUP_ARI_PREFIX = "ari:cloud:identity::group/";

    // Error bodies. v1 and workspaces answer 401/429 from the gateway with ProxyError {code,message};
    // v2 directory endpoints document Errors {errors:[{id,status,code,title,detail}]} for every status.
    static final ErrorDialect V1 = (s, code, msg, ctx) -> (s == 401 || s == 429) ? proxyError(s, msg) : errors(s, code, msg);
    static final ErrorDialect V2 = (s, code, msg, ctx) -> errors(s, code, msg);
    /** Domains list documents 403 as NoPermsError. */
    static final ErrorDialect V1_DOMAINS = (s, code, msg, ctx) -> s == 403
            ? Json.obj("status", 403, "error", "Forbidden", "message", msg, "path", ctx.path(),
                    "requestId", Gateway.errorId(), "timestamp", Instant.now().toString())
            : V1.body(s, code, msg, ctx);
    /** Workspaces documents a single ApplicationError object (not wrapped in errors[]) for 4xx/5xx other than 401. */
    static final ErrorDialect WORKSPACES = (s, code, msg, ctx) -> (s == 401 || s == 429) ? proxyError(s, msg) : applicationError(s, code, msg);

    private final Gateway gw;
    private final World world;
    private final CursorStore cursors;

    AdminApi(Gateway gw) {
        this.gw = gw;
        this.world = gw.world;
        this.cursors = gw.cursors;
    }

    void register() {
        String v1 = "/admin/v1/orgs";
        String dir = "/admin/v2/orgs/{orgId}/directories/{directoryId}";
        gw.route(HandlerType.GET, v1, Family.ADMIN, V1, this::listOrgs);
        gw.route(HandlerType.GET, v1 + "/{orgId}", Family.ADMIN, V1, this::getOrg);
        gw.route(HandlerType.GET, v1 + "/{orgId}/domains", Family.ADMIN, V1_DOMAINS, this::listDomains);
        gw.route(HandlerType.GET, v1 + "/{orgId}/users", Family.ADMIN, V1, this::listManagedAccounts);
        gw.route(HandlerType.GET, v1 + "/{orgId}/directory/users/{accountId}/last-active-dates", Family.ADMIN, V1, this::lastActiveDates);
        gw.route(HandlerType.GET, v1 + "/{orgId}/events-stream", Family.ADMIN, V1, this::pollEvents);
        gw.route(HandlerType.GET, v1 + "/{orgId}/event-actions", Family.ADMIN, V1, this::eventActions);
        gw.route(HandlerType.GET, "/admin/v2/orgs/{orgId}/directories", Family.ADMIN, V2, this::listDirectories);
        gw.route(HandlerType.POST, "/admin/v2/orgs/{orgId}/workspaces", Family.ADMIN, WORKSPACES, this::searchWorkspaces);
        gw.route(HandlerType.POST, dir + "/users/search", Family.ADMIN, V2, this::searchUsers);
        gw.route(HandlerType.POST, dir + "/groups/search", Family.ADMIN, V2, this::searchGroups);
        gw.route(HandlerType.GET, dir + "/groups/{groupId}", Family.ADMIN, V2, this::getGroup);
        gw.route(HandlerType.GET, dir + "/groups/{groupId}/role-assignments", Family.ADMIN, V2, this::groupRoleAssignments);
        gw.route(HandlerType.POST, dir + "/groups/{groupId}/memberships", Family.ADMIN, V2, this::addMembership);
        gw.route(HandlerType.DELETE, dir + "/groups/{groupId}/memberships/{accountId}", Family.ADMIN, V2, this::removeMembership);
        gw.route(HandlerType.POST, dir + "/users/{accountId}/suspend", Family.ADMIN, V2, ctx -> setSuspended(ctx, true));
        gw.route(HandlerType.POST, dir + "/users/{accountId}/restore", Family.ADMIN, V2, ctx -> setSuspended(ctx, false));
    }

    // ------------------------------------------------------------------ error bodies

    static Map<String, Object> proxyError(int status, String message) {
        return Json.obj("code", status, "message", message);
    }

    static Map<String, Object> applicationError(int status, String code, String message) {
        return Json.obj("id", Gateway.errorId(), "status", Integer.toString(status), "code", code != null ? code : defaultCode(status),
                "title", Gateway.title(status), "detail", message);
    }

    static Map<String, Object> errors(int status, String code, String message) {
        return Json.obj("errors", List.of(applicationError(status, code, message)));
    }

    static String defaultCode(int status) {
        return switch (status) {
            case 400 -> "ADMIN-400-24";
            case 401 -> "ADMIN-401-2";
            case 403 -> "ADMIN-403-3";
            case 404 -> "ADMIN-404-1";
            case 409 -> "ADMIN-409-28";
            case 429 -> "ADMIN-429-1";
            default -> status >= 500 ? "ADMIN-500-1" : "ADMIN-" + status + "-1";
        };
    }

    // ------------------------------------------------------------------ authorization

    /**
     * The key must belong to the org in the path and carry the scope (unscoped keys carry all).
     * Another org's id: 404 "Organization not found" where the operation documents 404, else 403 —
     * a key never learns whether a foreign org exists.
     */
    private Org requireOrg(Context ctx, String scope, boolean notFoundDocumented) {
        AdminPrincipal p = Gateway.principal(ctx);
        String orgId = ctx.pathParam("orgId");
        if (p.org() == null || !p.org().id.equals(orgId)) {
            if (notFoundDocumented) throw ApiError.notFound("ADMIN-404-2", "Organization not found");
            throw new ApiError(403, "ADMIN-403-3", "You are not allowed to manage this organization");
        }
        // Scope names per operation come from the spec's descriptions; where the spec names none
        // (v2 search/write operations) the chosen scope is noted at the call site.
        if (p.key().scopes != null && !p.key().scopes.contains(scope))
            throw new ApiError(403, "ADMIN-403-3", "The API key does not have the required scope: " + scope);
        return p.org();
    }

    private static Directory requireDirectory(Org org, String directoryId) {
        if ("-".equals(directoryId)) return null;
        Directory d = org.directory(directoryId);
        if (d == null) throw ApiError.notFound("ADMIN-404-1", "Directory not found: " + directoryId);
        return d;
    }

    // ------------------------------------------------------------------ v1

    private Map<String, Object> orgModel(Context ctx, Org org) {
        String self = Gateway.origin(ctx) + "/admin/v1/orgs/" + org.id;
        return Json.obj("id", org.id, "type", "orgs", "attributes", Json.obj("name", org.name),
                "relationships", Json.obj(
                        "domains", Json.obj("links", Json.obj("related", self + "/domains")),
                        "users", Json.obj("links", Json.obj("related", self + "/users"))),
                "links", Json.obj("self", self));
    }

    /** A key belongs to exactly one org, so the list holds that org; any cursor is foreign (single page) and rejected. */
    private void listOrgs(Context ctx) {
        AdminPrincipal p = Gateway.principal(ctx);
        if (p.key().scopes != null && !p.key().scopes.contains("read:orgs:admin"))
            throw new ApiError(403, "ADMIN-403-3", "The API key does not have the required scope: read:orgs:admin");
        if (ctx.queryParam("cursor") != null) cursors.resolve(ctx.queryParam("cursor"), "v1orgs");
        Map<String, Object> body = world.read(() -> Json.obj(
                "data", List.of(orgModel(ctx, p.org())),
                "links", Json.obj("self", Gateway.origin(ctx) + "/admin/v1/orgs")));
        ctx.json(body);
    }

    private void getOrg(Context ctx) {
        Org org = requireOrg(ctx, "read:orgs:admin", true);
        ctx.json(world.read(() -> Json.obj("data", orgModel(ctx, org))));
    }

    private void listDomains(Context ctx) {
        Org org = requireOrg(ctx, "read:domains:admin", false);
        if (ctx.queryParam("cursor") != null) cursors.resolve(ctx.queryParam("cursor"), "v1domains:" + org.id);
        String base = Gateway.origin(ctx) + "/admin/v1/orgs/" + org.id + "/domains";
        ctx.json(world.read(() -> {
            List<Object> data = new ArrayList<>();
            for (Domain d : org.domains)
                data.add(Json.obj("id", d.id, "type", "domains",
                        "attributes", Json.obj("name", d.name, "claim", Json.obj("type", d.claimType, "status", d.status)),
                        "links", Json.obj("self", base + "/" + d.id)));
            return Json.obj("data", data, "links", Json.obj("self", base));
        }));
    }

    /** Managed accounts only (accounts on this org's verified domains), 100 per page, links are full URLs. */
    private void listManagedAccounts(Context ctx) {
        Org org = requireOrg(ctx, "read:accounts:admin", true);
        String scope = "v1users:" + org.id;
        String token = ctx.queryParam("cursor");
        CursorStore.Cursor used = token == null ? null : cursors.resolve(token, scope);
        String base = Gateway.origin(ctx) + "/admin/v1/orgs/" + org.id + "/users";
        ctx.json(world.read(() -> {
            Predicate<User> managed = u -> "managed".equals(u.claimStatus);
            Paging.Page<User> page = Paging.keyset(org.users, used == null ? null : used.afterKey(), managed, V1_PAGE_SIZE);
            long total = org.users.values().stream().filter(managed).count();
            List<Object> data = new ArrayList<>();
            for (User u : page.items()) data.add(v1User(org, u, base));
            String self = token != null ? token : null;
            Map<String, Object> links = new LinkedHashMap<>();
            links.put("self", self == null ? base : base + "?cursor=" + enc(self));
            if (page.more()) {
                String selfToken = self != null ? self : cursors.issue(scope, null, null, null);
                links.put("next", base + "?cursor=" + enc(cursors.issue(scope, null, page.lastKey(), selfToken)));
            }
            if (used != null && used.previous() != null) links.put("prev", base + "?cursor=" + enc(used.previous()));
            return Json.obj("data", data, "links", links, "meta", Json.obj("total", total));
        }));
    }

    private Map<String, Object> v1User(Org org, User u, String base) {
        List<Object> access = new ArrayList<>();
        Instant lastActive = null;
        for (Product p : world.accessibleProducts(org, u)) {
            Instant at = u.lastActive.get(p.id);
            access.add(Json.obj("key", v1ProductKey(p.key), "name", p.name, "url", p.hostUrl == null ? null : "https://" + p.hostUrl,
                    "last_active", at == null ? null : at.toString()));
        }
        for (Instant at : u.lastActive.values()) if (lastActive == null || at.isAfter(lastActive)) lastActive = at;
        return Json.obj("account_id", u.accountId, "account_type", u.accountType, "account_status", u.accountStatus,
                "name", u.name, "picture", avatar(u), "email", u.email,
                // "Billable status of User in Atlassian Guard Standard": active managed accounts count.
                "access_billable", "active".equals(u.accountStatus) && !u.suspended,
                "last_active", lastActive == null ? null : lastActive.toString(),
                "product_access", access,
                "links", Json.obj("self", base + "/" + enc(u.accountId)));
    }

    /** v1 spells Jira Service Management "jira-service-desk"; roles and Jira use "jira-servicedesk". */
    static String v1ProductKey(String key) {
        return "jira-servicedesk".equals(key) ? "jira-service-desk" : key;
    }

    /**
     * Products the user can use and has used, with their last activity. A never-used account gets an
     * empty list, as documented; added_to_org is only reported on centralized (single-directory) orgs.
     * Always a single page, so links.next never appears.
     */
    private void lastActiveDates(Context ctx) {
        Org org = requireOrg(ctx, "read:accounts:admin", true);
        String accountId = ctx.pathParam("accountId");
        if (ctx.queryParam("cursor") != null) cursors.resolve(ctx.queryParam("cursor"), "v1lastactive:" + org.id);
        ctx.json(world.read(() -> {
            User u = org.users.get(accountId);
            if (u == null) throw ApiError.notFound("ADMIN-404-8", "User not found");
            List<Object> access = new ArrayList<>();
            for (Product p : world.accessibleProducts(org, u)) {
                Instant at = u.lastActive.get(p.id);
                if (at == null) continue;
                access.add(Json.obj("id", p.id, "key", v1ProductKey(p.key), "last_active", Json.date(at), "last_active_timestamp", Json.seconds(at)));
            }
            boolean centralized = org.directories.size() == 1;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("product_access", access);
            data.put("added_to_org", centralized ? Json.date(u.addedToOrg) : null);
            data.put("added_to_org_timestamp", centralized ? Json.seconds(u.addedToOrg) : null);
            return Json.obj("data", data, "links", Json.obj());
        }));
    }

    // ------------------------------------------------------------------ v1 audit events

    /** The stream's page size when the request names none (the documented default). */
    static final int EVENTS_DEFAULT_LIMIT = 200;

    /**
     * Audit events in processing order (asc by default; desc on request, kept in the cursor). Paging: {@code meta.next}
     * is always the cursor to continue from ("can be used when last page is reached to poll for new events"), and
     * {@code links.next} (a full URL) appears only while more events are already there. A cursor carries the query
     * (from, to, limit, sortOrder); like every cursor here it expires ({@link Faults#expireCursors()}) with ADMIN-400-1.
     */
    private void pollEvents(Context ctx) {
        Org org = requireOrg(ctx, "read:events:admin", false);
        Integer refused = world.auditLog().unavailableStatus(org.id);
        if (refused != null) {
            if (refused == 404) throw ApiError.notFound("ADMIN-404-1", "This organization has no audit log");
            throw new ApiError(refused, "ADMIN-403-3", "This organization's plan does not include the audit log");
        }
        String scope = "v1events:" + org.id;
        String token = ctx.queryParam("cursor");
        CursorStore.Cursor used = token == null ? null : cursors.resolve(token, scope);
        ObjectNode query;
        if (used != null) {
            query = ((ObjectNode) used.query()).deepCopy();
        } else {
            query = Json.MAPPER.createObjectNode();
            query.put("from", epochMillis(ctx.queryParam("from"), 0L));
            query.put("to", epochMillis(ctx.queryParam("to"), Long.MAX_VALUE));
            query.put("desc", "desc".equals(ctx.queryParam("sortOrder")));
        }
        // A limit sent with the cursor applies to this page (the cursor keeps the position and filters).
        if (ctx.queryParam("limit") != null) query.put("limit", eventsLimit(ctx.queryParam("limit")));
        int limit = query.path("limit").asInt(EVENTS_DEFAULT_LIMIT);
        long from = query.path("from").asLong();
        long to = query.path("to").asLong();
        boolean desc = query.path("desc").asBoolean();
        String base = Gateway.origin(ctx) + "/admin/v1/orgs/" + org.id + "/events-stream";
        ctx.json(world.read(() -> {
            NavigableMap<String, AuditLog.Event> events = world.auditLog().visible(org.id, world.now());
            if (desc) events = events.descendingMap();
            Predicate<AuditLog.Event> inWindow = e -> e.time().toEpochMilli() >= from && e.time().toEpochMilli() <= to;
            String after = used == null ? null : used.afterKey();
            Paging.Page<AuditLog.Event> page = Paging.keyset(events, after, inWindow, limit);
            List<Object> data = new ArrayList<>();
            for (AuditLog.Event e : page.items()) data.add(eventModel(org, e, base));
            // Where the next poll continues: after the last event returned, or where this one started.
            String position = page.lastKey() != null ? page.lastKey() : after;
            String next = cursors.issue(scope, query, position, token);
            Map<String, Object> links = new LinkedHashMap<>();
            links.put("self", token == null ? base : base + "?cursor=" + enc(token));
            if (page.more()) links.put("next", base + "?cursor=" + enc(next));
            if (used != null && used.previous() != null) links.put("prev", base + "?cursor=" + enc(used.previous()));
            return Json.obj("data", data, "links", links, "meta", Json.obj("next", next, "page_size", data.size()));
        }));
    }

    /** The stream's documented page size: 1 to 500. */
    private static int eventsLimit(String raw) {
        try {
            int v = Integer.parseInt(raw);
            if (v >= 1 && v <= 500) return v;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("ADMIN-400-24", "limit must be between 1 and 500");
    }

    private static long epochMillis(String value, long absent) {
        if (value == null) return absent;
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("ADMIN-400-3", "Invalid time: " + value);
        }
    }

    private Map<String, Object> eventModel(Org org, AuditLog.Event e, String base) {
        List<Object> context = new ArrayList<>();
        for (String[] object : e.objects()) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            if ("users".equals(object[0])) {
                User u = org.users.get(object[1]);
                if (u != null) attributes.put("name", u.name);
            } else if ("groups".equals(object[0])) {
                Group g = org.groups.get(object[1]);
                if (g != null) attributes.put("name", g.name);
            }
            context.add(Json.obj("id", object[1], "type", object[0], "attributes", attributes));
        }
        String self = base.substring(0, base.length() - "-stream".length());
        return Json.obj("id", e.id(), "type", "events",
                "attributes", Json.obj("time", e.time().toString(), "processedAt", e.processedAt().toString(),
                        "action", e.action(),
                        "actor", Json.obj("id", e.actorId(), "name", "Organization admin",
                                "auth", Json.obj("authType", "api-token")),
                        "context", context,
                        "container", List.of(Json.obj("id", org.id, "type", "orgs", "attributes", Json.obj("name", org.name))),
                        "location", Json.obj("ip", "127.0.0.1")),
                "links", Json.obj("self", self + "/" + e.id()));
    }

    /** The actions the org's audit log records (what an incremental reader checks it can rely on). */
    private void eventActions(Context ctx) {
        Org org = requireOrg(ctx, "read:events:admin", true);
        Integer refused = world.auditLog().unavailableStatus(org.id);
        if (refused != null) throw ApiError.notFound("ADMIN-404-2", "Organization not found");
        List<Object> data = new ArrayList<>();
        for (String action : world.auditLog().actions(org.id)) {
            String[] names = AuditLog.ACTIONS.get(action);
            data.add(Json.obj("id", action, "type", "event-actions",
                    "attributes", Json.obj("displayName", names[0], "groupDisplayName", names[1])));
        }
        ctx.json(Json.obj("data", data));
    }

    // ------------------------------------------------------------------ v2 directories

    private void listDirectories(Context ctx) {
        Org org = requireOrg(ctx, "read:directories:admin", false);
        String scope = "v2directories:" + org.id;
        ObjectNode query = Json.MAPPER.createObjectNode();
        String token = ctx.queryParam("cursor");
        CursorStore.Cursor used = null;
        if (token != null) {
            // "If present, all other parameters are discarded."
            used = cursors.resolve(token, scope);
            query = (ObjectNode) used.query();
        } else {
            if (ctx.queryParam("accountId") != null) query.put("accountId", ctx.queryParam("accountId"));
            if (ctx.queryParam("searchTerm") != null) query.put("searchTerm", ctx.queryParam("searchTerm"));
            List<String> ids = multi(ctx, "directoryIds");
            if (!ids.isEmpty()) query.set("directoryIds", Json.MAPPER.valueToTree(ids));
            query.put("limit", limit(ctx.queryParam("limit"), 20));
        }
        ObjectNode q = query;
        CursorStore.Cursor usedCursor = used;
        ctx.json(world.read(() -> {
            NavigableMap<String, Directory> dirs = new TreeMap<>();
            for (Directory d : org.directories) dirs.put(d.id, d);
            Set<String> wanted = strings(q.get("directoryIds"));
            String accountId = text(q, "accountId");
            String term = lower(text(q, "searchTerm"));
            Predicate<Directory> filter = d -> (wanted.isEmpty() || wanted.contains(d.id))
                    && (term == null || d.name.toLowerCase(Locale.ROOT).contains(term))
                    && (accountId == null || (org.users.containsKey(accountId) && d.id.equals(org.users.get(accountId).directoryId)));
            Paging.Page<Directory> page = Paging.keyset(dirs, usedCursor == null ? null : usedCursor.afterKey(), filter, q.path("limit").asInt(20));
            List<Object> data = new ArrayList<>();
            for (Directory d : page.items()) data.add(Json.obj("directoryId", d.id, "name", d.name, "icon", "https://admin.atlassian.com/static/directory-icon.svg"));
            return Json.obj("data", data, "links", cursorLinks(scope, q, token, usedCursor, page));
        }));
    }

    /** Opaque-cursor links (v2 directory dialect): self, next when more rows follow, prev from the cursor's history. */
    private Map<String, Object> cursorLinks(String scope, JsonNode query, String token, CursorStore.Cursor used, Paging.Page<?> page) {
        String self = token != null ? token : cursors.issue(scope, query, null, null);
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", self);
        if (page.more()) links.put("next", cursors.issue(scope, query, page.lastKey(), self));
        if (used != null && used.previous() != null) links.put("prev", used.previous());
        return links;
    }

    // ------------------------------------------------------------------ v2 users/search

    /** Scope: the spec names none for search; read:directories:admin (the scope of the GET variant) is required. */
    private void searchUsers(Context ctx) {
        Org org = requireOrg(ctx, "read:directories:admin", true);
        String directoryId = ctx.pathParam("directoryId");
        JsonNode body = Json.parse(ctx.body());
        String scope = "v2users:" + org.id + ":" + directoryId;
        String token = text(body, "cursor");
        CursorStore.Cursor used = token == null ? null : cursors.resolve(token, scope);
        ObjectNode query = used != null ? ((ObjectNode) used.query()).deepCopy() : ((ObjectNode) body).deepCopy();
        query.remove("cursor");
        if (body.has("limit")) query.set("limit", body.get("limit"));
        validateUserQuery(query);
        int limit = query.has("limit") ? query.get("limit").asInt() : 50;
        Set<String> expand = strings(query.get("expand"));
        ctx.json(world.read(() -> {
            Directory dir = requireDirectory(org, directoryId);
            Predicate<User> filter = userFilter(org, dir, query);
            NavigableMap<String, User> order = org.users;
            JsonNode sortBy = query.path("sortBy").path(0);
            if (!sortBy.isMissingNode()) order = sortedByNickname(org, "desc".equals(sortBy.path("direction").asText("asc")));
            Paging.Page<User> page = Paging.keyset(order, used == null ? null : used.afterKey(), filter, limit);
            List<Object> data = new ArrayList<>();
            for (User u : page.items()) data.add(v2User(org, u, expand));
            return Json.obj("data", data, "links", cursorLinks(scope, query, token, used, page));
        }));
    }

    private static void validateUserQuery(JsonNode q) {
        if (q.has("emails") && q.has("searchTerm"))
            throw ApiError.badRequest("ADMIN-400-24", "emails and searchTerm cannot be used together");
        if (q.has("limit") && (!q.get("limit").canConvertToInt() || q.get("limit").asInt() < 1 || q.get("limit").asInt() > 100))
            throw ApiError.badRequest("ADMIN-400-24", "limit must be between 1 and 100");
        for (String e : strings(q.get("expand")))
            if (!USER_EXPANDS.contains(e)) throw ApiError.badRequest("ADMIN-400-24", "Unsupported expand: " + e);
        checkMax(q, "accountIds", 10);
        checkMax(q, "groupIds", 10);
        checkMax(q, "resourceIds", 20);
        checkMax(q, "emailDomains", 10);
        checkMax(q, "emails", 100);
    }

    private static void checkMax(JsonNode q, String field, int max) {
        if (q.has(field) && q.get(field).size() > max)
            throw ApiError.badRequest("ADMIN-400-24", field + " accepts at most " + max + " items");
    }

    private NavigableMap<String, User> sortedByNickname(Org org, boolean descending) {
        TreeMap<String, User> sorted = new TreeMap<>(descending ? Comparator.<String>reverseOrder() : Comparator.<String>naturalOrder());
        for (User u : org.users.values()) sorted.put(lower(u.nickname == null ? u.name : u.nickname) + "\u0000" + u.accountId, u);
        return sorted;
    }

    private Predicate<User> userFilter(Org org, Directory dir, JsonNode q) {
        Set<String> accountIds = strings(q.get("accountIds"));
        Set<String> accountStatus = strings(q.get("accountStatus"));
        Set<String> membershipStatus = strings(q.get("membershipStatus"));
        Set<String> status = strings(q.get("status"));
        String claimStatus = text(q, "claimStatus");
        Set<String> directoryIds = strings(q.get("directoryIds"));
        Set<String> groupIds = new HashSet<>();
        for (String g : strings(q.get("groupIds"))) groupIds.add(stripGroupAri(g));
        Set<String> resourceIds = strings(q.get("resourceIds"));
        Set<String> roleIds = strings(q.get("roleIds"));
        Set<String> emailDomains = new HashSet<>();
        for (String d : strings(q.get("emailDomains"))) emailDomains.add(lower(d));
        Set<String> emails = new HashSet<>();
        for (String e : strings(q.get("emails"))) emails.add(lower(e));
        String term = lower(text(q, "searchTerm"));
        Boolean mfa = q.has("mfaEnabled") ? q.get("mfaEnabled").asBoolean() : null;
        return u -> {
            // Directory members only: app and customer accounts live outside directories (accountType enum is "atlassian").
            if (u.directoryId == null || !"atlassian".equals(u.accountType)) return false;
            if (dir != null && !dir.id.equals(u.directoryId)) return false;
            if (!directoryIds.isEmpty() && !directoryIds.contains(u.directoryId)) return false;
            if (!accountIds.isEmpty() && !accountIds.contains(u.accountId)) return false;
            if (!accountStatus.isEmpty() && !accountStatus.contains(u.accountStatus)) return false;
            if (!membershipStatus.isEmpty() && !membershipStatus.contains(u.membershipStatus())) return false;
            if (!status.isEmpty() && !status.contains(u.status())) return false;
            if (claimStatus != null && !claimStatus.equals(u.claimStatus)) return false;
            if (mfa != null && mfa != u.mfaEnabled) return false;
            if (!groupIds.isEmpty() && u.groupIds.stream().noneMatch(groupIds::contains)) return false;
            String email = lower(u.email);
            if (!emails.isEmpty() && !emails.contains(email)) return false;
            if (!emailDomains.isEmpty() && (email == null || !emailDomains.contains(email.substring(email.indexOf('@') + 1)))) return false;
            if (term != null && !(contains(u.name, term) || contains(u.nickname, term) || contains(u.email, term))) return false;
            if (!resourceIds.isEmpty()) {
                boolean any = false;
                for (String r : resourceIds) {
                    Product p = org.products.get(r);
                    if (p != null && world.hasAccess(org, u, p)) { any = true; break; }
                }
                if (!any) return false;
            }
            if (!roleIds.isEmpty() && roleIdsOf(org, u).stream().noneMatch(roleIds::contains)) return false;
            return true;
        };
    }

    private Set<String> roleIdsOf(Org org, User u) {
        Set<String> roles = new HashSet<>(u.platformRoles);
        for (RoleGrant r : u.directRoles) roles.add(r.role);
        for (String gid : u.groupIds) {
            Group g = org.groups.get(gid);
            if (g != null) for (RoleGrant r : g.roles) roles.add(r.role);
        }
        return roles;
    }

    private Map<String, Object> v2User(Org org, User u, Set<String> expand) {
        Map<String, Object> m = Json.obj(
                "accountId", u.accountId, "accountType", "atlassian", "accountStatus", u.accountStatus,
                "status", u.status(), "membershipStatus", u.membershipStatus(), "claimStatus", u.claimStatus,
                "name", u.name, "nickname", u.nickname, "email", u.email, "emailVerified", u.email != null,
                "avatar", avatar(u), "picture", avatar(u), "addedToOrg", Json.millis(u.addedToOrg),
                "managementSource", u.managementSource, "mfaEnabled", u.mfaEnabled,
                "jobTitle", u.jobTitle, "department", u.department, "location", u.location, "timeZone", u.timeZone);
        List<Product> products = (expand.contains("productAccess") || expand.contains("counts.resources")) ? world.accessibleProducts(org, u) : List.of();
        if (expand.contains("platformRoles")) m.put("platformRoles", new ArrayList<>(u.platformRoles));
        if (expand.contains("counts.resources")) m.put("counts", Json.obj("resources", products.size()));
        if (expand.contains("productAccess")) {
            List<Object> access = new ArrayList<>();
            for (Product p : products)
                access.add(Json.obj("id", p.id, "key", p.key, "lastActiveTimestamp", u.lastActive.containsKey(p.id) ? u.lastActive.get(p.id).toString() : null));
            m.put("productAccess", access);
        }
        if (expand.contains("groups")) {
            List<Object> groups = new ArrayList<>();
            for (String gid : u.groupIds) {
                Group g = org.groups.get(gid);
                if (g != null) groups.add(Json.obj("id", GROUP_ARI_PREFIX + g.id, "name", g.name));
            }
            m.put("groups", groups);
        }
        return m;
    }

    static String avatar(User u) {
        return "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/" + Ids.initials(u.name) + "-4.png";
    }

    // ------------------------------------------------------------------ v2 groups

    /** Scope: read:groups:admin (the spec names it for the group GETs). */
    private void searchGroups(Context ctx) {
        Org org = requireOrg(ctx, "read:groups:admin", true);
        String directoryId = ctx.pathParam("directoryId");
        JsonNode body = Json.parse(ctx.body());
        String scope = "v2groups:" + org.id + ":" + directoryId;
        String token = text(body, "cursor");
        CursorStore.Cursor used = token == null ? null : cursors.resolve(token, scope);
        ObjectNode query = used != null ? ((ObjectNode) used.query()).deepCopy() : ((ObjectNode) body).deepCopy();
        query.remove("cursor");
        if (body.has("limit")) query.set("limit", body.get("limit"));
        int selectors = (query.has("searchTerm") ? 1 : 0) + (query.has("groupNames") ? 1 : 0) + (query.has("groupIds") ? 1 : 0);
        if (selectors > 1) throw ApiError.badRequest("ADMIN-400-24", "Use only one of searchTerm, groupNames and groupIds");
        if (query.has("limit") && (query.get("limit").asInt() < 1 || query.get("limit").asInt() > 100))
            throw ApiError.badRequest("ADMIN-400-24", "limit must be between 1 and 100");
        Set<String> expand = strings(query.get("expand"));
        for (String e : expand) if (!GROUP_EXPANDS.contains(e)) throw ApiError.badRequest("ADMIN-400-24", "Unsupported expand: " + e);
        int limit = query.has("limit") ? query.get("limit").asInt() : 20;
        ctx.json(world.read(() -> {
            Directory dir = requireDirectory(org, directoryId);
            String term = lower(text(query, "searchTerm"));
            Set<String> names = new HashSet<>();
            for (String n : strings(query.get("groupNames"))) names.add(lower(n));
            Set<String> ids = new HashSet<>();
            for (String g : strings(query.get("groupIds"))) ids.add(stripGroupAri(g));
            Set<String> accountIds = strings(query.get("accountIds"));
            Set<String> directoryIds = strings(query.get("directoryIds"));
            Set<String> resourceIds = strings(query.get("resourceIds"));
            Set<String> resourceOwners = strings(query.get("resourceOwners"));
            Set<String> roleIds = strings(query.get("roleIds"));
            Predicate<Group> filter = g -> (dir == null || dir.id.equals(g.directoryId))
                    && (directoryIds.isEmpty() || directoryIds.contains(g.directoryId))
                    && (term == null || contains(g.name, term))
                    && (names.isEmpty() || names.contains(lower(g.name)))
                    && (ids.isEmpty() || ids.contains(g.id))
                    && (accountIds.isEmpty() || accountIds.stream().anyMatch(g.members::contains))
                    && (resourceIds.isEmpty() || g.roles.stream().anyMatch(r -> resourceIds.contains(r.productId)))
                    && (resourceOwners.isEmpty() || g.roles.stream().anyMatch(r -> org.products.containsKey(r.productId) && resourceOwners.contains(org.products.get(r.productId).key)))
                    && (roleIds.isEmpty() || g.roles.stream().anyMatch(r -> roleIds.contains(r.role)));
            NavigableMap<String, Group> order = org.groups;
            JsonNode sortBy = query.path("sortBy").path(0);
            if (!sortBy.isMissingNode()) {
                TreeMap<String, Group> sorted = new TreeMap<>("desc".equals(sortBy.path("direction").asText()) ? Comparator.<String>reverseOrder() : Comparator.<String>naturalOrder());
                for (Group g : org.groups.values()) sorted.put(lower(g.name) + "\u0000" + g.id, g);
                order = sorted;
            }
            Paging.Page<Group> page = Paging.keyset(order, used == null ? null : used.afterKey(), filter, limit);
            List<Object> data = new ArrayList<>();
            for (Group g : page.items()) data.add(v2Group(org, g, expand));
            return Json.obj("data", data, "links", cursorLinks(scope, query, token, used, page));
        }));
    }

    private Map<String, Object> v2Group(Org org, Group g, Set<String> expand) {
        Map<String, Object> m = Json.obj("id", g.id, "name", g.name, "description", g.description, "directoryId", g.directoryId,
                "externalSynced", g.externalSynced, "managedBy", g.managedBy(),
                "managementAccess", Json.obj("deletable", !g.externalSynced, "modifiable", !g.externalSynced, "readable", true));
        if (expand.contains("counts.users") || expand.contains("counts.resources")) {
            Map<String, Object> counts = new LinkedHashMap<>();
            if (expand.contains("counts.users")) counts.put("users", g.members.size());
            if (expand.contains("counts.resources")) counts.put("resources", (int) g.roles.stream().map(r -> r.productId).filter(org.products::containsKey).distinct().count());
            m.put("counts", counts);
        }
        return m;
    }

    private Group requireGroup(Org org, String directoryId, String groupId) {
        Directory dir = requireDirectory(org, directoryId);
        Group g = org.groups.get(stripGroupAri(groupId));
        if (g == null || (dir != null && !dir.id.equals(g.directoryId))) throw ApiError.notFound("ADMIN-404-10", "Group not found");
        return g;
    }

    private void getGroup(Context ctx) {
        Org org = requireOrg(ctx, "read:groups:admin", true);
        ctx.json(world.read(() -> {
            Group g = requireGroup(org, ctx.pathParam("directoryId"), ctx.pathParam("groupId"));
            return Json.obj("data", v2Group(org, g, GROUP_EXPANDS));
        }));
    }

    /** One row per product the group has roles on; defaultRole is set when the group is that product's default group. */
    private void groupRoleAssignments(Context ctx) {
        Org org = requireOrg(ctx, "read:groups:admin", true);
        String scope = "v2grouproles:" + org.id + ":" + ctx.pathParam("groupId");
        String token = ctx.queryParam("cursor");
        CursorStore.Cursor used = token == null ? null : cursors.resolve(token, scope);
        ObjectNode query;
        if (used != null) {
            query = (ObjectNode) used.query();
        } else {
            query = Json.MAPPER.createObjectNode();
            query.put("limit", limit(ctx.queryParam("limit"), 20));
            query.set("resourceIds", Json.MAPPER.valueToTree(multi(ctx, "resourceIds")));
            query.set("roleIds", Json.MAPPER.valueToTree(multi(ctx, "roleIds")));
            query.set("resourceOwners", Json.MAPPER.valueToTree(multi(ctx, "resourceOwners")));
        }
        ctx.json(world.read(() -> {
            Group g = requireGroup(org, ctx.pathParam("directoryId"), ctx.pathParam("groupId"));
            Set<String> resourceIds = strings(query.get("resourceIds"));
            Set<String> roleIds = strings(query.get("roleIds"));
            Set<String> owners = strings(query.get("resourceOwners"));
            TreeMap<String, Map<String, Object>> rows = new TreeMap<>();
            for (RoleGrant r : g.roles) {
                Product p = org.products.get(r.productId);
                if (p == null) continue;
                if (!resourceIds.isEmpty() && !resourceIds.contains(p.id)) continue;
                if (!roleIds.isEmpty() && !roleIds.contains(r.role)) continue;
                if (!owners.isEmpty() && !owners.contains(p.key)) continue;
                Map<String, Object> row = rows.computeIfAbsent(p.id, id -> Json.obj("resourceId", id, "resourceOwner", p.key, "roles", new ArrayList<String>()));
                @SuppressWarnings("unchecked") List<String> roles = (List<String>) row.get("roles");
                roles.add(r.role);
                if (r.defaultGroup) row.put("defaultRole", r.role);
            }
            Paging.Page<Map<String, Object>> page = Paging.keyset(rows, used == null ? null : used.afterKey(), x -> true, query.path("limit").asInt(20));
            return Json.obj("data", new ArrayList<>(page.items()), "links", cursorLinks(scope, query, token, used, page));
        }));
    }

    /**
     * Scope write:groups:admin (UNCONFIRMED: the spec names none). "-" as directory is accepted
     * (UNCONFIRMED whether Atlassian accepts it here). The user must be in the group's directory.
     */
    private void addMembership(Context ctx) {
        Org org = requireOrg(ctx, "write:groups:admin", true);
        JsonNode body = Json.parse(ctx.body());
        String accountId = text(body, "accountId");
        if (accountId == null) throw ApiError.badRequest("ADMIN-400-24", "accountId is required");
        String groupId = world.read(() -> {
            Group g = requireGroup(org, ctx.pathParam("directoryId"), ctx.pathParam("groupId"));
            User u = org.users.get(accountId);
            if (u == null || !g.directoryId.equals(u.directoryId)) throw ApiError.notFound("ADMIN-404-8", "User not found");
            return g.id;
        });
        if (gw.faults.takeLicenseLimitOnAdd(groupId)) {
            throw new ApiError(409, "ADMIN-409-3", "License limit exceeded: an app this group grants access to has reached its user limit");
        }
        applyChange(world.addMembership(groupId, accountId));
        ctx.status(204);
    }

    private void removeMembership(Context ctx) {
        Org org = requireOrg(ctx, "write:groups:admin", true);
        String accountId = ctx.pathParam("accountId");
        String groupId = world.read(() -> requireGroup(org, ctx.pathParam("directoryId"), ctx.pathParam("groupId")).id);
        if (gw.faults.takeNotFoundOnRemove(groupId)) {
            throw ApiError.notFound("ADMIN-404-8", "The user is not a member of the group");
        }
        applyChange(world.removeMembership(groupId, accountId));
        ctx.status(204);
    }

    private static void applyChange(World.Change change) {
        switch (change) {
            case DONE -> { }
            case NO_SUCH_GROUP -> throw ApiError.notFound("ADMIN-404-10", "Group not found");
            case NO_SUCH_USER -> throw ApiError.notFound("ADMIN-404-8", "User not found");
            case NOT_MEMBER -> throw ApiError.notFound("ADMIN-404-8", "The user is not a member of the group");
            case ALREADY -> throw new ApiError(409, "ADMIN-409-28", "The user is already a member of the group");
            case SYNCED_GROUP -> throw new ApiError(403, "ADMIN-403-5",
                    "This group is synced from an external identity provider; change its memberships in the identity provider");
        }
    }

    /** Scope write:directories:admin (UNCONFIRMED). Idempotent: suspending a suspended user is a 204. */
    private void setSuspended(Context ctx, boolean suspend) {
        Org org = requireOrg(ctx, "write:directories:admin", true);
        String accountId = ctx.pathParam("accountId");
        world.read(() -> {
            Directory dir = requireDirectory(org, ctx.pathParam("directoryId"));
            User u = org.users.get(accountId);
            if (u == null || u.directoryId == null || (dir != null && !dir.id.equals(u.directoryId)))
                throw ApiError.notFound("ADMIN-404-8", "User not found");
            return null;
        });
        if (suspend) world.suspendUser(accountId);
        else world.restoreUser(accountId);
        ctx.status(204);
    }

    // ------------------------------------------------------------------ v2 workspaces

    /**
     * Product instances with ARIs, type, capacity (seats) and usage (seats in use). Links are full URLs
     * (LinkPageModel); the next link carries the cursor as a query parameter, and the cursor is
     * accepted from the body (documented) or that query parameter. Offset paging: few rows.
     */
    private void searchWorkspaces(Context ctx) {
        Org org = requireOrg(ctx, "read:workspaces:admin", true);
        JsonNode body = Json.parse(ctx.body());
        String scope = "v2workspaces:" + org.id;
        String token = text(body, "cursor") != null ? text(body, "cursor") : ctx.queryParam("cursor");
        CursorStore.Cursor used = null;
        JsonNode query = body;
        if (token != null) {
            try {
                used = cursors.resolve(token, scope);
            } catch (ApiError e) {
                throw ApiError.badRequest("ADMIN-400-4", "Invalid cursor");
            }
            query = used.query();
        }
        int limit = query.has("limit") ? query.get("limit").asInt() : 20;
        if (limit < 1 || limit > 1000) throw ApiError.badRequest("ADMIN-400-4", "limit must be between 1 and 1000");
        int start = used == null ? 0 : Integer.parseInt(used.afterKey());
        JsonNode q = query;
        String base = Gateway.origin(ctx) + "/admin/v2/orgs/" + org.id + "/workspaces";
        String selfToken = token;
        ctx.json(world.read(() -> {
            List<Product> all = new ArrayList<>();
            for (Product p : org.products.values()) if (matchesWorkspaceQuery(q.get("query"), p)) all.add(p);
            JsonNode sort = q.path("sort").path(0);
            if (!sort.isMissingNode()) {
                String field = sort.path("field").asText("attributes.name");
                Comparator<Product> c = Comparator.comparing(p -> String.valueOf(workspaceField(p, field)));
                all.sort("desc".equals(sort.path("order").asText()) ? c.reversed() : c);
            }
            List<Product> pageRows = Paging.slice(all, start, limit);
            List<Object> data = new ArrayList<>();
            for (Product p : pageRows) data.add(workspace(org, p, base));
            Map<String, Object> links = new LinkedHashMap<>();
            links.put("self", selfToken == null ? base : base + "?cursor=" + enc(selfToken));
            if (start + pageRows.size() < all.size()) {
                String self = selfToken != null ? selfToken : cursors.issue(scope, q, "0", null);
                links.put("next", base + "?cursor=" + enc(cursors.issue(scope, q, Integer.toString(start + pageRows.size()), self)));
            }
            if (start > 0) {
                CursorStore.Cursor cur = cursors.resolve(selfToken, scope);
                if (cur.previous() != null) links.put("prev", base + "?cursor=" + enc(cur.previous()));
            }
            Map<String, Object> meta = Json.obj("total", all.size(), "pageSize", limit,
                    "startIndex", pageRows.isEmpty() ? null : start, "endIndex", pageRows.isEmpty() ? null : start + pageRows.size() - 1);
            return Json.obj("data", data, "links", links, "meta", meta);
        }));
    }

    private Map<String, Object> workspace(Org org, Product p, String base) {
        return Json.obj("id", p.id, "type", "workspaces",
                "attributes", Json.obj("name", p.name, "type", p.key, "typeKey", p.key, "hostUrl", p.hostUrl, "status", p.status,
                        "capacity", p.capacity, "usage", world.seatsUsed(org, p), "createdAt", Json.millis(p.createdAt),
                        "owner", org.id, "realm", "us", "regions", List.of("us-east-1"), "sandbox", Json.obj("type", "NONE")),
                "links", Json.obj("self", base + "/" + enc(p.id)));
    }

    private static Object workspaceField(Product p, String name) {
        return switch (name) {
            case "id" -> p.id;
            case "type", "attributes.type", "attributes.typeKey" -> p.key;
            case "attributes.name", "name" -> p.name;
            case "attributes.hostUrl" -> p.hostUrl;
            case "attributes.status" -> p.status;
            default -> null;
        };
    }

    /** and / nor / field / searchWorkspaces. The simulated products have no features or policies, so those filters match nothing. */
    private static boolean matchesWorkspaceQuery(JsonNode q, Product p) {
        if (q == null || q.isNull() || q.isEmpty()) return true;
        if (q.has("and")) {
            for (JsonNode sub : q.get("and")) if (!matchesWorkspaceQuery(sub, p)) return false;
            return true;
        }
        if (q.has("nor")) {
            for (JsonNode sub : q.get("nor")) if (matchesWorkspaceQuery(sub, p)) return false;
            return true;
        }
        if (q.has("field")) {
            Object v = workspaceField(p, q.get("field").path("name").asText());
            for (JsonNode want : q.get("field").path("values")) if (want.asText().equals(v)) return true;
            return false;
        }
        if (q.has("searchWorkspaces")) {
            String term = lower(q.get("searchWorkspaces").asText());
            return contains(p.name, term) || contains(p.hostUrl, term) || contains(p.id, term);
        }
        if (q.has("features") || q.has("policies")) return false;
        return true;
    }

    // ------------------------------------------------------------------ small helpers

    static String stripGroupAri(String id) {
        return id != null && id.startsWith(GROUP_ARI_PREFIX) ? id.substring(GROUP_ARI_PREFIX.length()) : id;
    }

    static Set<String> strings(JsonNode array) {
        Set<String> out = new java.util.LinkedHashSet<>();
        if (array != null && array.isArray()) for (JsonNode n : array) out.add(n.asText());
        else if (array != null && array.isTextual()) out.add(array.asText());
        return out;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    static boolean contains(String haystack, String lowerNeedle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
    }

    /** Array query parameters arrive repeated (directoryIds=a&directoryIds=b) or comma-separated. */
    static List<String> multi(Context ctx, String name) {
        List<String> out = new ArrayList<>();
        for (String v : ctx.queryParams(name)) for (String part : v.split(",")) if (!part.isBlank()) out.add(part.trim());
        return out;
    }

    static int limit(String raw, int dflt) {
        if (raw == null) return dflt;
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("ADMIN-400-24", "limit must be a number");
        }
        if (v < 1 || v > 100) throw ApiError.badRequest("ADMIN-400-24", "limit must be between 1 and 100");
        return v;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
