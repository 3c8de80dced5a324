package com.saasspend.integration.domain.reclaim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductInstance;
import com.saasspend.integration.domain.Refusal;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reclaim decisions on hand-made users and groups: which seat is freed, which is kept and why, which is refused. */
class ReclaimPlannerTest {
    private static final String JIRA = "ari:cloud:jira-software::site/s1";
    private static final String CONFLUENCE = "ari:cloud:confluence::site/s1";

    private static OrgGroup group(String id, boolean idp, String resource, String key, String... roles) {
        return new OrgGroup(id, id + "-name", null, idp ? "external" : "admins", idp, 3,
                List.of(new OrgGroup.Grant(resource, key, List.of(roles), false)));
    }

    private static final Map<String, OrgGroup> GROUPS = Map.of(
            "jira-users", group("jira-users", false, JIRA, "jira-software", "atlassian/user"),
            "platform", group("platform", false, JIRA, "jira-software", "atlassian/user"),
            "conf-users", group("conf-users", false, CONFLUENCE, "confluence", "atlassian/user"),
            "conf-access-admins", group("conf-access-admins", false, CONFLUENCE, "confluence", "atlassian/user-access-admin"),
            "okta", group("okta", true, CONFLUENCE, "confluence", "atlassian/user"),
            "admins", group("admins", false, JIRA, "jira-software", "atlassian/admin"));

    private static OrgUser user(boolean orgAdmin, List<String> products, String... groups) {
        return new OrgUser("acc-1", "Una User", "una@example.com", "atlassian", "active", "active", "managed", orgAdmin, null,
                products.stream().map(r -> new OrgUser.ProductAccess(r.startsWith("ari:cloud:jira") ? "jira-software" : "confluence", r, null)).toList(),
                List.of(groups).stream().map(g -> new OrgUser.GroupRef(g, g + "-name")).toList());
    }

    private static ReclaimPlanner.Context context(Map<String, String> tokenOwners) {
        return new ReclaimPlanner.Context(tokenOwners, Map.of(JIRA, new ProductInstance(JIRA, "jira-software", "Jira", null, null, null)),
                Map.of("jira-software", new BigDecimal("8.15")), List.of());
    }

    private static ReclaimPlan plan(OrgUser user, String... groupIds) {
        return ReclaimPlanner.plan(user, GROUPS, new ReclaimRequest(user.accountId(), List.of(groupIds)), context(Map.of()));
    }

    @Test
    void aSeatAnotherGroupGrantsIsKeptAndNamesThatGroup() {
        ReclaimPlan plan = plan(user(false, List.of(JIRA), "jira-users", "platform"), "jira-users");
        assertEquals("kept", plan.products().get(0).outcome());
        assertEquals(List.of("platform-name"), plan.products().get(0).keptBy());
        assertEquals(0, plan.seatsFreed());
        assertNull(plan.monthlyCostFreed());
    }

    @Test
    void aSeatOnlyTheRemovedGroupsGrantIsFreedWithItsPrice() {
        ReclaimPlan plan = plan(user(false, List.of(JIRA, CONFLUENCE), "jira-users", "platform", "conf-users"), "jira-users", "platform");
        assertEquals("freed", plan.products().get(0).outcome());
        assertEquals("Jira", plan.products().get(0).productName());
        assertEquals("kept", plan.products().get(1).outcome());
        assertEquals(new BigDecimal("8.15"), plan.monthlyCostFreed());
    }

    @Test
    void accessNoGroupExplainsIsDirectAndStaysAndAnAccessAdminRoleDoesNotCountAsAccess() {
        ReclaimPlan plan = plan(user(false, List.of(CONFLUENCE), "conf-access-admins", "jira-users"), "jira-users");
        assertEquals(Boolean.TRUE, plan.products().get(0).keptByDirectAccess());
        assertEquals("kept", plan.products().get(0).outcome());
    }

    @Test
    void anIdpGroupIsRefusedPerGroupAndKeepsWhatItGrants() {
        ReclaimPlan plan = plan(user(false, List.of(CONFLUENCE), "okta", "conf-users"), "okta", "conf-users");
        assertEquals("refused", plan.groups().get(0).action());
        assertTrue(plan.groups().get(0).reason().contains("identity provider"));
        assertEquals("remove", plan.groups().get(1).action());
        assertEquals(List.of("okta-name"), plan.products().get(0).keptBy());
    }

    @Test
    void guardrailsRefuseTheTokenOwnerAnAdminsAdminGroupAndGroupsTheUserIsNotIn() {
        OrgUser admin = user(true, List.of(JIRA), "admins", "jira-users");
        Refusal adminGroup = assertThrows(Refusal.class, () -> plan(admin, "jira-users", "admins"));
        assertEquals("org_admin_access_protected", adminGroup.code());
        assertEquals("groupIds[1]", adminGroup.fields().get(0).name());
        assertEquals("kept", plan(admin, "jira-users").products().get(0).outcome(), "the admin group still grants Jira");

        Refusal owner = assertThrows(Refusal.class, () -> ReclaimPlanner.plan(admin, GROUPS,
                new ReclaimRequest("acc-1", List.of("jira-users")), context(Map.of("acc-1", "the Jira token"))));
        assertEquals("account_protected", owner.code());

        Refusal invalid = assertThrows(Refusal.class, () -> plan(user(false, List.of(JIRA), "jira-users"), "platform", "another-orgs-group"));
        assertEquals(Refusal.Kind.INVALID, invalid.kind());
        assertEquals(List.of("groupIds[0]", "groupIds[1]"), invalid.fields().stream().map(Refusal.Field::name).toList());
    }

    @Test
    void removingAndRestoringGroupsRecomputesTheUsersProducts() {
        OrgUser before = user(false, List.of(JIRA, CONFLUENCE), "jira-users", "conf-users");
        OrgUser after = ReclaimPlanner.withoutGroups(before, Set.of("jira-users"), GROUPS);
        assertEquals(List.of(CONFLUENCE), after.products().stream().map(OrgUser.ProductAccess::resourceId).toList());
        assertEquals(List.of("conf-users"), after.groups().stream().map(OrgUser.GroupRef::id).toList());
        OrgUser restored = ReclaimPlanner.withGroupsRestored(after, List.of(new OrgUser.GroupRef("jira-users", "jira-users-name")),
                List.of(before.products().get(0)), GROUPS);
        assertEquals(Set.copyOf(before.products()), Set.copyOf(restored.products()));
    }

    @Test
    void reclaimIdsCarryTheirCreationInstant() {
        java.time.Instant at = java.time.Instant.parse("2026-11-28T12:34:56.789Z");
        String id = ReclaimRecord.newId(at);
        assertEquals(at, ReclaimRecord.createdAtOf(id).orElseThrow());
        assertTrue(ReclaimRecord.createdAtOf("20261399T999999999Z-abcdefghij").isEmpty());
        assertTrue(ReclaimRecord.createdAtOf("../../x").isEmpty());
    }
}
