package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.ProductAccessCheck;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Checks product credentials live: the account authenticates, and it may read the users and groups a sync needs.
 * Jira, Confluence and Bitbucket use Basic email:API-token; Trello its key and token as query parameters.
 */
public final class ProductAccessClient implements ProductAccessCheck {
    private final AtlassianHttp http;
    private final AtlassianEndpoints endpoints;

    public ProductAccessClient(AtlassianHttp http, AtlassianEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    @Override
    public VerifiedProduct verify(Credential credential) {
        return switch (credential.type()) {
            case JIRA -> {
                String site = credential.settings().get("site");
                String base = endpoints.siteBaseUrl(site);
                String auth = basic(credential);
                JsonNode me = http.send("Jira: who am I", "GET", URI.create(base + "/rest/api/3/myself"), auth, null);
                // Reading application roles needs Jira administration, as the sync does.
                http.send("Jira: read application roles", "GET", URI.create(base + "/rest/api/3/applicationrole"), auth, null);
                yield new VerifiedProduct(site, site, List.of(), me.path("accountId").asText(null));
            }
            case CONFLUENCE -> {
                String site = credential.settings().get("site");
                String base = endpoints.siteBaseUrl(site);
                String auth = basic(credential);
                JsonNode me = http.send("Confluence: who am I", "GET", URI.create(base + "/wiki/rest/api/user/current"), auth, null);
                http.send("Confluence: list groups", "GET", URI.create(base + "/wiki/rest/api/group?limit=1"), auth, null);
                yield new VerifiedProduct(site, site, List.of(), me.path("accountId").asText(null));
            }
            case TRELLO -> {
                String enterprise = credential.settings().get("enterpriseId");
                String auth = "?key=" + OrgAdminClient.enc(credential.secret().get("apiKey"))
                        + "&token=" + OrgAdminClient.enc(credential.secret().get("token"));
                JsonNode me = http.send("Trello: who am I", "GET", URI.create(endpoints.trelloBaseUrl() + "/1/members/me" + auth), null, null);
                JsonNode ent = http.send("Trello: read enterprise", "GET",
                        URI.create(endpoints.trelloBaseUrl() + "/1/enterprises/" + OrgAdminClient.enc(enterprise) + auth), null, null);
                List<String> aliases = new ArrayList<>();
                for (String field : List.of("id", "name", "displayName")) {
                    if (ent.hasNonNull(field)) {
                        aliases.add(ent.path(field).asText());
                    }
                }
                yield new VerifiedProduct(enterprise, ent.path("displayName").asText(enterprise), aliases, me.path("aaId").asText(null));
            }
            case BITBUCKET -> {
                String workspace = credential.settings().get("workspace");
                String auth = basic(credential);
                JsonNode me = http.send("Bitbucket: who am I", "GET", URI.create(endpoints.bitbucketBaseUrl() + "/2.0/user"), auth, null);
                JsonNode members = http.send("Bitbucket: list workspace members", "GET", URI.create(endpoints.bitbucketBaseUrl()
                        + "/2.0/workspaces/" + OrgAdminClient.enc(workspace) + "/members?pagelen=1"), auth, null);
                JsonNode ws = members.path("values").path(0).path("workspace");
                List<String> aliases = new ArrayList<>();
                for (String field : List.of("uuid", "slug", "name")) {
                    if (ws.hasNonNull(field)) {
                        aliases.add(ws.path(field).asText());
                    }
                }
                yield new VerifiedProduct(workspace, ws.path("name").asText(workspace), aliases, me.path("account_id").asText(null));
            }
            case ATLASSIAN -> throw new IllegalArgumentException("The Atlassian org is checked by OrgAdminClient");
        };
    }

    static String basic(Credential credential) {
        String pair = credential.secret().get("email") + ":" + credential.secret().get("apiToken");
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
