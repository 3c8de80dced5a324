package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.Page;

/**
 * The groups of a Jira or Confluence site and their members, page by page. Cursors are opaque to the caller: null
 * asks for the first page, a page's {@code nextCursor} for the next one.
 *
 * @throws com.saasspend.integration.domain.UpstreamFailure when the product refuses or fails after retries
 */
public interface SiteGroupsApi {
    Page<GroupRef> groups(String cursor);

    /** Members of one group, inactive ones included, with the ids of the inactive ones where the product says. */
    Page<GroupMember> members(String groupId, String cursor);

    /** A member of a group as a listing returns it; {@code active} is null where the product does not say. */
    record GroupMember(String accountId, Boolean active) {}
}
