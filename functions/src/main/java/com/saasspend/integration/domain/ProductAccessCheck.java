package com.saasspend.integration.domain;

/**
 * Checks a product credential live (Jira, Confluence, Trello, Bitbucket) and answers how the product names the
 * instance, so it can be matched against the org's product instances. Throws {@link UpstreamFailure}.
 */
public interface ProductAccessCheck {
    VerifiedProduct verify(Credential credential);

    /**
     * {@code instanceKey}: site host, Trello enterprise id, or Bitbucket workspace slug. {@code aliases}: every other
     * name the product gives the instance (slug, display name), by which the org's product list may know it.
     */
    record VerifiedProduct(String instanceKey, String displayName, java.util.List<String> aliases, String adminAccountId) {
        public VerifiedProduct {
            aliases = java.util.List.copyOf(aliases);
        }
    }
}
