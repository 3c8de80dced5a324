package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.policies.PolicyReclaims;
import com.saasspend.integration.domain.policies.ProductPolicyReclaims;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a policy gets from the product's own services: stored users and groups, the reclaim's tenant facts, a normal reclaim. */
class ProductPolicyReclaimsTest {
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    PolicyReclaims reclaims;

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g2", ReclaimFakes.group("g2", JIRA, "jira-software", "dir-1"));
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z")),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g2", "g2-name"))));
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g2")));
        ReclaimService service = new ReclaimService(integrations, new ReclaimFakes.Vault(), atlassian, licenses, audit,
                new ReclaimFakes.Keys(), new ReclaimFakes.Settings(), new ReclaimFakes.Requests(), new InMemorySavingsStore(),
                new ReclaimFakes.Published(), new ReclaimFakes.MovableClock());
        reclaims = new ProductPolicyReclaims(service, licenses, null);
    }

    @Test
    void storedUsersAndGroupsAreReadByIdAndTheUnknownLeftOut() {
        Map<String, OrgUser> users = reclaims.users(TENANT, List.of(USER, "nobody"));
        assertEquals(Set.of(USER), users.keySet());
        assertEquals(licenses.users.get(USER), users.get(USER));
        assertEquals(Set.of("g1"), reclaims.groups(TENANT, List.of("g1", "gone")).keySet());
    }

    @Test
    void thePlanningContextIsTheReclaimsOwnAndRefusesAsItDoesUntilReclaimIsOpen() {
        ReclaimPlanner.Context context = reclaims.planningContext(TENANT);
        assertEquals(0, new BigDecimal("10").compareTo(context.seatPrices().get("jira-software")), "the tenant's seat prices");
        assertEquals(Set.of(JIRA, ReclaimFakes.CONFLUENCE, ReclaimFakes.JSM), context.products().keySet());

        integrations.byType.remove(IntegrationType.CONFLUENCE);
        assertEquals("reclaim_not_enabled", assertThrows(Refusal.class, () -> reclaims.planningContext(TENANT)).code());
    }

    @Test
    void aReclaimAnswersItsRecordsIdStatusSeatsAndCost() {
        PolicyReclaims.Reclaimed reclaimed = reclaims.reclaim(TENANT, "policy:pol-1", "policy-action:pa-1",
                new ReclaimRequest(USER, List.of("g1", "g2")));

        ReclaimRecord record = audit.records.values().iterator().next();
        assertEquals(record.id(), reclaimed.reclaimId());
        assertEquals(ReclaimRecord.COMPLETED, reclaimed.status());
        assertEquals(1, reclaimed.seatsFreed());
        assertEquals(0, new BigDecimal("10").compareTo(reclaimed.monthlyCostFreed()));
        assertEquals(Set.of(), atlassian.memberships.get(USER));
        assertEquals(reclaimed, reclaims.reclaim(TENANT, "policy:pol-1", "policy-action:pa-1",
                new ReclaimRequest(USER, List.of("g1", "g2"))), "the same key finds the same reclaim");
    }
}
