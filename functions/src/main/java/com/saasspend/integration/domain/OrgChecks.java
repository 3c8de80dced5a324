package com.saasspend.integration.domain;

import com.saasspend.integration.domain.Refusal.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Atlassian organization must be for us to connect it, checked live with its API key: the key is the org's,
 * the org is on centralized user management (checked first: no fix on the admin's side makes the original experience
 * supported), and every domain is verified.
 */
final class OrgChecks {
    private OrgChecks() {}

    static Map<String, String> verifyOrg(AtlassianOrgApi api, Credential credential) {
        String orgId = credential.settings().get("orgId");
        String apiKey = credential.secret().get("apiKey");

        List<String> orgsOfKey = step(() -> api.orgIdsOfKey(apiKey), "list the organizations of the key");
        if (!orgsOfKey.contains(orgId)) {
            throw new Refusal(Kind.REJECTED, "atlassian_key_wrong_org",
                    "This API key belongs to " + (orgsOfKey.isEmpty() ? "no organization" : "another organization ("
                            + String.join(", ", orgsOfKey) + ")") + ", not to " + orgId
                            + ". Check the organization ID in admin.atlassian.com (Settings > API keys shows it) "
                            + "or create the key in that organization.",
                    List.of(new Refusal.Field("orgId", "does not match the API key's organization")), null);
        }
        String orgName = step(() -> api.orgName(orgId, apiKey), "read the organization");
        int directories = step(() -> api.directoryCount(orgId, apiKey), "read the organization's directories");
        if (directories > 1) {
            throw new Refusal(Kind.REJECTED, "original_user_management",
                    "This organization uses Atlassian's original user management experience (it has " + directories
                            + " directories), which Atlassian has deprecated and we do not support. Connect an "
                            + "organization on the centralized user management experience.");
        }
        List<OrgDomain> domains = step(() -> api.domains(orgId, apiKey), "read the organization's domains");
        List<String> unverified = domains.stream().filter(d -> !d.verified()).map(d -> d.name() + " (" + d.status() + ")").toList();
        if (!unverified.isEmpty()) {
            throw new Refusal(Kind.REJECTED, "domains_unverified",
                    "Every domain of the organization must be verified before it can be connected. Not verified: "
                            + String.join(", ", unverified) + ". Verify them in admin.atlassian.com > Settings > Domains "
                            + "(https://support.atlassian.com/user-management/docs/verify-a-domain-to-manage-accounts/), "
                            + "then connect again.");
        }
        step(() -> api.productInstances(orgId, apiKey), "list the organization's products");
        Map<String, String> settings = new HashMap<>(credential.settings());
        settings.put("orgName", orgName);
        return settings;
    }

    /** Runs one check, turning Atlassian's 401/403/404 into what the admin should do about it. */
    private static <T> T step(java.util.function.Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (UpstreamFailure failure) {
            throw switch (failure.kind()) {
                case UNAUTHORIZED -> new Refusal(Kind.REJECTED, "atlassian_key_rejected",
                        "Atlassian rejected the API key (HTTP 401): it is wrong, revoked or expired. Create a new API key "
                                + "in admin.atlassian.com > Settings > API keys and connect with it.",
                        List.of(new Refusal.Field("apiKey", "was rejected by Atlassian")), null);
                case FORBIDDEN -> new Refusal(Kind.REJECTED, "atlassian_key_lacks_access",
                        "The API key may not " + what + " (HTTP 403). It is probably an API key with scopes: create an API "
                                + "key without scopes in admin.atlassian.com > Settings > API keys and connect with it.",
                        List.of(new Refusal.Field("apiKey", "lacks access")), null);
                case NOT_FOUND -> new Refusal(Kind.REJECTED, "atlassian_org_not_found",
                        "Atlassian knows no organization with this ID. Copy the organization ID from admin.atlassian.com.",
                        List.of(new Refusal.Field("orgId", "not found")), null);
                default -> failure;
            };
        }
    }
}
