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

    static boolean matches(IntegrationType type, ProductInstance instance, VerifiedProduct product) {
        String instanceType = instance.type() == null ? "" : instance.type().toLowerCase(Locale.ROOT);
        String key = product.instanceKey().toLowerCase(Locale.ROOT);
        return switch (type) {
            case JIRA -> instanceType.startsWith("jira") && hostOf(instance.hostUrl()).equals(key);
            case CONFLUENCE -> instanceType.equals("confluence") && hostOf(instance.hostUrl()).equals(key);
            case TRELLO -> instanceType.equals("trello")
                    && (instance.id().toLowerCase(Locale.ROOT).endsWith("/" + key) || key.equalsIgnoreCase(instance.name()));
            case BITBUCKET -> instanceType.equals("bitbucket")
                    && (key.equalsIgnoreCase(instance.name()) || hostOf(instance.hostUrl()).endsWith("/" + key)
                    || instance.id().toLowerCase(Locale.ROOT).endsWith("/" + key));
            case ATLASSIAN -> false;
        };
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
