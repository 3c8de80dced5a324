package com.saasspend.integration.atlassian;

import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.products.BitbucketWorkspaceApi;
import com.saasspend.integration.domain.products.JiraApi;
import com.saasspend.integration.domain.products.ProductApis;
import com.saasspend.integration.domain.products.SiteGroupsApi;
import com.saasspend.integration.domain.products.TrelloEnterpriseApi;

/**
 * The product APIs over HTTP, each opened with the integration's credential: Jira and Confluence at the site the
 * integration was connected to (a validated *.atlassian.net host), Trello and Bitbucket at their API hosts.
 */
public final class HttpProductApis implements ProductApis {
    private final AtlassianHttp http;
    private final AtlassianEndpoints endpoints;

    public HttpProductApis(AtlassianHttp http, AtlassianEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    @Override
    public JiraApi jira(Credential credential) {
        return new JiraClient(http, endpoints.siteBaseUrl(credential.settings().get("site")), ProductAccessClient.basic(credential));
    }

    @Override
    public SiteGroupsApi confluence(Credential credential) {
        return new ConfluenceClient(http, endpoints.siteBaseUrl(credential.settings().get("site")), ProductAccessClient.basic(credential));
    }

    @Override
    public TrelloEnterpriseApi trello(Credential credential) {
        return new TrelloClient(http, endpoints.trelloBaseUrl(), credential.settings().get("enterpriseId"),
                credential.secret().get("apiKey"), credential.secret().get("token"));
    }

    @Override
    public BitbucketWorkspaceApi bitbucket(Credential credential) {
        return new BitbucketClient(http, endpoints.bitbucketBaseUrl(), credential.settings().get("workspace"),
                ProductAccessClient.basic(credential));
    }
}
