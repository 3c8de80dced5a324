package com.saasspend.integration.domain.products;

import java.util.List;

/** What the Jira sync reads from a site: application roles (seats per Jira product) and groups with their members. */
public interface JiraApi extends SiteGroupsApi {
    /** Every application role of the site; one call, no paging. */
    List<JiraRole> applicationRoles();
}
