package com.saasspend.atlassian.sim;

import com.saasspend.atlassian.sim.Model.AccountToken;
import com.saasspend.atlassian.sim.Model.ApiKey;
import com.saasspend.atlassian.sim.Model.BitbucketWorkspace;
import com.saasspend.atlassian.sim.Model.Group;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.Product;
import com.saasspend.atlassian.sim.Model.RoleGrant;
import com.saasspend.atlassian.sim.Model.TrelloToken;
import com.saasspend.atlassian.sim.Model.TrelloWorkspace;
import com.saasspend.atlassian.sim.Model.User;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One coherent, stateful Atlassian Cloud: organizations with their directories, users, groups,
 * product instances and credentials, plus the Trello and Bitbucket views of the same people.
 *
 * <p>Thread-safe: all state sits behind one read/write lock. Product access is never stored; it is
 * derived on every read from group memberships, group role grants, direct roles and the user's
 * suspension/account state, so a membership change is visible everywhere at once (users/search,
 * group counts, Jira application roles, workspace usage, Trello and Bitbucket membership).
 */
public final class World {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Org> orgs = new LinkedHashMap<>();
    private final Map<String, Org> orgByAccountId = new HashMap<>();
    private final Map<String, Org> orgByGroupId = new HashMap<>();
    private final Map<String, User> userByTrelloMemberId = new HashMap<>();
    private final List<AccountToken> accountTokens = new ArrayList<>();
    private final List<TrelloToken> trelloTokens = new ArrayList<>();
    private final Set<String> trelloApiKeys = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();
    private final AuditLog auditLog = new AuditLog();

    World() {}

    /** The orgs' audit logs (every mutation below appends to its org's log) and their faults. */
    public AuditLog auditLog() {
        return auditLog;
    }

    private void audit(Org org, String action, String... objects) {
        auditLog.record(org.id, now(), action, objects);
    }

    // ------------------------------------------------------------------ locking

    <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void writeVoid(Runnable body) {
        write(() -> {
            body.run();
            return null;
        });
    }

    Instant now() {
        return clock.instant();
    }

    /** Tests may pin time (key expiry, cursor TTL, "inactive for 90 days"). */
    public void setClock(Clock clock) {
        writeVoid(() -> this.clock = clock);
    }

    // ------------------------------------------------------------------ building (used by seed loader/generator)

    Org addOrg(Org org) {
        orgs.put(org.id, org);
        return org;
    }

    void indexUser(Org org, User u) {
        org.users.put(u.accountId, u);
        orgByAccountId.put(u.accountId, org);
        if (u.trelloMemberId != null) userByTrelloMemberId.put(u.trelloMemberId, u);
    }

    void indexGroup(Org org, Group g) {
        org.groups.put(g.id, g);
        orgByGroupId.put(g.id, org);
    }

    void addAccountToken(AccountToken t) {
        accountTokens.add(t);
    }

    void addTrelloToken(TrelloToken t) {
        trelloTokens.add(t);
        trelloApiKeys.add(t.key);
    }

    // ------------------------------------------------------------------ lookups (call under a lock)

    Iterable<Org> orgs() {
        return orgs.values();
    }

    Org org(String orgId) {
        return orgs.get(orgId);
    }

    Org orgOfAccount(String accountId) {
        return orgByAccountId.get(accountId);
    }

    Org orgOfGroup(String groupId) {
        return orgByGroupId.get(groupId);
    }

    User userByTrelloMemberId(String memberId) {
        return userByTrelloMemberId.get(memberId);
    }

    ApiKey apiKey(String secret) {
        for (Org o : orgs.values()) for (ApiKey k : o.apiKeys) if (k.secret.equals(secret)) return k;
        return null;
    }

    Org orgOfApiKey(ApiKey key) {
        for (Org o : orgs.values()) if (o.apiKeys.contains(key)) return o;
        return null;
    }

    AccountToken accountToken(String email, String token) {
        for (AccountToken t : accountTokens) if (t.email.equalsIgnoreCase(email) && t.token.equals(token)) return t;
        return null;
    }

    boolean isTrelloApiKey(String key) {
        return trelloApiKeys.contains(key);
    }

    TrelloToken trelloToken(String key, String token) {
        for (TrelloToken t : trelloTokens) if (t.key.equals(key) && t.token.equals(token)) return t;
        return null;
    }

    /** Products hosted on a site such as acme.atlassian.net. */
    List<Product> productsOnHost(String host) {
        List<Product> out = new ArrayList<>();
        for (Org o : orgs.values())
            for (Product p : o.products.values())
                if (host.equalsIgnoreCase(p.hostUrl)) out.add(p);
        return out;
    }

    Org orgOfProduct(Product p) {
        for (Org o : orgs.values()) if (o.products.get(p.id) == p) return o;
        return null;
    }

    Model.Trello trelloEnterprise(String enterpriseId) {
        for (Org o : orgs.values()) if (o.trello != null && o.trello.enterpriseId.equals(enterpriseId)) return o.trello;
        return null;
    }

    TrelloWorkspace trelloWorkspace(String workspaceId) {
        for (Org o : orgs.values())
            if (o.trello != null)
                for (TrelloWorkspace w : o.trello.workspaces) if (w.id.equals(workspaceId)) return w;
        return null;
    }

    Org orgOfTrelloWorkspace(TrelloWorkspace ws) {
        for (Org o : orgs.values()) if (o.trello != null && o.trello.workspaces.contains(ws)) return o;
        return null;
    }

    BitbucketWorkspace bitbucketWorkspace(String slugOrUuid) {
        for (Org o : orgs.values())
            for (BitbucketWorkspace w : o.bitbucketWorkspaces)
                if (w.slug.equals(slugOrUuid) || w.uuid.equals(slugOrUuid)) return w;
        return null;
    }

    Org orgOfBitbucketWorkspace(BitbucketWorkspace ws) {
        for (Org o : orgs.values()) if (o.bitbucketWorkspaces.contains(ws)) return o;
        return null;
    }

    User findUser(String accountId) {
        Org o = orgByAccountId.get(accountId);
        return o == null ? null : o.users.get(accountId);
    }

    // ------------------------------------------------------------------ derived access (call under a lock)

    /** Product access is derived: any group of the user, or a direct role, grants it, and the user may use products. */
    boolean hasAccess(Org org, User u, Product p) {
        if (!u.canUseProducts()) return false;
        for (RoleGrant r : u.directRoles) if (r.productId.equals(p.id) && r.grantsAccess()) return true;
        for (String gid : u.groupIds) {
            Group g = org.groups.get(gid);
            if (g != null && g.grantsAccessTo(p.id)) return true;
        }
        return false;
    }

    /** Occupies a paid seat on the product (atlassian/user or atlassian/admin, directly or via a group). */
    boolean holdsSeat(Org org, User u, Product p) {
        if (!u.canUseProducts()) return false;
        for (RoleGrant r : u.directRoles) if (r.productId.equals(p.id) && r.billable()) return true;
        for (String gid : u.groupIds) {
            Group g = org.groups.get(gid);
            if (g == null) continue;
            for (RoleGrant r : g.roles) if (r.productId.equals(p.id) && r.billable()) return true;
        }
        return false;
    }

    List<Product> accessibleProducts(Org org, User u) {
        List<Product> out = new ArrayList<>();
        for (Product p : org.products.values()) if (hasAccess(org, u, p)) out.add(p);
        return out;
    }

    int seatsUsed(Org org, Product p) {
        int n = 0;
        for (User u : org.users.values()) if (holdsSeat(org, u, p)) n++;
        return n;
    }

    /** Groups that grant any role on the product (the groups a Jira/Confluence site mirrors). */
    List<Group> groupsGranting(Org org, Product p) {
        List<Group> out = new ArrayList<>();
        for (Group g : org.groups.values())
            for (RoleGrant r : g.roles)
                if (r.productId.equals(p.id)) {
                    out.add(g);
                    break;
                }
        return out;
    }

    // ------------------------------------------------------------------ mutations (public API for tests, and the HTTP handlers)

    /** Outcome of a membership change, mapped to each API family's own status code and error body. */
    public enum Change { DONE, NO_SUCH_GROUP, NO_SUCH_USER, SYNCED_GROUP, ALREADY, NOT_MEMBER }

    /** Removes a user from a group; like the admin API, refused for IdP-synced groups. */
    public Change removeMembership(String groupId, String accountId) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            if (org == null) return Change.NO_SUCH_GROUP;
            Group g = org.groups.get(groupId);
            User u = org.users.get(accountId);
            if (u == null) return Change.NO_SUCH_USER;
            if (g.externalSynced) return Change.SYNCED_GROUP;
            if (!g.members.remove(accountId)) return Change.NOT_MEMBER;
            u.groupIds.remove(groupId);
            audit(org, AuditLog.USER_REMOVED_FROM_GROUP, "users", accountId, "groups", groupId);
            return Change.DONE;
        });
    }

    public Change addMembership(String groupId, String accountId) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            if (org == null) return Change.NO_SUCH_GROUP;
            Group g = org.groups.get(groupId);
            User u = org.users.get(accountId);
            if (u == null) return Change.NO_SUCH_USER;
            if (g.externalSynced) return Change.SYNCED_GROUP;
            if (!g.members.add(accountId)) return Change.ALREADY;
            u.groupIds.add(groupId);
            audit(org, AuditLog.USER_ADDED_TO_GROUP, "users", accountId, "groups", groupId);
            return Change.DONE;
        });
    }

    /** Suspends the user in its directory: memberships stay, access goes (and returns on restore). */
    public boolean suspendUser(String accountId) {
        return setSuspended(accountId, true);
    }

    public boolean restoreUser(String accountId) {
        return setSuspended(accountId, false);
    }

    private boolean setSuspended(String accountId, boolean suspended) {
        return write(() -> {
            User u = findUser(accountId);
            if (u == null || u.directoryId == null) return false;
            if (u.suspended != suspended)
                audit(orgByAccountId.get(accountId), suspended ? AuditLog.USER_SUSPENDED : AuditLog.USER_RESTORED, "users", accountId);
            u.suspended = suspended;
            return true;
        });
    }

    /** Deactivates the Atlassian account itself (accountStatus inactive): no access anywhere. */
    public boolean deactivateAccount(String accountId) {
        return write(() -> {
            User u = findUser(accountId);
            if (u == null) return false;
            u.accountStatus = "inactive";
            audit(orgByAccountId.get(accountId), AuditLog.USER_DEACTIVATED, "users", accountId);
            return true;
        });
    }

    /**
     * Adds an active, managed atlassian account to the org's first directory and to the given groups.
     * Returns false if the account id is taken or a group is unknown.
     */
    public boolean addUser(String orgId, String accountId, String name, String email, String... groupIds) {
        return write(() -> {
            Org org = orgs.get(orgId);
            if (org == null || orgByAccountId.containsKey(accountId)) return false;
            for (String gid : groupIds) if (!org.groups.containsKey(gid)) return false;
            User u = new User(accountId);
            u.name = name;
            u.nickname = name;
            u.email = email;
            u.directoryId = org.defaultDirectoryId();
            u.addedToOrg = now();
            u.trelloMemberId = Ids.trelloId("member:" + accountId);
            u.trelloUsername = Ids.username(name, accountId);
            u.bitbucketUuid = "{" + Ids.uuid("bitbucket:" + accountId) + "}";
            u.claimStatus = isVerifiedDomain(org, email) ? "managed" : "unmanaged";
            indexUser(org, u);
            audit(org, AuditLog.USER_ADDED_TO_ORG, "users", accountId);
            for (String gid : groupIds) {
                org.groups.get(gid).members.add(accountId);
                u.groupIds.add(gid);
                audit(org, AuditLog.USER_ADDED_TO_GROUP, "users", accountId, "groups", gid);
            }
            return true;
        });
    }

    /** Removes the user from the org (its directory and every group): users search no longer returns it. */
    public boolean removeUser(String accountId) {
        return write(() -> {
            Org org = orgByAccountId.get(accountId);
            if (org == null) return false;
            User u = org.users.remove(accountId);
            orgByAccountId.remove(accountId);
            if (u.trelloMemberId != null) userByTrelloMemberId.remove(u.trelloMemberId);
            for (String gid : u.groupIds) {
                Group g = org.groups.get(gid);
                if (g != null) g.members.remove(accountId);
            }
            audit(org, AuditLog.USER_REMOVED_FROM_ORG, "users", accountId);
            return true;
        });
    }

    /** Creates an empty group in the org's first directory; answers its id, or null for an unknown org. */
    public String createGroup(String orgId, String name) {
        return write(() -> {
            Org org = orgs.get(orgId);
            if (org == null) return null;
            String id = Ids.uuid("group:" + orgId + ":" + name + ":" + now().toEpochMilli() + ":" + org.groups.size());
            Group g = new Group(id, name);
            g.directoryId = org.defaultDirectoryId();
            indexGroup(org, g);
            audit(org, AuditLog.GROUP_CREATED, "groups", id);
            return id;
        });
    }

    /** Deletes a group: its members lose what it granted. */
    public boolean deleteGroup(String groupId) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            if (org == null) return false;
            Group g = org.groups.remove(groupId);
            orgByGroupId.remove(groupId);
            for (String accountId : g.members) {
                User u = org.users.get(accountId);
                if (u != null) u.groupIds.remove(groupId);
            }
            audit(org, AuditLog.GROUP_DELETED, "groups", groupId);
            return true;
        });
    }

    public boolean renameGroup(String groupId, String name) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            if (org == null) return false;
            org.groups.get(groupId).name = name;
            audit(org, AuditLog.GROUP_RENAMED, "groups", groupId);
            return true;
        });
    }

    /** Gives the group a role on a product (product access for its members), e.g. atlassian/user on jira-software. */
    public boolean grantGroupRole(String groupId, String productKeyOrId, String role) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            Product p = org == null ? null : product(org, productKeyOrId);
            if (p == null) return false;
            Group g = org.groups.get(groupId);
            if (g.roles.stream().anyMatch(r -> r.productId.equals(p.id) && r.role.equals(role))) return false;
            g.roles.add(new RoleGrant(p.id, role, false));
            audit(org, AuditLog.GROUP_ROLE_GRANTED, "groups", groupId, "resources", p.id);
            return true;
        });
    }

    /** Removes every role the group has on the product. */
    public boolean revokeGroupRoles(String groupId, String productKeyOrId) {
        return write(() -> {
            Org org = orgByGroupId.get(groupId);
            Product p = org == null ? null : product(org, productKeyOrId);
            if (p == null) return false;
            if (!org.groups.get(groupId).roles.removeIf(r -> r.productId.equals(p.id))) return false;
            audit(org, AuditLog.GROUP_ROLE_REVOKED, "groups", groupId, "resources", p.id);
            return true;
        });
    }

    static boolean isVerifiedDomain(Org org, String email) {
        if (email == null || !email.contains("@")) return false;
        String domain = email.substring(email.indexOf('@') + 1);
        for (Model.Domain d : org.domains) if (d.name.equalsIgnoreCase(domain) && "verified".equals(d.status)) return true;
        return false;
    }

    /** Records product use, e.g. {@code recordActivity(id, "jira-software", Instant.now())}. */
    public boolean recordActivity(String accountId, String productKeyOrId, Instant at) {
        return write(() -> {
            Org org = orgByAccountId.get(accountId);
            if (org == null) return false;
            Product p = product(org, productKeyOrId);
            if (p == null) return false;
            org.users.get(accountId).lastActive.put(p.id, at);
            return true;
        });
    }

    /** Revokes an org API key, a site/Bitbucket API token or a Trello token; the next call with it gets 401. */
    public boolean revokeKey(String secret) {
        return write(() -> {
            boolean found = false;
            ApiKey k = apiKey(secret);
            if (k != null) {
                k.revoked = true;
                found = true;
            }
            for (AccountToken t : accountTokens) if (t.token.equals(secret)) { t.revoked = true; found = true; }
            for (TrelloToken t : trelloTokens) if (t.token.equals(secret)) { t.revoked = true; found = true; }
            return found;
        });
    }

    /** Moves the expiry of an org API key or account API token to now, so it is expired from the next call on. */
    public boolean expireKey(String secret) {
        return setKeyExpiry(secret, now().minusSeconds(1));
    }

    public boolean setKeyExpiry(String secret, Instant expiresAt) {
        return write(() -> {
            boolean found = false;
            ApiKey k = apiKey(secret);
            if (k != null) {
                k.expiresAt = expiresAt;
                found = true;
            }
            for (AccountToken t : accountTokens) if (t.token.equals(secret)) { t.expiresAt = expiresAt; found = true; }
            return found;
        });
    }

    // ------------------------------------------------------------------ read-only queries for tests

    public List<String> orgIds() {
        return read(() -> new ArrayList<>(orgs.keySet()));
    }

    public String orgName(String orgId) {
        return read(() -> orgs.containsKey(orgId) ? orgs.get(orgId).name : null);
    }

    public List<String> accountIds(String orgId) {
        return read(() -> orgs.containsKey(orgId) ? new ArrayList<>(orgs.get(orgId).users.keySet()) : List.of());
    }

    public List<String> directoryIds(String orgId) {
        return read(() -> {
            List<String> out = new ArrayList<>();
            if (orgs.containsKey(orgId)) for (Model.Directory d : orgs.get(orgId).directories) out.add(d.id);
            return out;
        });
    }

    public List<String> groupIds(String orgId) {
        return read(() -> orgs.containsKey(orgId) ? new ArrayList<>(orgs.get(orgId).groups.keySet()) : List.of());
    }

    /** Ids of the org's groups that have a role on at least one of its resources (what groups search counts). */
    public List<String> grantingGroupIds(String orgId) {
        return read(() -> {
            Org org = orgs.get(orgId);
            if (org == null) return List.<String>of();
            List<String> ids = new ArrayList<>();
            for (Model.Group g : org.groups.values())
                if (g.roles.stream().anyMatch(r -> org.products.containsKey(r.productId))) ids.add(g.id);
            return ids;
        });
    }

    /** Group id by exact name within the org, or null. */
    public String groupId(String orgId, String groupName) {
        return read(() -> {
            Org org = orgs.get(orgId);
            if (org == null) return null;
            for (Group g : org.groups.values()) if (g.name.equals(groupName)) return g.id;
            return null;
        });
    }

    public Set<String> groupMembers(String groupId) {
        return read(() -> {
            Org org = orgByGroupId.get(groupId);
            return org == null ? Set.of() : new LinkedHashSet<>(org.groups.get(groupId).members);
        });
    }

    public Set<String> groupsOf(String accountId) {
        return read(() -> {
            User u = findUser(accountId);
            return u == null ? Set.of() : new LinkedHashSet<>(u.groupIds);
        });
    }

    /** ARI of the org's first product with this key (jira-software, jira-servicedesk, confluence, trello, bitbucket). */
    public String productId(String orgId, String productKey) {
        return read(() -> {
            Org org = orgs.get(orgId);
            Product p = org == null ? null : product(org, productKey);
            return p == null ? null : p.id;
        });
    }

    public boolean hasAccess(String accountId, String productKeyOrId) {
        return read(() -> {
            Org org = orgByAccountId.get(accountId);
            if (org == null) return false;
            Product p = product(org, productKeyOrId);
            return p != null && hasAccess(org, org.users.get(accountId), p);
        });
    }

    /** Paid seats in use on the product (what v2 workspaces reports as usage and Jira as userCount). */
    public int seatsUsed(String orgId, String productKeyOrId) {
        return read(() -> {
            Org org = orgs.get(orgId);
            Product p = org == null ? null : product(org, productKeyOrId);
            return p == null ? 0 : seatsUsed(org, p);
        });
    }

    /** Whether the user occupies a paid seat on the product. */
    public boolean holdsSeat(String accountId, String productKeyOrId) {
        return read(() -> {
            Org org = orgByAccountId.get(accountId);
            Product p = org == null ? null : product(org, productKeyOrId);
            return p != null && holdsSeat(org, org.users.get(accountId), p);
        });
    }

    /** When the user last used the product, or null for never. */
    public Instant lastActive(String accountId, String productKeyOrId) {
        return read(() -> {
            Org org = orgByAccountId.get(accountId);
            Product p = org == null ? null : product(org, productKeyOrId);
            return p == null ? null : org.users.get(accountId).lastActive.get(p.id);
        });
    }

    /** The seats bought on the product, where the org's product list reports them (null otherwise). */
    public Integer capacity(String orgId, String productKeyOrId) {
        return read(() -> {
            Org org = orgs.get(orgId);
            Product p = org == null ? null : product(org, productKeyOrId);
            return p == null ? null : p.capacity;
        });
    }

    public boolean isSuspended(String accountId) {
        return read(() -> {
            User u = findUser(accountId);
            return u != null && u.suspended;
        });
    }

    public int userCount(String orgId) {
        return read(() -> orgs.containsKey(orgId) ? orgs.get(orgId).users.size() : 0);
    }

    /** A directory member's searchable text (benchmarks pick search prefixes from it). */
    public record Person(String accountId, String name, String email) {}

    /** The org's directory members (atlassian accounts in a directory: what the org's user listing answers). */
    public List<Person> directoryPeople(String orgId) {
        return read(() -> {
            List<Person> out = new ArrayList<>();
            if (orgs.containsKey(orgId)) {
                for (User u : orgs.get(orgId).users.values()) {
                    if (u.directoryId != null && "atlassian".equals(u.accountType)) out.add(new Person(u.accountId, u.name, u.email));
                }
            }
            return out;
        });
    }

    static Product product(Org org, String keyOrId) {
        Product byId = org.products.get(keyOrId);
        if (byId != null) return byId;
        for (Product p : org.products.values()) if (p.key.equals(keyOrId)) return p;
        return null;
    }
}
