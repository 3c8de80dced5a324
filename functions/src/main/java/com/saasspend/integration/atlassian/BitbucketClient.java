package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.products.BitbucketMember;
import com.saasspend.integration.domain.products.BitbucketWorkspaceApi;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Bitbucket Cloud REST 2.0 of one workspace: {@code workspaces/{w}/members} and {@code workspaces/{w}/permissions}
 * filtered by permission. Paging follows the full {@code next} URL, only while it stays on the Bitbucket API (our
 * Authorization header must never go elsewhere). Basic email:API-token.
 */
public final class BitbucketClient implements BitbucketWorkspaceApi {
    private static final Log LOG = Log.of(BitbucketClient.class);
    static final int PAGELEN = 100;

    private final AtlassianHttp http;
    private final String apiBase;
    private final String workspace;
    private final String authorization;

    public BitbucketClient(AtlassianHttp http, String bitbucketBaseUrl, String workspace, String authorization) {
        this.http = http;
        this.apiBase = bitbucketBaseUrl + "/2.0/";
        this.workspace = workspace;
        this.authorization = authorization;
    }

    @Override
    public Page<BitbucketMember> members(String cursor) {
        JsonNode page = get("Bitbucket: list workspace members", cursor != null ? cursor
                : apiBase + "workspaces/" + OrgAdminClient.enc(workspace) + "/members?pagelen=" + PAGELEN);
        List<BitbucketMember> members = new ArrayList<>();
        page.path("values").forEach(v -> {
            JsonNode user = v.path("user");
            members.add(new BitbucketMember(user.path("uuid").asText(), user.path("account_id").asText(null),
                    user.path("display_name").asText(null), user.path("nickname").asText(null), null));
        });
        return new Page<>(members, next(page, members.size()));
    }

    /**
     * Bitbucket documents the {@code collaborator} permission as "being removed from the Bitbucket Cloud API". Once
     * it is gone, a filter on it may be refused (400): then nobody is a collaborator any more, and the listing is
     * answered as empty and complete instead of failing the whole sync. Any other permission's 400 is a real error.
     */
    static final String DEPRECATED_PERMISSION = "collaborator";

    @Override
    public Page<String> memberUuidsWithPermission(String permission, String cursor) {
        JsonNode page;
        try {
            page = get("Bitbucket: list workspace permissions", cursor != null ? cursor
                    : apiBase + "workspaces/" + OrgAdminClient.enc(workspace) + "/permissions?q="
                            + OrgAdminClient.enc("permission=\"" + permission + "\"") + "&pagelen=" + PAGELEN);
        } catch (UpstreamFailure failure) {
            if (DEPRECATED_PERMISSION.equals(permission) && failure.kind() == UpstreamFailure.Kind.BAD_REQUEST) {
                LOG.warn("Bitbucket refused the deprecated collaborator permission filter; counting no collaborators",
                        "status", failure.status());
                return new Page<>(List.of(), null);
            }
            throw failure;
        }
        List<String> uuids = new ArrayList<>();
        page.path("values").forEach(v -> uuids.add(v.path("user").path("uuid").asText()));
        return new Page<>(uuids, next(page, uuids.size()));
    }

    private JsonNode get(String operation, String url) {
        if (!url.startsWith(apiBase)) {
            throw new UpstreamFailure(UpstreamFailure.Kind.BAD_REQUEST, 0, operation + ": Bitbucket sent a next link outside its API.", null);
        }
        return http.send(operation, "GET", URI.create(url), authorization, null);
    }

    private static String next(JsonNode page, int count) {
        String next = page.path("next").asText(null);
        return next == null || next.isBlank() || count == 0 ? null : next;
    }
}
