package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.products.SiteGroupsApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Confluence Cloud REST v1 of one site (groups exist only in v1): {@code group} and
 * {@code group/{groupId}/membersByGroupId}. Paging follows {@code _links.next}, which is relative to the wiki base;
 * it is resolved against our own site URL, never against a host named in the answer. Basic email:API-token.
 */
public final class ConfluenceClient implements SiteGroupsApi {
    static final int PAGE = 200;

    private final AtlassianHttp http;
    private final String wikiBase;
    private final String authorization;

    public ConfluenceClient(AtlassianHttp http, String siteBaseUrl, String authorization) {
        this.http = http;
        this.wikiBase = siteBaseUrl + "/wiki";
        this.authorization = authorization;
    }

    @Override
    public Page<GroupRef> groups(String cursor) {
        JsonNode page = get("Confluence: list groups", cursor == null ? "/rest/api/group?limit=" + PAGE : cursor);
        List<GroupRef> groups = new ArrayList<>();
        page.path("results").forEach(g -> groups.add(new GroupRef(g.path("id").asText(), g.path("name").asText(null))));
        return new Page<>(groups, next(page, groups.size()));
    }

    @Override
    public Page<GroupMember> members(String groupId, String cursor) {
        String first = "/rest/api/group/" + OrgAdminClient.enc(groupId) + "/membersByGroupId?limit=" + PAGE;
        JsonNode page = get("Confluence: list group members", cursor == null ? first : cursor);
        List<GroupMember> members = new ArrayList<>();
        // Confluence says nothing about whether a member is active.
        page.path("results").forEach(m -> members.add(new GroupMember(m.path("accountId").asText(), null)));
        return new Page<>(members, next(page, members.size()));
    }

    private JsonNode get(String operation, String relative) {
        if (!relative.startsWith("/rest/api/")) {
            throw new UpstreamFailure(UpstreamFailure.Kind.BAD_REQUEST, 0, operation + ": Confluence sent a next link outside its API.", null);
        }
        return http.send(operation, "GET", URI.create(wikiBase + relative), authorization, null);
    }

    private static String next(JsonNode page, int count) {
        String next = page.path("_links").path("next").asText(null);
        return next == null || next.isBlank() || count == 0 ? null : next;
    }
}
