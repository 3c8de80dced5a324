package com.saasspend.integration.domain;

import com.saasspend.integration.domain.ProductAccessCheck.VerifiedProduct;
import com.saasspend.integration.domain.Refusal.Kind;
import java.util.List;
import java.util.Locale;

/** Product credentials checked live, and how a product instance is recognised among the org's products. */
final class ProductChecks {
    private ProductChecks() {}

    static VerifiedProduct verify(ProductAccessCheck check, Credential credential) {
        IntegrationType type = credential.type();
        try {
            return check.verify(credential);
        } catch (UpstreamFailure failure) {
            throw switch (failure.kind()) {
                case UNAUTHORIZED -> new Refusal(Kind.REJECTED, type.id() + "_credential_rejected",
                        productName(type) + " rejected the credential (HTTP 401): check the email and API token "
                                + "(or Trello key and token); tokens expire, so create a new one if needed.",
                        List.of(new Refusal.Field(type == IntegrationType.TRELLO ? "token" : "apiToken", "was rejected")), null);
                case FORBIDDEN -> new Refusal(Kind.REJECTED, type.id() + "_not_admin",
                        productName(type) + " accepted the credential but it may not read users and groups (HTTP 403). "
                                + "Use an account that is an administrator of the " + productName(type) + " instance.");
                case NOT_FOUND -> new Refusal(Kind.REJECTED, type.id() + "_instance_not_found",
                        productName(type) + " has no such instance, or the account cannot see it (HTTP 404). "
                                + "Check the site URL, enterprise or workspace.");
                default -> failure;
            };
        }
    }

    /**
     * Whether an org product instance is the product the credential reached. Sites match by host. Trello and
     * Bitbucket instances are matched by any name the product gives them (id, slug, display name) against the
     * instance's ARI suffix, the last segment of its URL, or its name: how the Organizations API names them is
     * UNCONFIRMED, so every form is accepted.
     */
    static boolean matches(IntegrationType type, ProductInstance instance, VerifiedProduct product) {
        String instanceType = instance.type() == null ? "" : instance.type().toLowerCase(Locale.ROOT);
        String key = product.instanceKey().toLowerCase(Locale.ROOT);
        return switch (type) {
            case JIRA -> instanceType.startsWith("jira") && hostOf(instance.hostUrl()).equals(key);
            case CONFLUENCE -> instanceType.equals("confluence") && hostOf(instance.hostUrl()).equals(key);
            case TRELLO, BITBUCKET -> instanceType.equals(type.id()) && namesOf(instance).stream()
                    .anyMatch(name -> name.equals(key) || product.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(name)));
            case ATLASSIAN -> false;
        };
    }

    private static java.util.Set<String> namesOf(ProductInstance instance) {
        java.util.Set<String> names = new java.util.HashSet<>();
        if (instance.id() != null) {
            names.add(lastSegment(instance.id()));
        }
        if (instance.hostUrl() != null) {
            names.add(lastSegment(hostOf(instance.hostUrl())));
        }
        if (instance.name() != null) {
            names.add(instance.name().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static String lastSegment(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.substring(lower.lastIndexOf('/') + 1);
    }

    /** "https://acme.atlassian.net/" and "acme.atlassian.net" both give "acme.atlassian.net". */
    static String hostOf(String url) {
        if (url == null) {
            return "";
        }
        String stripped = url.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "");
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    static String productName(IntegrationType type) {
        return switch (type) {
            case JIRA -> "Jira";
            case CONFLUENCE -> "Confluence";
            case TRELLO -> "Trello";
            case BITBUCKET -> "Bitbucket";
            case ATLASSIAN -> "Atlassian";
        };
    }
}
