package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.products.JiraApi;
import com.saasspend.integration.domain.products.JiraRole;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Jira Cloud platform REST v3 of one site, as the product sync reads it: {@code applicationrole},
 * {@code group/bulk} and {@code group/member} (PageBean paging: startAt, isLast). Basic email:API-token.
 */
public final class JiraClient implements JiraApi {
    private static final Log LOG = Log.of(JiraClient.class);
    /** group/bulk's maximum page size is not documented; 50 is its default. */
    static final int GROUPS_PAGE = 50;
    /** group/member answers at most 50 members a page (documented). */
    static final int MEMBERS_PAGE = 50;

    private final AtlassianHttp http;
    private final String base;
    private final String authorization;

    public JiraClient(AtlassianHttp http, String siteBaseUrl, String authorization) {
        this.http = http;
        this.base = siteBaseUrl;
        this.authorization = authorization;
    }

    @Override
    public List<JiraRole> applicationRoles() {
        JsonNode roles = http.send("Jira: list application roles", "GET", URI.create(base + "/rest/api/3/applicationrole"), authorization, null);
        List<JiraRole> out = new ArrayList<>();
        for (JsonNode role : roles) {
            List<GroupRef> groups = groupRefs(role.path("groupDetails"));
            List<GroupRef> defaults = groupRefs(role.path("defaultGroupsDetails"));
            if (defaults.isEmpty() && role.path("defaultGroups").size() > 0) {
                // Older answers name default groups only: find their ids among the role's groups.
                List<String> names = new ArrayList<>();
                role.path("defaultGroups").forEach(n -> names.add(n.asText()));
                defaults = groups.stream().filter(g -> names.contains(g.name())).toList();
            }
            boolean unlimited = role.path("hasUnlimitedSeats").asBoolean(false);
            out.add(new JiraRole(role.path("key").asText(), role.path("name").asText(null),
                    unlimited ? null : seats(role.path("numberOfSeats")), unlimited ? null : seats(role.path("remainingSeats")),
                    role.path("userCount").asInt(0), unlimited, groups, defaults));
        }
        return out;
    }

    /** A seat number, or null where Jira sends none or -1 (unlimited). */
    private static Integer seats(JsonNode value) {
        return value.isNumber() && value.asInt() >= 0 ? value.asInt() : null;
    }

    private static List<GroupRef> groupRefs(JsonNode details) {
        List<GroupRef> refs = new ArrayList<>();
        details.forEach(d -> groupRef(d).ifPresent(refs::add));
        return refs;
    }

    /**
     * A group with its id, or empty when Jira gave none: members are listed by groupId only (a name-only group cannot
     * be listed, and "null" must never be sent as an id).
     */
    private static Optional<GroupRef> groupRef(JsonNode group) {
        String id = group.path("groupId").isTextual() ? group.path("groupId").asText().trim() : "";
        if (id.isEmpty()) {
            LOG.warn("skipped a Jira group without groupId", "name", group.path("name").asText(""));
            return Optional.empty();
        }
        return Optional.of(new GroupRef(id, group.path("name").asText(null)));
    }

    @Override
    public Page<GroupRef> groups(String cursor) {
        int startAt = startAt(cursor);
        JsonNode page = http.send("Jira: list groups", "GET",
                URI.create(base + "/rest/api/3/group/bulk?startAt=" + startAt + "&maxResults=" + GROUPS_PAGE), authorization, null);
        List<GroupRef> groups = new ArrayList<>();
        page.path("values").forEach(g -> groupRef(g).ifPresent(groups::add));
        return new Page<>(groups, next(page, startAt));
    }

    @Override
    public Page<GroupMember> members(String groupId, String cursor) {
        int startAt = startAt(cursor);
        JsonNode page = http.send("Jira: list group members", "GET", URI.create(base + "/rest/api/3/group/member?groupId="
                + OrgAdminClient.enc(groupId) + "&includeInactiveUsers=true&startAt=" + startAt + "&maxResults=" + MEMBERS_PAGE),
                authorization, null);
        List<GroupMember> members = new ArrayList<>();
        page.path("values").forEach(m -> members.add(new GroupMember(m.path("accountId").asText(),
                m.has("active") ? m.path("active").asBoolean() : null)));
        return new Page<>(members, next(page, startAt));
    }

    private static int startAt(String cursor) {
        return cursor == null ? 0 : Integer.parseInt(cursor);
    }

    /**
     * The next page's startAt, or null after the last page (an empty page also ends the listing, whatever isLast says).
     * It counts from the startAt Jira says the page has, so a Jira that answers the same page again gives the same
     * next startAt again, which the listing's PagingGuard sees as a repeat.
     */
    private static String next(JsonNode page, int askedStartAt) {
        int count = page.path("values").size();
        int pageStart = page.path("startAt").canConvertToInt() && page.path("startAt").isNumber() ? page.path("startAt").asInt() : askedStartAt;
        return page.path("isLast").asBoolean(true) || count == 0 ? null : Integer.toString(pageStart + count);
    }
}
