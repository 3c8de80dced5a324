package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.atlassian.sim.Model.AccountToken;
import com.saasspend.atlassian.sim.Model.ApiKey;
import com.saasspend.atlassian.sim.Model.BitbucketWorkspace;
import com.saasspend.atlassian.sim.Model.Directory;
import com.saasspend.atlassian.sim.Model.Domain;
import com.saasspend.atlassian.sim.Model.Group;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.RoleGrant;
import com.saasspend.atlassian.sim.Model.Trello;
import com.saasspend.atlassian.sim.Model.TrelloToken;
import com.saasspend.atlassian.sim.Model.TrelloWorkspace;
import com.saasspend.atlassian.sim.Model.User;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a world from a readable JSON seed. Format (every id optional unless noted; ids left out are
 * derived deterministically from names):
 *
 * <pre>
 * { "orgs": [ {
 *     "id": "...", "name": "Acme Corp",
 *     "apiKeys":     [ {"key": "...", "label": "...", "expiresAt": "2027-09-30T00:00:00Z", "scopes": ["read:orgs:admin"] | null, "revoked": false} ],
 *     "domains":     [ {"name": "acme.com", "claimType": "dns|http", "status": "verified|unverified|missing_token|superseded|deleted"} ],
 *     "directories": [ {"id": "...", "name": "..."} ],              (one = centralized, several = original UM)
 *     "products":    [ {"id": "ari:cloud:...", "key": "jira-software|jira-servicedesk|confluence|trello|bitbucket",
 *                       "name": "...", "hostUrl": "acme.atlassian.net", "capacity": 50, "directoryId": "..."} ],
 *     "groups":      [ {"name": "...", "description": "...", "directoryId": "...", "externalSynced": false,
 *                       "roles": [ {"product": "jira-software | ARI", "role": "atlassian/user", "default": true} ],
 *                       "members": ["accountId", ...]} ],
 *     "users":       [ {"accountId": "...", "name": "...", "email": "...", "accountType": "atlassian|app|customer",
 *                       "accountStatus": "active|inactive|closed", "suspended": false, "directoryId": "...",
 *                       "claimStatus": "managed|unmanaged" (default: from verified domains), "addedToOrg": "-400d",
 *                       "lastActive": {"jira-software": "-120d", "confluence": "2026-01-05T10:00:00Z"},
 *                       "platformRoles": ["atlassian/org-admin"], "groups": ["group name", ...],
 *                       "directRoles": [ {"product": "...", "role": "atlassian/user"} ], "jobTitle", "department", "timeZone",
 *                       "mfaEnabled", "managementSource": "invited|synced"} ],
 *     "generate":    {"users": 400, "groups": 20, "seed": 42, "emailDomain": "acme.com", "grantingOneIn": 20},   (bulk, deterministic)
 *     "trello":      {"enterpriseId": "24 hex", "name": "...", "displayName": "...", "product": "trello",
 *                     "workspaces": [ {"id": "24 hex", "name": "...", "displayName": "...",
 *                                      "members": "licensed" | ["accountId", ...], "deactivated": ["accountId", ...]} ]},
 *     "bitbucketWorkspaces": [ {"slug": "...", "uuid": "{...}", "name": "...", "product": "bitbucket" | null,
 *                               "permissions": {"accountId": "owner|collaborator|member"}} ]
 *   } ],
 *   "accountTokens": [ {"email": "...", "token": "...", "accountId": "...", "expiresAt": null} ],
 *   "trelloTokens":  [ {"key": "...", "token": "...", "accountId": "..."} ] }
 * </pre>
 *
 * Times are ISO-8601 instants or relative to load time: {@code "-120d"}, {@code "-6h"}, {@code "now"};
 * relative times keep "inactive for more than 90 days" true however old the seed file gets.
 */
public final class WorldSeed {
    private WorldSeed() {}

    public static final String DEMO_RESOURCE = "/seeds/demo-org.json";
    private static final Pattern RELATIVE = Pattern.compile("^(-?\\d+)([dhm])$");

    public static World load(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read seed " + path, e);
        }
    }

    public static World load(InputStream in) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("Seed is not valid JSON: " + e.getMessage(), e);
        }
        World world = new World();
        Instant now = world.now();
        for (JsonNode o : root.path("orgs")) loadOrg(world, o, now);
        for (JsonNode t : root.path("accountTokens")) {
            String accountId = req(t, "accountId");
            if (world.findUser(accountId) == null) throw new IllegalArgumentException("accountTokens: unknown accountId " + accountId);
            world.addAccountToken(new AccountToken(req(t, "email"), req(t, "token"), accountId, t.hasNonNull("expiresAt") ? time(t.get("expiresAt"), now) : null));
        }
        for (JsonNode t : root.path("trelloTokens")) {
            String accountId = req(t, "accountId");
            if (world.findUser(accountId) == null) throw new IllegalArgumentException("trelloTokens: unknown accountId " + accountId);
            world.addTrelloToken(new TrelloToken(req(t, "key"), req(t, "token"), accountId));
        }
        return world;
    }

    /** The shipped demo world: Acme (centralized, all five products, several hundred users) and Globex (original UM). */
    public static World demo() {
        try (InputStream in = WorldSeed.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) throw new IllegalStateException("Missing classpath resource " + DEMO_RESOURCE);
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void loadOrg(World world, JsonNode o, Instant now) {
        Org org = world.addOrg(new Org(req(o, "id"), req(o, "name")));
        for (JsonNode k : o.path("apiKeys")) {
            Set<String> scopes = null;
            if (k.has("scopes") && k.get("scopes").isArray()) {
                scopes = new LinkedHashSet<>();
                for (JsonNode s : k.get("scopes")) scopes.add(s.asText());
            }
            ApiKey key = new ApiKey(req(k, "key"), k.path("label").asText("api-key"), time(k.get("expiresAt"), now.plus(Duration.ofDays(7))), scopes);
            key.revoked = k.path("revoked").asBoolean(false);
            org.apiKeys.add(key);
        }
        for (JsonNode d : o.path("domains")) {
            String name = req(d, "name");
            org.domains.add(new Domain(d.path("id").asText(Ids.uuid("domain:" + org.id + ":" + name)), name,
                    d.path("claimType").asText("dns"), d.path("status").asText("verified")));
        }
        for (JsonNode d : o.path("directories")) org.directories.add(new Directory(req(d, "id"), d.path("name").asText(org.name)));
        if (org.directories.isEmpty()) org.directories.add(new Directory(Ids.uuid("directory:" + org.id), org.name));
        for (JsonNode p : o.path("products")) {
            String key = req(p, "key");
            String host = p.path("hostUrl").asText(null);
            String id = p.path("id").asText("ari:cloud:" + key + "::site/" + Ids.uuid("cloud:" + host));
            Product product = WorldGenerator.addProduct(org, id, key, p.path("name").asText(key), host,
                    p.has("capacity") && !p.get("capacity").isNull() ? p.get("capacity").asInt() : null, now);
            product.directoryId = p.path("directoryId").asText(org.defaultDirectoryId());
            if (p.has("createdAt")) product.createdAt = time(p.get("createdAt"), now);
        }
        for (JsonNode g : o.path("groups")) {
            String name = req(g, "name");
            Group group = new Group(g.path("id").asText(Ids.uuid("group:" + org.id + ":" + name)), name);
            group.description = g.path("description").asText(null);
            group.directoryId = g.path("directoryId").asText(org.defaultDirectoryId());
            group.externalSynced = g.path("externalSynced").asBoolean(false);
            for (JsonNode r : g.path("roles"))
                group.roles.add(new RoleGrant(productRef(org, req(r, "product")), r.path("role").asText("atlassian/user"), r.path("default").asBoolean(false)));
            world.indexGroup(org, group);
        }
        for (JsonNode u : o.path("users")) loadUser(world, org, u, now);
        for (JsonNode g : o.path("groups")) {
            Group group = groupByName(org, req(g, "name"));
            for (JsonNode m : g.path("members")) {
                User u = org.users.get(m.asText());
                if (u == null) throw new IllegalArgumentException("Group " + group.name + ": unknown member " + m.asText());
                WorldGenerator.join(group, u);
            }
        }
        JsonNode gen = o.get("generate");
        if (gen != null) {
            WorldGenerator.populate(world, org, new WorldGenerator.Spec(gen.path("users").asInt(0), gen.path("groups").asInt(0),
                    gen.path("seed").asLong(42), gen.path("emailDomain").asText(org.domains.isEmpty() ? "example.com" : org.domains.get(0).name),
                    gen.path("grantingOneIn").asInt(WorldGenerator.DEFAULT_GRANTING_ONE_IN)));
        }
        JsonNode trello = o.get("trello");
        if (trello != null) loadTrello(org, trello);
        for (JsonNode b : o.path("bitbucketWorkspaces")) {
            String slug = req(b, "slug");
            BitbucketWorkspace ws = new BitbucketWorkspace(slug, b.path("uuid").asText("{" + Ids.uuid("bbws:" + slug) + "}"));
            ws.name = b.path("name").asText(slug);
            ws.productId = b.hasNonNull("product") ? productRef(org, b.get("product").asText()) : null;
            b.path("permissions").fields().forEachRemaining(e -> {
                if (!org.users.containsKey(e.getKey())) throw new IllegalArgumentException("Bitbucket " + slug + ": unknown account " + e.getKey());
                ws.permissions.put(e.getKey(), e.getValue().asText());
            });
            org.bitbucketWorkspaces.add(ws);
        }
    }

    private static void loadUser(World world, Org org, JsonNode n, Instant now) {
        String name = req(n, "name");
        String email = n.path("email").asText(null);
        String accountId = n.path("accountId").asText(Ids.accountId(org.id + ":" + (email != null ? email : name)));
        User u = WorldGenerator.newUser(org, accountId, name, email, time(n.get("addedToOrg"), now.minus(Duration.ofDays(365))));
        u.accountType = n.path("accountType").asText("atlassian");
        u.accountStatus = n.path("accountStatus").asText("active");
        u.suspended = n.path("suspended").asBoolean(false);
        if (!"atlassian".equals(u.accountType)) u.directoryId = null;
        if (n.has("directoryId")) u.directoryId = n.get("directoryId").isNull() ? null : n.get("directoryId").asText();
        if (n.has("claimStatus")) u.claimStatus = n.get("claimStatus").asText();
        if (n.has("nickname")) u.nickname = n.get("nickname").asText();
        u.jobTitle = n.path("jobTitle").asText(null);
        u.department = n.path("department").asText(null);
        u.location = n.path("location").asText(null);
        u.timeZone = n.path("timeZone").asText(u.timeZone);
        u.mfaEnabled = n.path("mfaEnabled").asBoolean(false);
        u.managementSource = n.path("managementSource").asText("invited");
        for (JsonNode r : n.path("platformRoles")) u.platformRoles.add(r.asText());
        for (JsonNode r : n.path("directRoles"))
            u.directRoles.add(new RoleGrant(productRef(org, req(r, "product")), r.path("role").asText("atlassian/user"), false));
        n.path("lastActive").fields().forEachRemaining(e -> u.lastActive.put(productRef(org, e.getKey()), time(e.getValue(), now)));
        world.indexUser(org, u);
        for (JsonNode g : n.path("groups")) WorldGenerator.join(groupByName(org, g.asText()), u);
    }

    private static void loadTrello(Org org, JsonNode t) {
        Trello trello = new Trello(req(t, "enterpriseId"));
        trello.name = t.path("name").asText("enterprise");
        trello.displayName = t.path("displayName").asText(trello.name);
        trello.productId = productRef(org, t.path("product").asText("trello"));
        Product product = org.products.get(trello.productId);
        for (JsonNode w : t.path("workspaces")) {
            TrelloWorkspace ws = new TrelloWorkspace(req(w, "id"));
            ws.name = w.path("name").asText(ws.id);
            ws.displayName = w.path("displayName").asText(ws.name);
            JsonNode members = w.get("members");
            if (members == null || "licensed".equals(members.asText())) {
                // Everyone the org grants Trello (whatever their current state) is on the workspace.
                for (User u : org.users.values())
                    if ("atlassian".equals(u.accountType) && WorldGenerator.isGrantedIgnoringState(org, u, product)) ws.memberAccountIds.add(u.accountId);
            } else {
                for (JsonNode m : members) ws.memberAccountIds.add(m.asText());
            }
            for (JsonNode d : w.path("deactivated")) {
                User u = org.users.get(d.asText());
                if (u == null) throw new IllegalArgumentException("Trello workspace " + ws.id + ": unknown account " + d.asText());
                ws.memberAccountIds.add(u.accountId);
                ws.deactivatedMemberIds.add(u.trelloMemberId);
            }
            trello.workspaces.add(ws);
        }
        org.trello = trello;
    }

    private static Group groupByName(Org org, String name) {
        for (Group g : org.groups.values()) if (g.name.equals(name)) return g;
        throw new IllegalArgumentException("Unknown group " + name + " in org " + org.name);
    }

    private static String productRef(Org org, String keyOrId) {
        Product p = World.product(org, keyOrId);
        if (p == null) throw new IllegalArgumentException("Unknown product " + keyOrId + " in org " + org.name);
        return p.id;
    }

    private static String req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) throw new IllegalArgumentException("Seed: missing '" + field + "' in " + n);
        return v.asText();
    }

    static Instant time(JsonNode v, Instant dflt) {
        if (v == null || v.isNull()) return dflt;
        String s = v.asText().trim();
        if (s.equals("now")) return Instant.now();
        Matcher m = RELATIVE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "d" -> Duration.ofDays(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofMinutes(1);
            };
            return Instant.now().plus(unit.multipliedBy(n));
        }
        return Instant.parse(s);
    }
}
