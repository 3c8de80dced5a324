package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.Page;

/** The members of one Bitbucket workspace, page by page (null cursor = first page). */
public interface BitbucketWorkspaceApi {
    /** Members, without their permission ({@code permission} is null). */
    Page<BitbucketMember> members(String cursor);

    /** Uuids of the members holding {@code permission} (owner, collaborator); few, so listed before the members. */
    Page<String> memberUuidsWithPermission(String permission, String cursor);
}
