package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.ProductAccessCheck.VerifiedProduct;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a product credential's check is worded when refused, and how an org's product instance is recognised. */
class ProductChecksTest {
    static final VerifiedProduct ACME_SITE = new VerifiedProduct("acme.atlassian.net", "Acme", List.of(), "712020:admin");

    static Credential credential(IntegrationType type) {
        return new Credential(type, Map.of(), Map.of(), null);
    }

    static Refusal refusal(IntegrationType type, UpstreamFailure.Kind kind, int status) {
        return assertThrows(Refusal.class, () -> ProductChecks.verify(c -> {
            throw new UpstreamFailure(kind, status, "HTTP " + status, null);
        }, credential(type)));
    }

    @Test
    void aRefusedCredentialIsNamedByProductWithTheFieldToFix() {
        Refusal jira = refusal(IntegrationType.JIRA, UpstreamFailure.Kind.UNAUTHORIZED, 401);
        assertEquals("jira_credential_rejected", jira.code());
        assertEquals(Refusal.Kind.REJECTED, jira.kind());
        assertTrue(jira.getMessage().startsWith("Jira rejected the credential (HTTP 401)"), jira.getMessage());
        assertEquals("apiToken", jira.fields().get(0).name());
        Refusal trello = refusal(IntegrationType.TRELLO, UpstreamFailure.Kind.UNAUTHORIZED, 401);
        assertEquals("trello_credential_rejected", trello.code());
        assertEquals("token", trello.fields().get(0).name());
        assertTrue(trello.getMessage().startsWith("Trello rejected"), trello.getMessage());

        Refusal notAdmin = refusal(IntegrationType.CONFLUENCE, UpstreamFailure.Kind.FORBIDDEN, 403);
        assertEquals("confluence_not_admin", notAdmin.code());
        assertTrue(notAdmin.getMessage().contains("administrator of the Confluence instance"), notAdmin.getMessage());
        Refusal missing = refusal(IntegrationType.BITBUCKET, UpstreamFailure.Kind.NOT_FOUND, 404);
        assertEquals("bitbucket_instance_not_found", missing.code());
        assertTrue(missing.getMessage().startsWith("Bitbucket has no such instance"), missing.getMessage());
    }

    @Test
    void anUpstreamOutageIsNotWordedAsARefusedCredential() {
        UpstreamFailure outage = new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, 503, "HTTP 503", null);
        UpstreamFailure thrown = assertThrows(UpstreamFailure.class, () -> ProductChecks.verify(c -> {
            throw outage;
        }, credential(IntegrationType.JIRA)));
        assertSame(outage, thrown);
        assertEquals(ACME_SITE, ProductChecks.verify(c -> ACME_SITE, credential(IntegrationType.JIRA)));
    }

    @Test
    void sitesMatchByHostWhateverTheSchemeOrTrailingSlashAndOnlyTheirOwnProduct() {
        ProductInstance jira = new ProductInstance("ari:cloud:jira::site/1", "jira-software", "Acme", "https://ACME.atlassian.net/", null, null);
        ProductInstance confluence = new ProductInstance("ari:cloud:confluence::site/1", "confluence", "Acme", "acme.atlassian.net", null, null);
        ProductInstance otherSite = new ProductInstance("ari:cloud:jira::site/2", "jira-software", "Other", "https://other.atlassian.net", null, null);
        assertTrue(ProductChecks.matches(IntegrationType.JIRA, jira, ACME_SITE));
        assertFalse(ProductChecks.matches(IntegrationType.JIRA, confluence, ACME_SITE), "a Confluence instance is not Jira");
        assertFalse(ProductChecks.matches(IntegrationType.JIRA, otherSite, ACME_SITE));
        assertTrue(ProductChecks.matches(IntegrationType.CONFLUENCE, confluence, ACME_SITE));
        assertFalse(ProductChecks.matches(IntegrationType.CONFLUENCE, jira, ACME_SITE));
        assertFalse(ProductChecks.matches(IntegrationType.ATLASSIAN, jira, ACME_SITE));
        assertFalse(ProductChecks.matches(IntegrationType.JIRA, new ProductInstance("x", null, null, null, null, null), ACME_SITE),
                "no type, no host: no match");
        assertEquals("acme.atlassian.net", ProductChecks.hostOf("http://acme.atlassian.net/"));
        assertEquals("", ProductChecks.hostOf(null));
    }

    @Test
    void trelloAndBitbucketMatchByAnyNameTheInstanceIsKnownBy() {
        VerifiedProduct workspace = new VerifiedProduct("acme-ws", "Acme Workspace", List.of("Acme Workspace", "{uuid-1}"), "712020:admin");
        ProductInstance byAriSuffix = new ProductInstance("ari:cloud:bitbucket::workspace/ACME-WS", "bitbucket", null, null, null, null);
        ProductInstance byUrl = new ProductInstance(null, "bitbucket", null, "https://bitbucket.org/acme-ws", null, null);
        ProductInstance byAlias = new ProductInstance(null, "bitbucket", "acme workspace", null, null, null);
        ProductInstance byUuid = new ProductInstance("ari:cloud:bitbucket::workspace/{uuid-1}", "bitbucket", null, null, null, null);
        ProductInstance another = new ProductInstance("ari:cloud:bitbucket::workspace/other", "bitbucket", "Other", "https://bitbucket.org/other", null, null);
        ProductInstance trelloNamedAlike = new ProductInstance("ari:cloud:trello::workspace/acme-ws", "trello", null, null, null, null);
        assertTrue(ProductChecks.matches(IntegrationType.BITBUCKET, byAriSuffix, workspace));
        assertTrue(ProductChecks.matches(IntegrationType.BITBUCKET, byUrl, workspace));
        assertTrue(ProductChecks.matches(IntegrationType.BITBUCKET, byAlias, workspace));
        assertTrue(ProductChecks.matches(IntegrationType.BITBUCKET, byUuid, workspace));
        assertFalse(ProductChecks.matches(IntegrationType.BITBUCKET, another, workspace));
        assertFalse(ProductChecks.matches(IntegrationType.BITBUCKET, trelloNamedAlike, workspace), "another product of the same name");
        assertTrue(ProductChecks.matches(IntegrationType.TRELLO, trelloNamedAlike, workspace));
    }
}
