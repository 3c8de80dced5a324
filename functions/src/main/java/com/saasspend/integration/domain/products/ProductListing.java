package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.IntegrationType;

/** One keyed listing a product sync keeps in step with the product: its items are written, compared and swept alike. */
public enum ProductListing {
    JIRA_ROLES(IntegrationType.JIRA, "ROLE"),
    JIRA_GROUPS(IntegrationType.JIRA, "GROUP"),
    CONFLUENCE_GROUPS(IntegrationType.CONFLUENCE, "GROUP"),
    TRELLO_MEMBERS(IntegrationType.TRELLO, "MEMBER"),
    BITBUCKET_MEMBERS(IntegrationType.BITBUCKET, "MEMBER");

    private final IntegrationType product;
    private final String itemKind;

    ProductListing(IntegrationType product, String itemKind) {
        this.product = product;
        this.itemKind = itemKind;
    }

    public IntegrationType product() {
        return product;
    }

    /** ROLE, GROUP or MEMBER: the kind of item the listing holds, part of its storage key. */
    public String itemKind() {
        return itemKind;
    }
}
