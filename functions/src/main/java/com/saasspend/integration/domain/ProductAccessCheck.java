package com.saasspend.integration.domain;

/**
 * Checks a product credential live (Jira, Confluence, Trello, Bitbucket) and answers how the product names the
 * instance, so it can be matched against the org's product instances. Throws {@link UpstreamFailure}.
 */
public interface ProductAccessCheck {
    VerifiedProduct verify(Credential credential);

    /** {@code instanceKey}: site host, Trello enterprise/workspace id, or Bitbucket workspace slug. */
    record VerifiedProduct(String instanceKey, String displayName) {}
}
