package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.AuditEvent;
import com.saasspend.integration.domain.AuditEventPage;
import com.saasspend.integration.domain.OrgDomain;
import com.saasspend.integration.domain.ListedGroup;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.PagingGuard;
import com.saasspend.integration.domain.ProductInstance;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The Organizations REST API (api.atlassian.com/admin), v1 and v2, with an org API key as Bearer token. */
public final class OrgAdminClient implements AtlassianOrgApi {
    private final AtlassianHttp http;
    private final String adminBase;

    public OrgAdminClient(AtlassianHttp http, AtlassianEndpoints endpoints) {
        this.http = http;
        this.adminBase = endpoints.adminBaseUrl() + "/admin";
    }

    @Override
    public List<String> orgIdsOfKey(String apiKey) {
        List<String> ids = new ArrayList<>();
        followV1Pages("list organizations", "organizations", "/v1/orgs", apiKey, page -> page.path("data").forEach(o -> ids.add(o.path("id").asText())));
        return ids;
    }

    @Override
    public String orgName(String orgId, String apiKey) {
        JsonNode org = http.send("read organization", "GET", uri("/v1/orgs/" + enc(orgId)), bearer(apiKey), null);
        return org.path("data").path("attributes").path("name").asText(orgId);
    }

    @Override
    public List<OrgDomain> domains(String orgId, String apiKey) {
        List<OrgDomain> domains = new ArrayList<>();
        followV1Pages("list domains", "domains", "/v1/orgs/" + enc(orgId) + "/domains", apiKey, page -> page.path("data").forEach(d ->
                domains.add(new OrgDomain(d.path("attributes").path("name").asText(),
                        d.path("attributes").path("claim").path("status").asText("unverified")))));
        return domains;
    }

    @Override
    public int directoryCount(String orgId, String apiKey) {
        int count = 0;
        PagingGuard guard = PagingGuard.of("directories");
        String cursor = null;
        do {
            String query = "?limit=100" + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode page = http.send("list directories", "GET", uri("/v2/orgs/" + enc(orgId) + "/directories" + query), bearer(apiKey), null);
            count += page.path("data").size();
            cursor = guard.next(nextCursor(page), page.path("data").size());
        } while (cursor != null);
        return count;
    }

    @Override
    public List<ProductInstance> productInstances(String orgId, String apiKey) {
        List<ProductInstance> instances = new ArrayList<>();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("limit", 1000);
        PagingGuard guard = PagingGuard.of("product instances (workspaces)");
        while (true) {
            JsonNode page = http.send("list product instances", "POST", uri("/v2/orgs/" + enc(orgId) + "/workspaces"), bearer(apiKey), body);
            page.path("data").forEach(w -> {
                JsonNode a = w.path("attributes");
                instances.add(new ProductInstance(w.path("id").asText(), a.path("type").asText(), a.path("name").asText(null),
                        a.path("hostUrl").asText(null),
                        a.hasNonNull("capacity") ? a.path("capacity").asInt() : null,
                        a.hasNonNull("usage") ? a.path("usage").asInt() : null));
            });
            String cursor = guard.next(nextCursor(page), page.path("data").size());
            if (cursor == null) {
                return instances;
            }
            // The next link is a URL carrying the cursor; a cursor request must carry nothing else.
            body = Map.of("cursor", cursor);
        }
    }

    /** Users of every directory ("-"), 100 a page (the API's maximum), with product access and groups expanded. */
    @Override
    public Page<OrgUser> users(String orgId, String apiKey, String cursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("limit", 100);
        body.put("expand", List.of("productAccess", "groups", "platformRoles"));
        if (cursor != null) {
            body.put("cursor", cursor);
        }
        JsonNode page = http.send("list users", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/-/users/search"), bearer(apiKey), body);
        List<OrgUser> users = new ArrayList<>();
        page.path("data").forEach(u -> users.add(user(u)));
        return new Page<>(users, nextCursor(page));
    }

    @Override
    public Page<OrgUser> usersInGroup(String orgId, String apiKey, String groupId, String cursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (cursor != null) {
            // A cursor carries the query it continues.
            body.put("cursor", cursor);
        } else {
            body.put("groupIds", List.of(groupId));
            body.put("limit", 100);
            body.put("expand", List.of("productAccess", "groups", "platformRoles"));
        }
        JsonNode page = http.send("list users of a group", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/-/users/search"), bearer(apiKey), body);
        List<OrgUser> users = new ArrayList<>();
        page.path("data").forEach(u -> users.add(user(u)));
        return new Page<>(users, nextCursor(page));
    }

    @Override
    public Page<ListedGroup> groups(String orgId, String apiKey, String cursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("limit", 100);
        // counts.resources: the sync reads role assignments only of groups that have some.
        body.put("expand", List.of("counts.users", "counts.resources"));
        if (cursor != null) {
            body.put("cursor", cursor);
        }
        JsonNode page = http.send("list groups", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/-/groups/search"), bearer(apiKey), body);
        return new Page<>(listedGroups(page), nextCursor(page));
    }

    /** groups search with {@code groupIds} (at most 10 a request, as documented); a deleted group is simply absent. */
    @Override
    public List<ListedGroup> groupsById(String orgId, String apiKey, List<String> groupIds) {
        List<ListedGroup> groups = new ArrayList<>();
        for (int from = 0; from < groupIds.size(); from += 10) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("groupIds", groupIds.subList(from, Math.min(groupIds.size(), from + 10)));
            body.put("limit", 100);
            body.put("expand", List.of("counts.users", "counts.resources"));
            JsonNode page = http.send("read groups", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/-/groups/search"), bearer(apiKey), body);
            groups.addAll(listedGroups(page));
        }
        return groups;
    }

    /**
     * events-stream: 500 a page (the documented maximum), oldest first. {@code links.next} (a URL) says a page follows
     * now; {@code meta.next} is where the next poll continues.
     */
    @Override
    public AuditEventPage auditEvents(String orgId, String apiKey, String cursor, long fromMillis) {
        String query = "?limit=500" + (cursor != null ? "&cursor=" + enc(cursor) : "&from=" + fromMillis);
        JsonNode page = http.send("poll audit events", "GET", uri("/v1/orgs/" + enc(orgId) + "/events-stream" + query), bearer(apiKey), null);
        List<AuditEvent> events = new ArrayList<>();
        page.path("data").forEach(e -> {
            List<String> accounts = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            e.path("attributes").path("context").forEach(o -> {
                String type = o.path("type").asText("");
                String id = o.path("id").asText(null);
                if (id == null || id.isBlank()) {
                    return;
                }
                if (type.equals("users") || type.equals("user")) {
                    accounts.add(id);
                } else if (type.equals("groups") || type.equals("group")) {
                    groups.add(groupId(id));
                }
            });
            events.add(new AuditEvent(e.path("id").asText(), e.path("attributes").path("action").asText(""), accounts, groups));
        });
        String resume = page.path("meta").path("next").asText(null);
        return new AuditEventPage(events, nextCursor(page), resume == null || resume.isBlank() ? null : resume);
    }

    @Override
    public List<String> eventActions(String orgId, String apiKey) {
        JsonNode answer = http.send("list event actions", "GET", uri("/v1/orgs/" + enc(orgId) + "/event-actions"), bearer(apiKey), null);
        List<String> actions = new ArrayList<>();
        answer.path("data").forEach(a -> actions.add(a.path("id").asText()));
        return actions;
    }

    private static List<ListedGroup> listedGroups(JsonNode page) {
        List<ListedGroup> groups = new ArrayList<>();
        page.path("data").forEach(g -> groups.add(new ListedGroup(new OrgGroup(
                groupId(g.path("id").asText()),
                g.path("name").asText(),
                g.path("description").asText(null),
                g.path("managedBy").asText(null),
                g.path("externalSynced").asBoolean(false) || "external".equals(g.path("managedBy").asText()),
                g.path("counts").hasNonNull("users") ? g.path("counts").path("users").asInt() : null,
                List.of(),
                // Membership calls take the group's own directory (groups search documents directoryId per group).
                g.hasNonNull("directoryId") ? g.path("directoryId").asText() : null),
                g.path("counts").hasNonNull("resources") ? g.path("counts").path("resources").asInt() : null)));
        return groups;
    }

    @Override
    public List<OrgGroup.Grant> groupGrants(String orgId, String apiKey, String groupId) {
        List<OrgGroup.Grant> grants = new ArrayList<>();
        PagingGuard guard = PagingGuard.of("role assignments of group " + groupId);
        String cursor = null;
        do {
            String query = "?limit=100" + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode page = http.send("read group role assignments", "GET", uri("/v2/orgs/" + enc(orgId)
                    + "/directories/-/groups/" + enc(groupId) + "/role-assignments" + query), bearer(apiKey), null);
            page.path("data").forEach(a -> {
                List<String> roles = new ArrayList<>();
                a.path("roles").forEach(r -> roles.add(r.asText()));
                grants.add(new OrgGroup.Grant(a.path("resourceId").asText(), a.path("resourceOwner").asText(null), roles,
                        a.hasNonNull("defaultRole")));
            });
            cursor = guard.next(nextCursor(page), page.path("data").size());
        } while (cursor != null);
        return grants;
    }

    @Override
    public List<OrgUser> usersById(String orgId, String apiKey, List<String> accountIds) {
        List<OrgUser> users = new ArrayList<>();
        for (int from = 0; from < accountIds.size(); from += 10) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accountIds", accountIds.subList(from, Math.min(accountIds.size(), from + 10)));
            body.put("limit", 100);
            body.put("expand", List.of("productAccess", "groups", "platformRoles"));
            JsonNode page = http.send("read users", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/-/users/search"), bearer(apiKey), body);
            page.path("data").forEach(u -> users.add(user(u)));
        }
        return users;
    }

    @Override
    public void removeMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        http.send("remove a group membership", "DELETE", uri("/v2/orgs/" + enc(orgId) + "/directories/" + enc(directoryId) + "/groups/" + enc(groupId)
                + "/memberships/" + enc(accountId)), bearer(apiKey), null);
    }

    @Override
    public void addMembership(String orgId, String apiKey, String directoryId, String groupId, String accountId) {
        http.send("add a group membership", "POST", uri("/v2/orgs/" + enc(orgId) + "/directories/" + enc(directoryId) + "/groups/" + enc(groupId)
                + "/memberships"), bearer(apiKey), Map.of("accountId", accountId));
    }

    private static OrgUser user(JsonNode u) {
        List<OrgUser.ProductAccess> products = new ArrayList<>();
        u.path("productAccess").forEach(p -> products.add(new OrgUser.ProductAccess(
                p.path("key").asText(), p.path("id").asText(), p.hasNonNull("lastActiveTimestamp") ? p.path("lastActiveTimestamp").asText() : null)));
        List<OrgUser.GroupRef> groups = new ArrayList<>();
        u.path("groups").forEach(g -> groups.add(new OrgUser.GroupRef(groupId(g.path("id").asText()), g.path("name").asText(null))));
        boolean orgAdmin = false;
        for (JsonNode role : u.path("platformRoles")) {
            // platformRoles items are role ids, or objects carrying one, depending on the expand's version.
            String id = role.isTextual() ? role.asText() : role.path("roleId").asText(role.path("role").asText(""));
            orgAdmin |= id.endsWith("org-admin");
        }
        return new OrgUser(u.path("accountId").asText(), u.path("name").asText(null), u.path("email").asText(null),
                u.path("accountType").asText(null), u.path("accountStatus").asText(null),
                u.path("membershipStatus").asText(u.path("status").asText(null)), u.path("claimStatus").asText(null),
                orgAdmin, u.path("addedToOrg").asText(null), products, groups);
    }

    /** Users' groups carry the group's ARI, group objects its bare id: we keep the bare id. */
    static String groupId(String idOrAri) {
        int slash = idOrAri.lastIndexOf('/');
        return idOrAri.startsWith("ari:") && slash >= 0 ? idOrAri.substring(slash + 1) : idOrAri;
    }

    /** Pages end when links.next is absent or empty; it holds an opaque cursor (v2) or a URL carrying one (v1, workspaces). */
    private static String nextCursor(JsonNode page) {
        String next = page.path("links").path("next").asText(null);
        return next == null || next.isBlank() ? null : cursorOf(next);
    }

    /** v1 lists link to the next page with a full URL; we take only its cursor, so the key never leaves our host. */
    private void followV1Pages(String operation, String listing, String path, String apiKey, Consumer<JsonNode> onPage) {
        PagingGuard guard = PagingGuard.of(listing);
        String cursor = null;
        do {
            String query = cursor == null ? "" : "?cursor=" + enc(cursor);
            JsonNode page = http.send(operation, "GET", uri(path + query), bearer(apiKey), null);
            onPage.accept(page);
            cursor = guard.next(nextCursor(page), page.path("data").size());
        } while (cursor != null);
    }

    /** A cursor from a next link that is either a full URL (?cursor=...) or the bare cursor. */
    static String cursorOf(String next) {
        int q = next.indexOf('?');
        if (!next.startsWith("http") || q < 0) {
            return next;
        }
        for (String pair : next.substring(q + 1).split("&")) {
            if (pair.startsWith("cursor=")) {
                return URLDecoder.decode(pair.substring("cursor=".length()), StandardCharsets.UTF_8);
            }
        }
        return next;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(adminBase + pathAndQuery);
    }

    static String bearer(String apiKey) {
        return "Bearer " + apiKey;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
