package com.saasspend.atlassian.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulator's mutable in-memory entities. They are package-private on purpose: every read and
 * write goes through {@link World}, which guards them with one read/write lock, so nothing outside
 * the package can observe a half-applied change.
 */
final class Model {
    private Model() {}

    /** An Atlassian organization and everything that hangs off it. */
    static final class Org {
        final String id;
        String name;
        final List<Domain> domains = new ArrayList<>();
        /** One directory = centralized user management; several = the original experience (one per site). */
        final List<Directory> directories = new ArrayList<>();
        /** Keyed and ordered by account id: the order every paged listing uses (keyset paging). */
        final TreeMap<String, User> users = new TreeMap<>();
        /** Ordered by group id (keyset paging). */
        final TreeMap<String, Group> groups = new TreeMap<>();
        /** Product instances ("workspaces" in the v2 API), keyed by ARI, in insertion order. */
        final Map<String, Product> products = new LinkedHashMap<>();
        final List<ApiKey> apiKeys = new ArrayList<>();
        Trello trello;
        final List<BitbucketWorkspace> bitbucketWorkspaces = new ArrayList<>();

        Org(String id, String name) {
            this.id = id;
            this.name = name;
        }

        Directory directory(String directoryId) {
            for (Directory d : directories) if (d.id.equals(directoryId)) return d;
            return null;
        }

        String defaultDirectoryId() {
            return directories.isEmpty() ? null : directories.get(0).id;
        }
    }

    static final class Domain {
        final String id;
        final String name;
        String claimType; // http | dns
        String status;    // verified | deleted | unverified | superseded | missing_token

        Domain(String id, String name, String claimType, String status) {
            this.id = id;
            this.name = name;
            this.claimType = claimType;
            this.status = status;
        }
    }

    static final class Directory {
        final String id;
        final String name;

        Directory(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    static final class User {
        final String accountId;
        String name;
        String nickname;
        String email;
        /** atlassian | app | customer */
        String accountType = "atlassian";
        /** Atlassian account state: active | inactive (deactivated) | closed */
        String accountStatus = "active";
        /** Directory the user belongs to; null for app and customer accounts, which live outside directories. */
        String directoryId;
        /** Suspended in its directory: keeps groups and roles but has no product access and is not billed. */
        boolean suspended;
        /** managed (account on a verified domain of this org) | unmanaged (external) */
        String claimStatus = "managed";
        String managementSource = "invited"; // invited | synced
        Instant addedToOrg;
        /** Product ARI -> last time the user was active there. Absent = never used. */
        final Map<String, Instant> lastActive = new LinkedHashMap<>();
        final Set<String> platformRoles = new LinkedHashSet<>();
        final Set<String> groupIds = new LinkedHashSet<>();
        /** Direct (non-group) role assignments. */
        final List<RoleGrant> directRoles = new ArrayList<>();
        String jobTitle;
        String department;
        String location;
        String timeZone = "Etc/UTC";
        boolean mfaEnabled;
        /** Trello member id (24 hex chars) and username; set for every atlassian account. */
        String trelloMemberId;
        String trelloUsername;
        /** Bitbucket user uuid in braces, as Bitbucket prints it. */
        String bitbucketUuid;

        User(String accountId) {
            this.accountId = accountId;
        }

        String membershipStatus() {
            if (directoryId == null) return "no_membership";
            return suspended ? "suspended" : "active";
        }

        /** v2 {@code status}: lifecycle of the account as seen by the org. */
        String status() {
            if ("closed".equals(accountStatus)) return "for_deletion";
            if ("inactive".equals(accountStatus)) return "deactivated";
            return suspended ? "suspended" : "active";
        }

        /** Only an active, unsuspended account can use any product. */
        boolean canUseProducts() {
            return "active".equals(accountStatus) && !suspended;
        }
    }

    static final class Group {
        final String id;
        String name;
        String description;
        String directoryId;
        /** IdP-synced (SCIM) group: memberships are owned by the identity provider and cannot be edited here. */
        boolean externalSynced;
        final Set<String> members = new LinkedHashSet<>();
        final List<RoleGrant> roles = new ArrayList<>();

        Group(String id, String name) {
            this.id = id;
            this.name = name;
        }

        String managedBy() {
            return externalSynced ? "external" : "admins";
        }

        boolean grantsAccessTo(String productId) {
            for (RoleGrant r : roles) if (r.productId.equals(productId) && r.grantsAccess()) return true;
            return false;
        }
    }

    /** A role on a product instance, e.g. atlassian/user on ari:cloud:jira::site/... ; default = new users get it. */
    static final class RoleGrant {
        final String productId;
        final String role;
        final boolean defaultGroup;

        RoleGrant(String productId, String role, boolean defaultGroup) {
            this.productId = productId;
            this.role = role;
            this.defaultGroup = defaultGroup;
        }

        /** Every product role except user-access-admin (an admin role without product use) lets the user in. */
        boolean grantsAccess() {
            return !"atlassian/user-access-admin".equals(role);
        }

        /** Seats are consumed by users and admins; guests, customers, basic etc. are free. */
        boolean billable() {
            return "atlassian/user".equals(role) || "atlassian/admin".equals(role);
        }
    }

    /** A product instance: a Jira or Confluence site product, a Trello enterprise, or a Bitbucket workspace linked to the org. */
    static final class Product {
        final String id;  // ARI
        /** jira-software | jira-servicedesk | confluence | trello | bitbucket */
        final String key;
        String name;
        /** e.g. acme.atlassian.net; for Bitbucket bitbucket.org/{slug}; for Trello trello.com/e/{name} */
        String hostUrl;
        Integer capacity;
        String status = "online";
        Instant createdAt;
        /** Directory whose users can be given access (original UM: one directory per site). */
        String directoryId;

        Product(String id, String key) {
            this.id = id;
            this.key = key;
        }
    }

    /** An organization API key. scopes == null means an unscoped key (allowed everything). */
    static final class ApiKey {
        final String secret;
        final String label;
        Instant expiresAt;
        boolean revoked;
        final Set<String> scopes;

        ApiKey(String secret, String label, Instant expiresAt, Set<String> scopes) {
            this.secret = secret;
            this.label = label;
            this.expiresAt = expiresAt;
            this.scopes = scopes;
        }
    }

    /** Trello Enterprise linked to the org, and its Trello Workspaces (called organizations in the Trello API). */
    static final class Trello {
        final String enterpriseId;
        String name;
        String displayName;
        /** The org product that licenses Trello; its users are the enterprise's licensed members. */
        String productId;
        final List<TrelloWorkspace> workspaces = new ArrayList<>();

        Trello(String enterpriseId) {
            this.enterpriseId = enterpriseId;
        }
    }

    static final class TrelloWorkspace {
        final String id;
        String name;
        String displayName;
        /** Account ids of the workspace's members (only those with Trello access show up). */
        final Set<String> memberAccountIds = new LinkedHashSet<>();
        /** Trello member ids deactivated in this workspace. */
        final Set<String> deactivatedMemberIds = new LinkedHashSet<>();

        TrelloWorkspace(String id) {
            this.id = id;
        }
    }

    /** A Bitbucket workspace: either linked to the org (productId set, members = users with access) or created directly. */
    static final class BitbucketWorkspace {
        final String slug;
        final String uuid;
        String name;
        /** ARI of the org product when the workspace is linked; null when it was created directly in Bitbucket. */
        String productId;
        /** Explicit members (account id -> owner|collaborator|member); for linked workspaces only permission overrides. */
        final Map<String, String> permissions = new LinkedHashMap<>();
        Instant createdOn;

        BitbucketWorkspace(String slug, String uuid) {
            this.slug = slug;
            this.uuid = uuid;
        }
    }

    /** Basic-auth credential (email + API token) of an Atlassian account, valid for sites and Bitbucket. */
    static final class AccountToken {
        final String email;
        final String token;
        final String accountId;
        Instant expiresAt;
        boolean revoked;

        AccountToken(String email, String token, String accountId, Instant expiresAt) {
            this.email = email;
            this.token = token;
            this.accountId = accountId;
            this.expiresAt = expiresAt;
        }
    }

    /** Trello key + token pair of a Trello member. */
    static final class TrelloToken {
        final String key;
        final String token;
        final String accountId;
        boolean revoked;

        TrelloToken(String key, String token, String accountId) {
            this.key = key;
            this.token = token;
            this.accountId = accountId;
        }
    }
}
