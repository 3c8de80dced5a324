package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.Credential;

/**
 * Opens a product's API with the integration's credential: {@code settings} say which site, enterprise or workspace,
 * {@code secret} holds the token (as the vault stores it).
 */
public interface ProductApis {
    JiraApi jira(Credential credential);

    SiteGroupsApi confluence(Credential credential);

    TrelloEnterpriseApi trello(Credential credential);

    BitbucketWorkspaceApi bitbucket(Credential credential);
}
