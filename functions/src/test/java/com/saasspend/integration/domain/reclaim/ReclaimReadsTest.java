package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reads around a reclaim: a user's access groups (what each grants, whether and why it cannot be changed here),
 * the plan's refusals before anything changes (reclaim not open yet, unknown user), the Bitbucket notice, unknown
 * reclaims. In-memory ports.
 */
class ReclaimReadsTest {
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    ReclaimService service;

    @BeforeEach
    void world() {
        licenses.groups.put("jira-users", new OrgGroup("jira-users", "Jira users", "Everyone on Jira", null, false, 40,
                List.of(new OrgGroup.Grant(JIRA, "jira-software", List.of("atlassian/user"), true)), "dir-1"));
        licenses.groups.put("scim", new OrgGroup("scim", "From Okta", null, "Okta", true, 5,
                List.of(new OrgGroup.Grant(CONFLUENCE, "confluence", List.of("atlassian/user"), false)), "dir-1"));
        licenses.groups.put("site-admins", new OrgGroup("site-admins", "Site admins", null, null, false, 2,
                List.of(new OrgGroup.Grant("ari:cloud:unknown::site/9", "jira-admin", List.of("atlassian/admin"), false)), "dir-1"));
        user(false);
        service = new ReclaimService(integrations, new ReclaimFakes.Vault(), atlassian, licenses, audit, new ReclaimFakes.Keys(),
                new ReclaimFakes.Settings(), new ReclaimFakes.Requests(), new InMemorySavingsStore(), new ReclaimFakes.Published(),
                new ReclaimFakes.MovableClock());
    }

    private void user(boolean orgAdmin) {
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, orgAdmin,
                null, List.of(new OrgUser.ProductAccess("jira-software", JIRA, null)),
                List.of(new OrgUser.GroupRef("jira-users", "Jira users"), new OrgUser.GroupRef("scim", "From Okta"),
                        new OrgUser.GroupRef("site-admins", "Site admins"), new OrgUser.GroupRef("brand-new", "Brand new"))));
    }

    private Map<String, AccessGroup> accessGroups() {
        Map<String, AccessGroup> byId = new java.util.LinkedHashMap<>();
        service.accessGroups(TENANT, USER).forEach(g -> byId.put(g.id(), g));
        return byId;
    }

    @Test
    void accessGroupsSayWhatEachGrantsAndWhereItCanBeChanged() {
        Map<String, AccessGroup> groups = accessGroups();

        assertEquals(List.of("brand-new", "jira-users", "scim", "site-admins"), List.copyOf(groups.keySet()),
                "every group of the stored user, in its stored (canonical) order");
        AccessGroup jira = groups.get("jira-users");
        assertEquals(List.of(new AccessGroup.Grant(JIRA, "jira-software", "Jira", List.of("atlassian/user"), true)), jira.grants(),
                "the product's name from the synced instances");
        assertTrue(jira.defaultGroup());
        assertEquals(List.of("jira-software"), jira.defaultGroupFor());
        assertTrue(jira.canChangeHere());
        assertNull(jira.changeWhere());
        assertNull(jira.reclaimBlockedReason());
        assertEquals(40, jira.memberCount());
        assertEquals("Everyone on Jira", jira.description());
        assertTrue(jira.synced());

        AccessGroup scim = groups.get("scim");
        assertTrue(scim.externallyManaged());
        assertFalse(scim.canChangeHere());
        assertEquals("Okta", scim.managedBy());
        assertTrue(scim.changeWhere().contains("identity provider"), scim.changeWhere());
        assertEquals(ReclaimPlanner.IDP_MANAGED_REASON, scim.reclaimBlockedReason());
        assertFalse(scim.defaultGroup());

        AccessGroup admins = groups.get("site-admins");
        assertEquals("jira-admin", admins.grants().get(0).productName(), "an instance not synced is named by its product key");
        assertNull(admins.reclaimBlockedReason(), "admin roles block only an org admin");

        AccessGroup unknown = groups.get("brand-new");
        assertFalse(unknown.synced());
        assertEquals("Brand new", unknown.name());
        assertEquals(List.of(), unknown.grants());
        assertTrue(unknown.reclaimBlockedReason().contains("newer than the last sync"), unknown.reclaimBlockedReason());
    }

    @Test
    void anOrgAdminsAdminGroupsAndATokenOwnersGroupsAreBlocked() {
        user(true);
        assertTrue(accessGroups().get("site-admins").reclaimBlockedReason().contains("organization admin"));
        assertNull(accessGroups().get("jira-users").reclaimBlockedReason(), "a group without admin roles is not");

        for (IntegrationType type : List.of(IntegrationType.JIRA, IntegrationType.CONFLUENCE)) {
            Integration i = integrations.byType.get(type);
            integrations.byType.put(type, new Integration(TENANT, type, IntegrationStatus.CONNECTED, Map.of("adminAccountId", USER),
                    i.secretName(), null, Instant.EPOCH, "admin", null, null, false, 1));
        }
        String blocked = accessGroups().get("jira-users").reclaimBlockedReason();
        assertTrue(blocked.startsWith("This account owns the API token of the ") && blocked.contains(" and the API token of the ")
                && blocked.contains("jira integration") && blocked.contains("confluence integration")
                && blocked.endsWith("; its access is never reclaimed."), blocked);
        assertEquals(blocked, accessGroups().get("scim").reclaimBlockedReason(), "the token owner's reason comes first");

        Integration jira = integrations.byType.get(IntegrationType.JIRA);
        integrations.byType.put(IntegrationType.JIRA, new Integration(TENANT, IntegrationType.JIRA, IntegrationStatus.DISCONNECTED,
                jira.settings(), jira.secretName(), null, Instant.EPOCH, "admin", null, null, false, 1));
        assertEquals("This account owns the API token of the confluence integration; its access is never reclaimed.",
                accessGroups().get("jira-users").reclaimBlockedReason(), "a disconnected integration's token is not held");
    }

    @Test
    void anUnknownUserIsNotFound() {
        Refusal missing = assertThrows(Refusal.class, () -> service.accessGroups(TENANT, "nobody"));
        assertEquals(Refusal.Kind.NOT_FOUND, missing.kind());
        assertEquals("user_not_found", missing.code());
        Refusal plan = assertThrows(Refusal.class, () -> service.plan(TENANT, new ReclaimRequest("nobody", List.of("jira-users"))));
        assertEquals("user_not_found", plan.code());
    }

    @Test
    void reclaimOpensOnlyOnceJiraAndConfluenceAreConnectedAndSaysWhatIsMissing() {
        integrations.byType.remove(IntegrationType.CONFLUENCE);
        Integration jira = integrations.byType.get(IntegrationType.JIRA);
        integrations.byType.put(IntegrationType.JIRA, new Integration(TENANT, IntegrationType.JIRA, IntegrationStatus.DISCONNECTED,
                jira.settings(), jira.secretName(), null, Instant.EPOCH, "admin", null, null, false, 1));

        Refusal closed = assertThrows(Refusal.class, () -> service.plan(TENANT, new ReclaimRequest(USER, List.of("jira-users"))));

        assertEquals(Refusal.Kind.CONFLICT, closed.kind());
        assertEquals("reclaim_not_enabled", closed.code());
        assertTrue(closed.getMessage().contains("Connect jira, confluence in Settings > Integrations"), closed.getMessage());
        assertEquals(List.of(new Refusal.Field("jira", "is not connected"), new Refusal.Field("confluence", "is not connected")),
                closed.fields());
        assertThrows(Refusal.class, () -> service.reclaim(TENANT, "admin", "key-1", new ReclaimRequest(USER, List.of("jira-users"))));
        assertTrue(atlassian.calls.isEmpty(), "nothing sent to Atlassian");
    }

    @Test
    void aBitbucketWorkspaceOutsideTheOrgIsNamedInThePlan() {
        assertEquals(List.of(), service.plan(TENANT, new ReclaimRequest(USER, List.of("jira-users"))).notices());
        integrations.byType.put(IntegrationType.BITBUCKET, new Integration(TENANT, IntegrationType.BITBUCKET,
                IntegrationStatus.CONNECTED, Map.of("workspace", "acme-labs", "linkedToOrg", "false"), "s", null, Instant.EPOCH,
                "admin", null, null, false, 1));

        List<ReclaimPlan.Notice> notices = service.plan(TENANT, new ReclaimRequest(USER, List.of("jira-users"))).notices();

        assertEquals(1, notices.size());
        assertEquals("bitbucket", notices.get(0).product());
        assertEquals("acme-labs", notices.get(0).instance());
        assertEquals("bitbucket_workspace_not_reclaimable", notices.get(0).code());
        assertTrue(notices.get(0).message().contains("The workspace 'acme-labs' was created directly in Bitbucket"), notices.get(0).message());

        integrations.byType.put(IntegrationType.BITBUCKET, new Integration(TENANT, IntegrationType.BITBUCKET,
                IntegrationStatus.CONNECTED, Map.of("workspace", "acme", "linkedToOrg", "true"), "s", null, Instant.EPOCH,
                "admin", null, null, false, 1));
        assertEquals(List.of(), service.plan(TENANT, new ReclaimRequest(USER, List.of("jira-users"))).notices(),
                "a workspace linked to the org is reclaimed through its groups");
    }

    @Test
    void anUnknownReclaimIsNotFoundAndTheAuditListIsTheStoresPage() {
        Refusal missing = assertThrows(Refusal.class, () -> service.find(TENANT, "no-such-id"));
        assertEquals(Refusal.Kind.NOT_FOUND, missing.kind());
        assertEquals("reclaim_not_found", missing.code());
        assertEquals(List.of(), service.list(TENANT, null, 10).items());
    }
}
