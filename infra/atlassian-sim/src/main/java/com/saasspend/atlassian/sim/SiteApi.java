package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.Gateway.AccountPrincipal;
import com.saasspend.atlassian.sim.Gateway.ErrorDialect;
import com.saasspend.atlassian.sim.Gateway.Family;
import com.saasspend.atlassian.sim.Model.Group;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.RoleGrant;
import com.saasspend.atlassian.sim.Model.User;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Jira Cloud platform REST v3 and Confluence REST v1 on a site such as acme.atlassian.net, served at
 * {@code /site/{host}/rest/api/3/...} and {@code /site/{host}/wiki/rest/api/...}, and also at the bare
 * paths when the Host header names an {@code *.atlassian.net} site.
 *
 * <p>Site groups mirror org groups: a Jira site shows the org groups that hold a role on one of its
 * Jira products, Confluence those with a role on its Confluence product, and their ids are the org
 * group ids — so a group id from the admin API works unchanged against Jira and Confluence.
 */
final class SiteApi {

    private static final Set<String> JIRA_KEYS = Set.of("jira-software", "jira-servicedesk", "jira-core", "jira-product-discovery");
    private static final int JIRA_USERS_MAX = 1000;
    private static final int JIRA_GROUP_MEMBERS_MAX = 50;
    /** group/bulk's maximum page size is UNCONFIRMED; we cap at 1000 like users/search. */
    private static final int JIRA_GROUPS_MAX = 1000;
    /** Confluence group endpoints default to 200; the maximum is UNCONFIRMED, we cap at 1000. */
    private static final int CONFLUENCE_MAX = 1000;

    static final ErrorDialect JIRA = (s, code, msg, ctx) -> Json.obj("errorMessages", List.of(msg), "errors", Map.of());
    static final ErrorDialect CONFLUENCE = (s, code, msg, ctx) -> Json.obj("statusCode", s,
            "data", Json.obj("authorized", s != 401 && s != 403, "valid", s != 400 && s != 404, "errors", List.of(), "successful", false),
            "message", msg);

    private final Gateway gw;
    private final World world;

    /** A site as addressed by this request, with the base URL its links must use. */
    private record Site(String host, Org org, List<Product> products, String base, String directoryId) {
        List<Product> jira() {
            return products.stream().filter(p -> JIRA_KEYS.contains(p.key)).toList();
        }

        Product confluence() {
            return products.stream().filter(p -> "confluence".equals(p.key)).findFirst().orElse(null);
        }
    }

    SiteApi(Gateway gw) {
        this.gw = gw;
        this.world = gw.world;
    }

    void register() {
        jira(HandlerType.GET, "/rest/api/3/myself", this::myself);
        jira(HandlerType.GET, "/rest/api/3/applicationrole", this::applicationRoles);
        jira(HandlerType.GET, "/rest/api/3/users/search", this::jiraUsers);
        jira(HandlerType.GET, "/rest/api/3/group/bulk", this::jiraGroups);
        jira(HandlerType.GET, "/rest/api/3/group/member", this::jiraGroupMembers);
        jira(HandlerType.POST, "/rest/api/3/group/user", this::jiraAddUser);
        jira(HandlerType.DELETE, "/rest/api/3/group/user", this::jiraRemoveUser);
        confluence(HandlerType.GET, "/wiki/rest/api/user/current", this::confluenceCurrentUser);
        confluence(HandlerType.GET, "/wiki/rest/api/group", this::confluenceGroups);
        confluence(HandlerType.GET, "/wiki/rest/api/group/{groupId}/membersByGroupId", this::confluenceMembers);
        confluence(HandlerType.POST, "/wiki/rest/api/group/userByGroupId", this::confluenceAddUser);
        confluence(HandlerType.DELETE, "/wiki/rest/api/group/userByGroupId", this::confluenceRemoveUser);
    }

    private void jira(HandlerType m, String path, Handler h) {
        gw.route(m, "/site/{host}" + path, Family.JIRA, JIRA, h);
        gw.route(m, path, Family.JIRA, JIRA, h);
    }

    private void confluence(HandlerType m, String path, Handler h) {
        gw.route(m, "/site/{host}" + path, Family.CONFLUENCE, CONFLUENCE, h);
        gw.route(m, path, Family.CONFLUENCE, CONFLUENCE, h);
    }

    // ------------------------------------------------------------------ site resolution

    private Site site(Context ctx) {
        boolean prefixed = ctx.pathParamMap().containsKey("host");
        String host = prefixed ? ctx.pathParam("host") : hostHeader(ctx);
        if (host == null || (!prefixed && !host.endsWith(".atlassian.net")))
            throw new ApiError(404, "Site not found. Use /site/{host}/... or a Host header ending in .atlassian.net");
        String base = prefixed ? Gateway.origin(ctx) + "/site/" + host : Gateway.origin(ctx);
        return world.read(() -> {
            List<Product> products = world.productsOnHost(host);
            if (products.isEmpty()) throw new ApiError(404, "Site not found: " + host);
            Org org = world.orgOfProduct(products.get(0));
            AccountPrincipal p = Gateway.principal(ctx);
            // A valid Atlassian account that is not part of this site's organization may not read it.
            if (p.org() != org) throw new ApiError(403, "You do not have permission to access this site.");
            return new Site(host, org, products, base, products.get(0).directoryId);
        });
    }

    private static String hostHeader(Context ctx) {
        String h = ctx.header("Host");
        if (h == null) return null;
        int colon = h.indexOf(':');
        return (colon < 0 ? h : h.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    private Site jiraSite(Context ctx) {
        Site s = site(ctx);
        if (s.jira().isEmpty()) throw new ApiError(404, "Jira is not installed on " + s.host());
        return s;
    }

    private Site confluenceSite(Context ctx) {
        Site s = site(ctx);
        if (s.confluence() == null) throw new ApiError(404, "Confluence is not installed on " + s.host());
        return s;
    }

    /** Everyone the site knows: its directory's users plus the org's app and customer accounts. */
    private List<User> siteUsers(Site s) {
        List<User> out = new ArrayList<>();
        for (User u : s.org().users.values())
            if (u.directoryId == null || u.directoryId.equals(s.directoryId())) out.add(u);
        return out;
    }

    /** Groups with a role on any of the given products, by name. */
    private List<Group> groupsFor(Site s, List<Product> products) {
        Set<Group> set = new HashSet<>();
        for (Product p : products) set.addAll(world.groupsGranting(s.org(), p));
        List<Group> out = new ArrayList<>(set);
        out.sort(Comparator.comparing((Group g) -> g.name.toLowerCase(Locale.ROOT)).thenComparing(g -> g.id));
        return out;
    }

    private static void requireSiteAdmin(AccountPrincipal p) {
        if (!p.user().platformRoles.contains("atlassian/org-admin") && !p.user().platformRoles.contains("atlassian/site-admin"))
            throw new ApiError(403, "You must be a site administrator to manage group membership.");
    }

    /** Jira and Confluence call an account active when it can log in: not deactivated and not suspended. */
    private static boolean active(User u) {
        return u.canUseProducts();
    }

    private static Map<String, Object> avatarUrls(User u) {
        String base = AdminApi.avatar(u);
        return Json.obj("16x16", base + "?size=16", "24x24", base + "?size=24", "32x32", base + "?size=32", "48x48", base + "?size=48");
    }

    // ------------------------------------------------------------------ Jira

    /** Jira's User bean (users/search, myself). */
    private Map<String, Object> jiraUser(Site s, User u) {
        return Json.obj("self", s.base() + "/rest/api/3/user?accountId=" + AdminApi.enc(u.accountId), "accountId", u.accountId,
                "accountType", u.accountType, "emailAddress", u.email, "avatarUrls", avatarUrls(u), "displayName", u.name,
                "active", active(u), "timeZone", u.timeZone, "locale", "en_US");
    }

    /** Jira's UserDetails bean (group/member): no locale. */
    private Map<String, Object> jiraUserDetails(Site s, User u) {
        Map<String, Object> m = jiraUser(s, u);
        m.remove("locale");
        return m;
    }

    private void myself(Context ctx) {
        Site s = site(ctx);
        AccountPrincipal p = Gateway.principal(ctx);
        ctx.json(world.read(() -> {
            Map<String, Object> m = jiraUser(s, p.user());
            m.put("groups", Json.obj("size", p.user().groupIds.size(), "items", List.of()));
            m.put("applicationRoles", Json.obj("size", (int) s.jira().stream().filter(j -> world.hasAccess(s.org(), p.user(), j)).count(), "items", List.of()));
            m.put("expand", "groups,applicationRoles");
            return m;
        }));
    }

    private static String jiraName(String key) {
        return switch (key) {
            case "jira-software" -> "Jira Software";
            case "jira-servicedesk" -> "Jira Service Management";
            case "jira-product-discovery" -> "Jira Product Discovery";
            default -> "Jira";
        };
    }

    /** Seats per Jira product: numberOfSeats = capacity, userCount = seats in use (derived from group access). */
    private void applicationRoles(Context ctx) {
        Site s = jiraSite(ctx);
        ctx.json(world.read(() -> {
            List<Object> out = new ArrayList<>();
            for (Product p : s.jira()) {
                List<String> groups = new ArrayList<>();
                List<Object> groupDetails = new ArrayList<>();
                List<String> defaults = new ArrayList<>();
                List<Object> defaultDetails = new ArrayList<>();
                for (Group g : groupsFor(s, List.of(p))) {
                    Map<String, Object> detail = Json.obj("groupId", g.id, "name", g.name, "self", s.base() + "/rest/api/3/group?groupId=" + g.id);
                    groups.add(g.name);
                    groupDetails.add(detail);
                    for (RoleGrant r : g.roles)
                        if (r.productId.equals(p.id) && r.defaultGroup) {
                            defaults.add(g.name);
                            defaultDetails.add(detail);
                            break;
                        }
                }
                int used = world.seatsUsed(s.org(), p);
                boolean unlimited = p.capacity == null;
                out.add(Json.obj("key", p.key, "name", jiraName(p.key), "groups", groups, "groupDetails", groupDetails,
                        "defaultGroups", defaults, "defaultGroupsDetails", defaultDetails,
                        "numberOfSeats", unlimited ? -1 : p.capacity, "remainingSeats", unlimited ? -1 : Math.max(0, p.capacity - used),
                        "userCount", used, "userCountDescription", used + ("jira-servicedesk".equals(p.key) ? " agents" : " users"),
                        "hasUnlimitedSeats", unlimited, "platform", false, "defined", true, "selectedByDefault", false));
            }
            return out;
        }));
    }

    /** Bare JSON array, startAt/maxResults (max 1000), every account the site knows including inactive ones. */
    private void jiraUsers(Context ctx) {
        Site s = jiraSite(ctx);
        int startAt = nonNegative(ctx.queryParam("startAt"), 0, "startAt");
        int maxResults = Paging.clamp(nonNegative(ctx.queryParam("maxResults"), 50, "maxResults"), 0, JIRA_USERS_MAX);
        ctx.json(world.read(() -> {
            List<Object> out = new ArrayList<>();
            for (User u : Paging.slice(siteUsers(s), startAt, maxResults)) out.add(jiraUser(s, u));
            return out;
        }));
    }

    private static int nonNegative(String raw, int dflt, String name) {
        if (raw == null || raw.isBlank()) return dflt;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "The '" + name + "' parameter must be a non-negative integer.");
        }
    }

    private Map<String, Object> pageBean(String selfUrl, String nextUrl, int startAt, int maxResults, int total, List<Object> values) {
        boolean isLast = startAt + values.size() >= total;
        return Json.obj("self", selfUrl, "nextPage", isLast ? null : nextUrl, "maxResults", maxResults, "startAt", startAt,
                "total", total, "isLast", isLast, "values", values);
    }

    private void jiraGroups(Context ctx) {
        Site s = jiraSite(ctx);
        int startAt = nonNegative(ctx.queryParam("startAt"), 0, "startAt");
        int maxResults = Paging.clamp(nonNegative(ctx.queryParam("maxResults"), 50, "maxResults"), 1, JIRA_GROUPS_MAX);
        Set<String> ids = new HashSet<>(AdminApi.multi(ctx, "groupId"));
        Set<String> names = new HashSet<>();
        for (String n : ctx.queryParams("groupName")) names.add(n.toLowerCase(Locale.ROOT));
        String accessType = ctx.queryParam("accessType");
        String applicationKey = ctx.queryParam("applicationKey");
        if (accessType != null && !Set.of("site-admin", "admin", "user").contains(accessType))
            throw new ApiError(400, "Invalid accessType: " + accessType);
        ctx.json(world.read(() -> {
            List<Product> products = s.jira();
            if (applicationKey != null) products = products.stream().filter(p -> p.key.equals(applicationKey)).toList();
            List<Product> scope = products;
            List<Group> groups = new ArrayList<>();
            for (Group g : groupsFor(s, s.jira())) {
                if (!ids.isEmpty() && !ids.contains(g.id)) continue;
                if (!names.isEmpty() && !names.contains(g.name.toLowerCase(Locale.ROOT))) continue;
                if ((applicationKey != null || accessType != null) && !grants(g, scope, accessType)) continue;
                groups.add(g);
            }
            List<Object> values = new ArrayList<>();
            for (Group g : Paging.slice(groups, startAt, maxResults)) values.add(Json.obj("name", g.name, "groupId", g.id));
            String self = s.base() + "/rest/api/3/group/bulk?startAt=" + startAt + "&maxResults=" + maxResults;
            String next = s.base() + "/rest/api/3/group/bulk?startAt=" + (startAt + maxResults) + "&maxResults=" + maxResults
                    + (applicationKey != null ? "&applicationKey=" + AdminApi.enc(applicationKey) : "")
                    + (accessType != null ? "&accessType=" + AdminApi.enc(accessType) : "");
            return pageBean(self, next, startAt, maxResults, groups.size(), values);
        }));
    }

    /** accessType user = grants product use; admin = atlassian/admin; site-admin = none (site admins are a platform role). */
    private static boolean grants(Group g, List<Product> products, String accessType) {
        for (RoleGrant r : g.roles) {
            if (products.stream().noneMatch(p -> p.id.equals(r.productId))) continue;
            if (accessType == null) return true;
            if ("user".equals(accessType) && r.grantsAccess() && !"atlassian/admin".equals(r.role)) return true;
            if ("admin".equals(accessType) && "atlassian/admin".equals(r.role)) return true;
        }
        return false;
    }

    private Group siteGroup(Site s, List<Product> products, String groupId, String groupName) {
        for (Group g : groupsFor(s, products))
            if ((groupId != null && g.id.equals(groupId)) || (groupId == null && groupName != null && g.name.equals(groupName))) return g;
        throw new ApiError(404, groupId == null && groupName == null ? "You must specify a group." : "The group does not exist on this site.");
    }

    /** PageBean of members ordered by display name; maxResults is capped at 50 as documented. */
    private void jiraGroupMembers(Context ctx) {
        Site s = jiraSite(ctx);
        int startAt = nonNegative(ctx.queryParam("startAt"), 0, "startAt");
        int maxResults = Paging.clamp(nonNegative(ctx.queryParam("maxResults"), 50, "maxResults"), 1, JIRA_GROUP_MEMBERS_MAX);
        boolean includeInactive = Boolean.parseBoolean(ctx.queryParam("includeInactiveUsers"));
        String groupId = ctx.queryParam("groupId");
        String groupName = ctx.queryParam("groupname");
        if (groupId == null && groupName == null) throw new ApiError(400, "Either groupId or groupname must be provided.");
        ctx.json(world.read(() -> {
            Group g = siteGroup(s, s.jira(), groupId, groupName);
            List<User> members = new ArrayList<>();
            for (String id : g.members) {
                User u = s.org().users.get(id);
                if (u != null && (includeInactive || active(u))) members.add(u);
            }
            members.sort(Comparator.comparing((User u) -> u.name == null ? "" : u.name.toLowerCase(Locale.ROOT)).thenComparing(u -> u.accountId));
            List<Object> values = new ArrayList<>();
            for (User u : Paging.slice(members, startAt, maxResults)) values.add(jiraUserDetails(s, u));
            String q = "groupId=" + g.id + "&includeInactiveUsers=" + includeInactive;
            return pageBean(s.base() + "/rest/api/3/group/member?" + q + "&startAt=" + startAt + "&maxResults=" + maxResults,
                    s.base() + "/rest/api/3/group/member?" + q + "&startAt=" + (startAt + maxResults) + "&maxResults=" + maxResults,
                    startAt, maxResults, members.size(), values);
        }));
    }

    private void jiraAddUser(Context ctx) {
        Site s = jiraSite(ctx);
        requireSiteAdmin(Gateway.principal(ctx));
        JsonNode body = Json.parse(ctx.body());
        String accountId = AdminApi.text(body, "accountId");
        if (accountId == null) throw new ApiError(400, "accountId must be provided.");
        Group g = world.read(() -> {
            Group found = siteGroup(s, s.jira(), ctx.queryParam("groupId"), ctx.queryParam("groupname"));
            User u = s.org().users.get(accountId);
            if (u == null || !s.directoryId().equals(u.directoryId)) throw new ApiError(404, "The user does not exist.");
            return found;
        });
        switch (world.addMembership(g.id, accountId)) {
            case DONE -> { }
            case ALREADY -> throw new ApiError(400, "Cannot add user. User is already a member of '" + g.name + "'.");
            case SYNCED_GROUP -> throw new ApiError(403, "Group '" + g.name + "' is managed by an external identity provider and cannot be edited in Jira.");
            default -> throw new ApiError(404, "The group or user does not exist.");
        }
        ctx.status(201);
        ctx.json(Json.obj("name", g.name, "groupId", g.id, "self", s.base() + "/rest/api/3/group?groupId=" + g.id,
                "users", Json.obj("size", world.groupMembers(g.id).size(), "items", List.of(), "max-results", 50, "start-index", 0, "end-index", 0),
                "expand", "users"));
    }

    private void jiraRemoveUser(Context ctx) {
        Site s = jiraSite(ctx);
        requireSiteAdmin(Gateway.principal(ctx));
        String accountId = ctx.queryParam("accountId");
        if (accountId == null) throw new ApiError(400, "accountId must be provided.");
        Group g = world.read(() -> siteGroup(s, s.jira(), ctx.queryParam("groupId"), ctx.queryParam("groupname")));
        switch (world.removeMembership(g.id, accountId)) {
            case DONE -> { }
            case SYNCED_GROUP -> throw new ApiError(403, "Group '" + g.name + "' is managed by an external identity provider and cannot be edited in Jira.");
            case NOT_MEMBER -> throw new ApiError(404, "The user is not a member of '" + g.name + "'.");
            default -> throw new ApiError(404, "The group or user does not exist.");
        }
        ctx.status(200);
    }

    // ------------------------------------------------------------------ Confluence

    private Map<String, Object> confluenceUser(Site s, User u) {
        String accountType = switch (u.accountType) {
            case "atlassian", "app" -> u.accountType;
            default -> ""; // Confluence prints customers (and unknown types) as an empty accountType.
        };
        return Json.obj("type", "known", "accountId", u.accountId, "accountType", accountType, "email", u.email,
                "publicName", u.name, "displayName", u.name, "timeZone", u.timeZone, "isExternalCollaborator", false,
                "profilePicture", Json.obj("path", "/wiki/aa-avatar/" + u.accountId, "width", 48, "height", 48, "isDefault", false),
                "_links", Json.obj("self", s.base() + "/wiki/rest/api/user?accountId=" + AdminApi.enc(u.accountId)));
    }

    private void confluenceCurrentUser(Context ctx) {
        Site s = confluenceSite(ctx);
        AccountPrincipal p = Gateway.principal(ctx);
        ctx.json(world.read(() -> confluenceUser(s, p.user())));
    }

    /**
     * Confluence links: {@code _links.base} is the wiki base URL and {@code _links.next} is relative to
     * it (e.g. "/rest/api/group?limit=200&start=200"), the way Confluence v1 prints them.
     */
    private static Map<String, Object> confluenceLinks(Site s, String relPath, String query, int start, int limit, int size, int total) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("base", s.base() + "/wiki");
        links.put("context", "/wiki");
        links.put("self", s.base() + "/wiki" + relPath + (query.isEmpty() ? "" : "?" + query));
        String sep = query.isEmpty() ? "" : query + "&";
        if (start + size < total) links.put("next", relPath + "?" + sep + "limit=" + limit + "&start=" + (start + limit));
        if (start > 0) links.put("prev", relPath + "?" + sep + "limit=" + limit + "&start=" + Math.max(0, start - limit));
        return links;
    }

    private void confluenceGroups(Context ctx) {
        Site s = confluenceSite(ctx);
        int start = nonNegative(ctx.queryParam("start"), 0, "start");
        int limit = Paging.clamp(nonNegative(ctx.queryParam("limit"), 200, "limit"), 1, CONFLUENCE_MAX);
        String accessType = ctx.queryParam("accessType");
        if (accessType != null && !Set.of("user", "admin", "site-admin").contains(accessType))
            throw new ApiError(400, "Invalid accessType: " + accessType);
        ctx.json(world.read(() -> {
            List<Group> groups = new ArrayList<>();
            for (Group g : groupsFor(s, List.of(s.confluence())))
                if (accessType == null || grants(g, List.of(s.confluence()), accessType)) groups.add(g);
            List<Object> results = new ArrayList<>();
            for (Group g : Paging.slice(groups, start, limit))
                results.add(Json.obj("type", "group", "name", g.name, "id", g.id,
                        "_links", Json.obj("self", s.base() + "/wiki/rest/api/group/by-id?id=" + g.id)));
            return Json.obj("results", results, "start", start, "limit", limit, "size", results.size(), "totalSize", groups.size(),
                    "_links", confluenceLinks(s, "/rest/api/group", accessType == null ? "" : "accessType=" + accessType, start, limit, results.size(), groups.size()));
        }));
    }

    private void confluenceMembers(Context ctx) {
        Site s = confluenceSite(ctx);
        int start = nonNegative(ctx.queryParam("start"), 0, "start");
        int limit = Paging.clamp(nonNegative(ctx.queryParam("limit"), 200, "limit"), 1, CONFLUENCE_MAX);
        boolean withTotal = Boolean.parseBoolean(ctx.queryParam("shouldReturnTotalSize"));
        String groupId = ctx.pathParam("groupId");
        ctx.json(world.read(() -> {
            Group g = siteGroup(s, List.of(s.confluence()), groupId, null);
            List<User> members = new ArrayList<>();
            for (String id : g.members) if (s.org().users.containsKey(id)) members.add(s.org().users.get(id));
            List<Object> results = new ArrayList<>();
            for (User u : Paging.slice(members, start, limit)) results.add(confluenceUser(s, u));
            return Json.obj("results", results, "start", start, "limit", limit, "size", results.size(),
                    "totalSize", withTotal ? members.size() : null,
                    "_links", confluenceLinks(s, "/rest/api/group/" + g.id + "/membersByGroupId", "", start, limit, results.size(), members.size()));
        }));
    }

    private void confluenceAddUser(Context ctx) {
        Site s = confluenceSite(ctx);
        requireSiteAdmin(Gateway.principal(ctx));
        String accountId = AdminApi.text(Json.parse(ctx.body()), "accountId");
        String groupId = ctx.queryParam("groupId");
        if (accountId == null || groupId == null) throw new ApiError(400, "groupId and accountId are required.");
        Group g = world.read(() -> {
            Group found = siteGroup(s, List.of(s.confluence()), groupId, null);
            User u = s.org().users.get(accountId);
            if (u == null || !s.directoryId().equals(u.directoryId)) throw new ApiError(404, "No user exists for the given accountId.");
            return found;
        });
        switch (world.addMembership(g.id, accountId)) {
            case DONE, ALREADY -> { } // adding an existing member is a no-op in Confluence (UNCONFIRMED; chosen idempotent)
            case SYNCED_GROUP -> throw new ApiError(403, "Group " + g.name + " is managed by an external identity provider.");
            default -> throw new ApiError(404, "The group or user does not exist.");
        }
        ctx.status(201);
    }

    /** Documented: "A 204 is returned if the user is not part of the group." */
    private void confluenceRemoveUser(Context ctx) {
        Site s = confluenceSite(ctx);
        requireSiteAdmin(Gateway.principal(ctx));
        String accountId = ctx.queryParam("accountId");
        String groupId = ctx.queryParam("groupId");
        if (accountId == null || groupId == null) throw new ApiError(400, "groupId and accountId are required.");
        Group g = world.read(() -> siteGroup(s, List.of(s.confluence()), groupId, null));
        switch (world.removeMembership(g.id, accountId)) {
            case DONE, NOT_MEMBER -> { }
            case SYNCED_GROUP -> throw new ApiError(403, "Group " + g.name + " is managed by an external identity provider.");
            default -> throw new ApiError(404, "No user exists for the given accountId.");
        }
        ctx.status(204);
    }
}
