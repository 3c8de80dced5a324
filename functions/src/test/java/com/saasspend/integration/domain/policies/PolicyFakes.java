package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.licenses.TenantSettings;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.reclaim.ReclaimPlanner;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import com.saasspend.integration.testing.InMemoryLicenseReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The rest of the product as a policy sees it, in memory: stored users and groups, reclaims, refreshes, notices. */
final class PolicyFakes {
    private PolicyFakes() {}

    static final String TENANT = "t1";
    static final String JIRA = "ari:cloud:jira-software::site/s1";
    static final String CONFLUENCE = "ari:cloud:confluence::site/s1";

    static OrgGroup group(String id, String resource, String key, String... roles) {
        return new OrgGroup(id, id + "-name", null, "admins", false, 3,
                List.of(new OrgGroup.Grant(resource, key, List.of(roles.length == 0 ? new String[] {"atlassian/user"} : roles), false)), "dir-1");
    }

    static OrgUser user(String id, boolean orgAdmin, String addedToOrg, String jiraLastActive, String... groupIds) {
        return new OrgUser(id, "User " + id, id + "@example.com", "atlassian", "active", "active", null, orgAdmin, addedToOrg,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, jiraLastActive)),
                java.util.Arrays.stream(groupIds).map(g -> new OrgUser.GroupRef(g, g + "-name")).toList());
    }

    /** Reclaims as calls recorded (a removal takes the user out of the groups), refreshes as scripted changes. */
    static final class Reclaims implements PolicyReclaims {
        final InMemoryLicenseReader reader;
        final Map<String, String> tokenOwners = new HashMap<>();
        final Map<String, BigDecimal> prices = new HashMap<>(Map.of("jira-software", new BigDecimal("8.50")));
        final List<String> reclaimCalls = new ArrayList<>();
        final Map<String, String> reclaimIdsByKey = new LinkedHashMap<>();
        final List<List<String>> refreshes = new ArrayList<>();
        /** What Atlassian says now, applied on refresh: account id -> change to the stored user. */
        final Map<String, Consumer<Map<String, OrgUser>>> atlassianChanges = new HashMap<>();
        Refusal refuseReclaim;
        /** How a reclaim ends (completed, partial, failed...). */
        String reclaimStatus = "completed";
        /** Batch reads of stored users. */
        int userReads;
        /** Batch reads of stored groups: the ids each asked for. */
        final List<List<String>> groupReads = new ArrayList<>();
        UpstreamFailure refreshFailure;
        boolean reclaimNotEnabled;

        Reclaims(InMemoryLicenseReader reader) {
            this.reader = reader;
        }

        @Override public Map<String, OrgUser> users(String tenantId, Collection<String> accountIds) {
            userReads++;
            Map<String, OrgUser> found = new HashMap<>();
            accountIds.forEach(id -> { if (reader.users.containsKey(id)) found.put(id, reader.users.get(id)); });
            return found;
        }
        @Override public Map<String, OrgGroup> groups(String tenantId, Collection<String> groupIds) {
            groupReads.add(List.copyOf(groupIds));
            return reader.groups(tenantId, groupIds);
        }
        @Override public ReclaimPlanner.Context planningContext(String tenantId) {
            if (reclaimNotEnabled) {
                throw new Refusal(Refusal.Kind.CONFLICT, "reclaim_not_enabled", "Connect Jira and Confluence.");
            }
            return new ReclaimPlanner.Context(tokenOwners, Map.<String, ProductInstance>of(), prices, List.of());
        }
        @Override public Reclaimed reclaim(String tenantId, String actor, String idempotencyKey, ReclaimRequest request) {
            reclaimCalls.add(actor + " | " + idempotencyKey + " | " + request.accountId() + " " + request.groupIds());
            if (refuseReclaim != null) {
                throw refuseReclaim;
            }
            String id = reclaimIdsByKey.computeIfAbsent(idempotencyKey, k -> "rcl-" + reclaimIdsByKey.size());
            OrgUser u = reader.users.get(request.accountId());
            reader.users.put(u.accountId(), new OrgUser(u.accountId(), u.name(), u.email(), u.accountType(), u.accountStatus(),
                    u.membershipStatus(), u.claimStatus(), u.orgAdmin(), u.addedToOrg(), List.of(),
                    u.groups().stream().filter(g -> !request.groupIds().contains(g.id())).toList()));
            return new Reclaimed(id, reclaimStatus, 1, new BigDecimal("8.50"));
        }
        /** The Atlassian integration paused or disconnected: a refresh re-reads nobody. */
        boolean atlassianNotSyncing;
        /** Users Atlassian does not answer for when asked by id. */
        final java.util.Set<String> notAnswered = new java.util.HashSet<>();

        @Override public Reread refresh(String tenantId, List<String> accountIds) {
            if (accountIds.size() > REFRESH_BATCH) {
                throw new AssertionError("refresh asked for more than a call allows: " + accountIds.size());
            }
            refreshes.add(List.copyOf(accountIds));
            if (refreshFailure != null) {
                throw refreshFailure;
            }
            if (atlassianNotSyncing) {
                return new Reread(false, java.util.Set.of());
            }
            accountIds.forEach(id -> { Consumer<Map<String, OrgUser>> change = atlassianChanges.remove(id); if (change != null) change.accept(reader.users); });
            return new Reread(true, accountIds.stream().filter(id -> !notAnswered.contains(id)).collect(java.util.stream.Collectors.toSet()));
        }
    }

    static final class Events implements PolicyEvents {
        final List<PolicyAction> notices = new ArrayList<>();
        final List<List<PolicyAction>> pending = new ArrayList<>();
        @Override public void noticeDue(String tenantId, Policy policy, PolicyAction action) { notices.add(action); }
        @Override public void actionsPending(String tenantId, Policy policy, List<PolicyAction> actions) { pending.add(List.copyOf(actions)); }
    }

    static final class Settings implements TenantSettingsStore {
        TenantSettings settings = TenantSettings.DEFAULTS;
        @Override public TenantSettings get(String tenantId) { return settings; }
        @Override public void put(String tenantId, TenantSettings s) { settings = s; }
    }
}
