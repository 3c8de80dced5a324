package com.saasspend.atlassian.sim;

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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic worlds of any size. {@link #generate} builds the Acme org (same ids and credentials
 * as {@link DemoCredentials}) with all five products and a realistic population; {@link #populate}
 * is also what a seed file's {@code generate} block runs to add bulk users and groups to an org.
 */
public final class WorldGenerator {
    private WorldGenerator() {}

    private static final String[] FIRST = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Mia", "Lucas",
            "Amelia", "Mateo", "Harper", "Ethan", "Aisha", "Kenji", "Priya", "Diego", "Fatima", "Wei", "Ingrid", "Tomasz", "Chloe", "Omar"};
    private static final String[] LAST = {"Smith", "Garcia", "Chen", "Patel", "Johnson", "Nguyen", "Kowalski", "Silva", "Müller", "Kim",
            "Okafor", "Rossi", "Haddad", "Novak", "Andersen", "Tanaka", "Brown", "Martin", "Lopez", "Singh"};
    private static final String[] DEPARTMENTS = {"Engineering", "Sales", "Marketing", "Support", "Finance", "People", "Product", "Design", "Legal", "Operations"};
    private static final String[] ZONES = {"America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"};

    /**
     * By default one team group in this many grants a product: about one in twenty, as in a company where team,
     * project and mailing-list groups far outnumber the groups that give access.
     */
    public static final int DEFAULT_GRANTING_ONE_IN = 20;

    /**
     * Shape of a bulk population; the defaults give a realistic mix. {@code grantingOneIn}: one team group in this many
     * grants a product (1: every one; 0: none).
     */
    public record Spec(int users, int groups, long seed, String emailDomain, int grantingOneIn) {
        public Spec {
            if (grantingOneIn < 0) throw new IllegalArgumentException("grantingOneIn must be 0 (none) or more");
        }

        public Spec(int users, int groups, long seed, String emailDomain) {
            this(users, groups, seed, emailDomain, DEFAULT_GRANTING_ONE_IN);
        }
    }

    /**
     * The Acme org with {@code users} people and {@code groups} groups in total, five products and the
     * demo credentials. Deterministic for a given seed; handles 100,000 users and 2,000 groups.
     */
    public static World generate(int users, int groups, long seed) {
        return generate(users, groups, seed, DEFAULT_GRANTING_ONE_IN);
    }

    /** As {@link #generate(int, int, long)}, with one team group in {@code grantingOneIn} granting a product (0: none). */
    public static World generate(int users, int groups, long seed, int grantingOneIn) {
        World world = new World();
        Instant now = world.now();
        Org org = world.addOrg(new Org(DemoCredentials.ORG_ID, DemoCredentials.ORG_NAME));
        org.apiKeys.add(new ApiKey(DemoCredentials.ORG_API_KEY, "spend-sync", Instant.parse(DemoCredentials.ORG_API_KEY_EXPIRES_AT), null));
        org.domains.add(new Domain(Ids.uuid("domain:acme.com"), "acme.com", "dns", "verified"));
        org.directories.add(new Directory(DemoCredentials.DIRECTORY_ID, "Acme Corp"));
        String cloudId = Ids.uuid("cloud:" + DemoCredentials.SITE_HOST);
        addProduct(org, "ari:cloud:jira-software::site/" + cloudId, "jira-software", "Jira", DemoCredentials.SITE_HOST, Math.max(10, users * 3 / 4), now);
        addProduct(org, "ari:cloud:jira-servicedesk::site/" + cloudId, "jira-servicedesk", "Jira Service Management", DemoCredentials.SITE_HOST, Math.max(5, users / 5), now);
        addProduct(org, "ari:cloud:confluence::site/" + cloudId, "confluence", "Confluence", DemoCredentials.SITE_HOST, Math.max(10, users * 9 / 10), now);
        Product trello = addProduct(org, "ari:cloud:trello::workspace/" + Ids.uuid("trello:acme"), "trello", "Acme Trello Enterprise", "trello.com/e/acmecorp", Math.max(5, users / 3), now);
        Product bitbucket = addProduct(org, "ari:cloud:bitbucket::workspace/" + Ids.uuid("bitbucket:acme-eng"), "bitbucket", "acme-eng",
                "bitbucket.org/" + DemoCredentials.BITBUCKET_LINKED_WORKSPACE, Math.max(5, users / 4), now);

        User admin = newUser(org, DemoCredentials.SITE_ADMIN_ACCOUNT_ID, "Ada Admin", DemoCredentials.SITE_ADMIN_EMAIL, now.minus(Duration.ofDays(900)));
        admin.platformRoles.add("atlassian/org-admin");
        admin.jobTitle = "IT Administrator";
        admin.department = "Operations";
        world.indexUser(org, admin);
        world.addAccountToken(new AccountToken(DemoCredentials.SITE_ADMIN_EMAIL, DemoCredentials.SITE_API_TOKEN, admin.accountId, null));
        world.addAccountToken(new AccountToken(DemoCredentials.BITBUCKET_EMAIL, DemoCredentials.BITBUCKET_API_TOKEN, admin.accountId, null));
        world.addTrelloToken(new TrelloToken(DemoCredentials.TRELLO_API_KEY, DemoCredentials.TRELLO_TOKEN, admin.accountId));

        Trello t = new Trello(DemoCredentials.TRELLO_ENTERPRISE_ID);
        t.name = "acmecorp";
        t.displayName = "Acme Corp";
        t.productId = trello.id;
        TrelloWorkspace ws = new TrelloWorkspace(DemoCredentials.TRELLO_WORKSPACE_ID);
        ws.name = "acmecorpworkspace";
        ws.displayName = "Acme Corp Workspace";
        t.workspaces.add(ws);
        org.trello = t;
        BitbucketWorkspace linked = new BitbucketWorkspace(DemoCredentials.BITBUCKET_LINKED_WORKSPACE, "{" + Ids.uuid("bbws:acme-eng") + "}");
        linked.name = "Acme Engineering";
        linked.productId = bitbucket.id;
        linked.permissions.put(admin.accountId, "owner");
        org.bitbucketWorkspaces.add(linked);
        BitbucketWorkspace direct = new BitbucketWorkspace(DemoCredentials.BITBUCKET_DIRECT_WORKSPACE, "{" + Ids.uuid("bbws:acme-labs") + "}");
        direct.name = "Acme Labs";
        direct.permissions.put(admin.accountId, "owner");
        org.bitbucketWorkspaces.add(direct);

        List<Group> productGroups = standardGroups(world, org);
        for (Group g : productGroups) if (g.name.equals("org-admins") || g.name.equals("jira-software-users") || g.name.equals("confluence-users")) join(g, admin);
        populate(world, org, new Spec(Math.max(0, users - 1), Math.max(0, groups - productGroups.size()), seed, "acme.com", grantingOneIn));
        return world;
    }

    static Product addProduct(Org org, String id, String key, String name, String host, Integer capacity, Instant now) {
        Product p = new Product(id, key);
        p.name = name;
        p.hostUrl = host;
        p.capacity = capacity;
        p.createdAt = now.minus(Duration.ofDays(1200));
        p.directoryId = org.defaultDirectoryId();
        org.products.put(p.id, p);
        return p;
    }

    /** Product access groups every Atlassian org has, plus an admin group and an IdP-synced group. */
    static List<Group> standardGroups(World world, Org org) {
        List<Group> out = new ArrayList<>();
        for (Product p : org.products.values()) {
            String name = switch (p.key) {
                case "jira-servicedesk" -> "jira-servicemanagement-users";
                default -> p.key + "-users";
            };
            Group g = newGroup(world, org, name, "Grants access to " + p.name);
            g.roles.add(new RoleGrant(p.id, "atlassian/user", true));
            out.add(g);
        }
        Group admins = newGroup(world, org, "org-admins", "Organization administrators");
        for (Product p : org.products.values()) admins.roles.add(new RoleGrant(p.id, "atlassian/admin", false));
        out.add(admins);
        Group synced = newGroup(world, org, "okta-engineering", "Synced from Okta (SCIM)");
        synced.externalSynced = true;
        for (Product p : org.products.values())
            if (p.key.equals("jira-software") || p.key.equals("bitbucket") || p.key.equals("confluence")) synced.roles.add(new RoleGrant(p.id, "atlassian/user", false));
        out.add(synced);
        return out;
    }

    static Group newGroup(World world, Org org, String name, String description) {
        Group g = new Group(Ids.uuid("group:" + org.id + ":" + name), name);
        g.description = description;
        g.directoryId = org.defaultDirectoryId();
        world.indexGroup(org, g);
        return g;
    }

    static User newUser(Org org, String accountId, String name, String email, Instant addedToOrg) {
        User u = new User(accountId);
        u.name = name;
        u.nickname = name.split(" ")[0];
        u.email = email;
        u.directoryId = org.defaultDirectoryId();
        u.addedToOrg = addedToOrg;
        u.claimStatus = World.isVerifiedDomain(org, email) ? "managed" : "unmanaged";
        u.trelloMemberId = Ids.trelloId("member:" + accountId);
        u.trelloUsername = Ids.username(name, accountId);
        u.bitbucketUuid = "{" + Ids.uuid("bitbucket:" + accountId) + "}";
        return u;
    }

    static void join(Group g, User u) {
        g.members.add(u.accountId);
        u.groupIds.add(g.id);
    }

    /**
     * Adds {@code spec.users} people and {@code spec.groups} team groups to the org. Mix: ~90% staff
     * on the org's domain, ~4% external (unmanaged) collaborators, 3% app and 2% customer accounts;
     * of directory users ~3% suspended and ~2% deactivated. Access comes from the org's product
     * groups (names ending in "-users") and from the team groups that grant a product (one in {@code spec.grantingOneIn()}), so
     * many users hold the same seat through two groups. Last activity per product: 70% within 30
     * days, 15% 30-90 days ago, 10% older than 90 days, 5% never.
     */
    public static void populate(World world, Org org, Spec spec) {
        Random rnd = new Random(spec.seed());
        Instant now = world.now();
        List<Product> products = new ArrayList<>(org.products.values());
        List<Group> productGroups = new ArrayList<>();
        for (Group g : org.groups.values()) if (!g.externalSynced && g.name.endsWith("-users")) productGroups.add(g);
        Group synced = null;
        for (Group g : org.groups.values()) if (g.externalSynced) synced = g;

        List<Group> teams = new ArrayList<>(spec.groups());
        for (int i = 0; i < spec.groups(); i++) {
            String dept = DEPARTMENTS[i % DEPARTMENTS.length];
            Group g = newGroup(world, org, "team-" + dept.toLowerCase() + "-" + (i / DEPARTMENTS.length + 1), dept + " team " + (i / DEPARTMENTS.length + 1));
            // nextInt(n) == 0: with n = 5 the same draws as before the knob, so seeds that ask for 5 keep their worlds.
            if (!products.isEmpty() && spec.grantingOneIn() > 0 && rnd.nextInt(spec.grantingOneIn()) == 0) g.roles.add(new RoleGrant(products.get(rnd.nextInt(products.size())).id, "atlassian/user", false));
            teams.add(g);
        }
        double[] productShare = new double[productGroups.size()];
        for (int i = 0; i < productGroups.size(); i++) {
            String n = productGroups.get(i).name;
            productShare[i] = n.startsWith("confluence") ? 0.8 : n.startsWith("jira-software") ? 0.7 : n.startsWith("trello") ? 0.25
                    : n.startsWith("bitbucket") ? 0.2 : 0.15;
        }
        String prefix = org.id.substring(0, 8);
        for (int i = 0; i < spec.users(); i++) {
            String first = FIRST[rnd.nextInt(FIRST.length)];
            String last = LAST[rnd.nextInt(LAST.length)];
            String name = first + " " + last;
            String handle = (first + "." + last).toLowerCase().replace("ü", "ue") + i;
            int kind = rnd.nextInt(100);
            String accountId = Ids.accountId(prefix + ":" + spec.seed() + ":" + i);
            Instant added = now.minus(Duration.ofDays(1 + rnd.nextInt(1100)));
            User u;
            if (kind < 3) { // app (bot) account: outside the directory, no email
                u = newUser(org, Ids.trelloId("app:" + accountId), "Automation Bot " + i, null, added);
                u.accountType = "app";
                u.directoryId = null;
                u.claimStatus = "unmanaged";
                world.indexUser(org, u);
                continue;
            }
            if (kind < 5) { // JSM customer: outside the directory
                u = newUser(org, "qm:" + Ids.uuid("customer:" + accountId) + ":" + Ids.uuid("portal:" + i), name, handle + "@customer-mail.example", added);
                u.accountType = "customer";
                u.directoryId = null;
                u.claimStatus = "unmanaged";
                world.indexUser(org, u);
                continue;
            }
            String email = kind < 9 ? handle + "@contractor-partners.example" : handle + "@" + spec.emailDomain();
            u = newUser(org, accountId, name, email, added);
            u.department = DEPARTMENTS[rnd.nextInt(DEPARTMENTS.length)];
            u.jobTitle = u.department + (rnd.nextBoolean() ? " Specialist" : " Lead");
            u.timeZone = ZONES[rnd.nextInt(ZONES.length)];
            u.mfaEnabled = rnd.nextInt(10) < 7;
            int state = rnd.nextInt(100);
            if (state < 3) u.suspended = true;
            else if (state < 5) u.accountStatus = "inactive";
            world.indexUser(org, u);
            for (int g = 0; g < productGroups.size(); g++) if (rnd.nextDouble() < productShare[g]) join(productGroups.get(g), u);
            if (!teams.isEmpty()) for (int k = 1 + rnd.nextInt(3); k > 0; k--) join(teams.get(rnd.nextInt(teams.size())), u);
            if (synced != null && "Engineering".equals(u.department) && rnd.nextInt(3) == 0) {
                join(synced, u);
                u.managementSource = "synced";
            }
            for (Product p : products) {
                if (!isGrantedIgnoringState(org, u, p)) continue;
                int a = rnd.nextInt(100);
                if (a < 70) u.lastActive.put(p.id, now.minus(Duration.ofMinutes(rnd.nextInt(30 * 24 * 60))));
                else if (a < 85) u.lastActive.put(p.id, now.minus(Duration.ofDays(30 + rnd.nextInt(60))));
                else if (a < 95) u.lastActive.put(p.id, now.minus(Duration.ofDays(91 + rnd.nextInt(400))));
            }
        }
        // Every Trello-licensed person is in the enterprise's first workspace.
        if (org.trello != null && !org.trello.workspaces.isEmpty()) {
            Product trello = org.products.get(org.trello.productId);
            for (User u : org.users.values())
                if (trello != null && "atlassian".equals(u.accountType) && isGrantedIgnoringState(org, u, trello))
                    org.trello.workspaces.get(0).memberAccountIds.add(u.accountId);
        }
    }

    /** Granted by a group or direct role, whether or not the user is currently suspended. */
    static boolean isGrantedIgnoringState(Org org, User u, Product p) {
        for (RoleGrant r : u.directRoles) if (r.productId.equals(p.id)) return true;
        for (String gid : u.groupIds) {
            Group g = org.groups.get(gid);
            if (g != null && g.grantsAccessTo(p.id)) return true;
        }
        return false;
    }
}
