package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.sync.SyncTestDoubles;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four products in memory, for the product sync's unit tests: each listing paged two items a page (the cursor is
 * the index of the page's first item), each call recorded, and a failure to throw from every call when set.
 */
final class ProductFakes implements ProductApis {
    final Enterprise trello = new Enterprise();
    final Site jira = new Site();
    final Site confluence = new Site();
    final Workspace bitbucket = new Workspace();
    /** Thrown instead of any call when set. */
    UpstreamFailure failure;
    /** Calls made to the products, as the HTTP client counts them. */
    long calls;

    /** Two items a page: the page at {@code cursor} and the cursor of the next one (null: last page). */
    static <T> Page<T> page(List<T> all, String cursor) {
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), from + 2);
        return new Page<>(List.copyOf(all.subList(Math.min(from, to), to)), to < all.size() ? Integer.toString(to) : null);
    }

    private void call() {
        calls++;
        if (failure != null) {
            throw failure;
        }
    }

    /** A Trello Enterprise; records each cursor asked for. */
    final class Enterprise implements TrelloEnterpriseApi {
        final List<TrelloMember> members = new ArrayList<>();
        final List<String> cursors = new ArrayList<>();

        void add(int index, String id, boolean licensed) {
            members.add(index, new TrelloMember(id, "name " + id, id, id + "@acme.com", licensed, false, false, true, false, null));
        }

        @Override
        public Page<TrelloMember> members(String cursor) {
            cursors.add(cursor);
            call();
            return page(members, cursor);
        }
    }

    /** A Jira or Confluence site: application roles (Jira) and groups, each group's members (id -> active). */
    final class Site implements JiraApi {
        final List<JiraRole> roles = new ArrayList<>();
        final Map<String, Map<String, Boolean>> groups = new LinkedHashMap<>();
        int roleCalls;
        /** Runs before each page of a group's members is answered. */
        Runnable onMembers = () -> {};

        @Override
        public List<JiraRole> applicationRoles() {
            roleCalls++;
            call();
            return List.copyOf(roles);
        }

        @Override
        public Page<GroupRef> groups(String cursor) {
            call();
            return page(groups.keySet().stream().map(id -> new GroupRef(id, "name " + id)).toList(), cursor);
        }

        @Override
        public Page<GroupMember> members(String groupId, String cursor) {
            onMembers.run();
            call();
            return page(groups.get(groupId).entrySet().stream().map(e -> new GroupMember(e.getKey(), e.getValue())).toList(), cursor);
        }
    }

    /** A Bitbucket workspace: members, and the uuids of each permission. */
    final class Workspace implements BitbucketWorkspaceApi {
        final List<BitbucketMember> members = new ArrayList<>();
        final Map<String, List<String>> uuidsByPermission = new LinkedHashMap<>();
        final List<String> permissionCalls = new ArrayList<>();

        @Override
        public Page<BitbucketMember> members(String cursor) {
            call();
            return page(members, cursor);
        }

        @Override
        public Page<String> memberUuidsWithPermission(String permission, String cursor) {
            permissionCalls.add(permission + "@" + cursor);
            call();
            return page(uuidsByPermission.getOrDefault(permission, List.of()), cursor);
        }
    }

    @Override
    public JiraApi jira(Credential credential) {
        return jira;
    }

    @Override
    public SiteGroupsApi confluence(Credential credential) {
        return confluence;
    }

    @Override
    public TrelloEnterpriseApi trello(Credential credential) {
        return trello;
    }

    @Override
    public BitbucketWorkspaceApi bitbucket(Credential credential) {
        return bitbucket;
    }

    static JiraRole role(String key, int userCount) {
        return new JiraRole(key, "role " + key, 10, 10 - userCount, userCount, false, List.of(), List.of());
    }

    /** A vault that holds one credential for every integration. */
    static CredentialVault vault() {
        return SyncTestDoubles.vaultHolding(Map.of("apiToken", "token", "token", "token"));
    }
}
