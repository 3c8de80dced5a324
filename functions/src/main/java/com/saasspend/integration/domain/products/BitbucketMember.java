package com.saasspend.integration.domain.products;

/** A member of the Bitbucket workspace, keyed by Bitbucket user uuid; {@code permission}: owner, collaborator or member. */
public record BitbucketMember(String uuid, String accountId, String displayName, String nickname, String permission) {

    public BitbucketMember withPermission(String newPermission) {
        return new BitbucketMember(uuid, accountId, displayName, nickname, newPermission);
    }
}
