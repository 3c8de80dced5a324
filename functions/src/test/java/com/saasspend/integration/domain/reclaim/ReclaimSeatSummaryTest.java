package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.ProductCounts;
import com.saasspend.integration.domain.savings.InMemorySavingsStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seat summary follows the stored user a reclaim changes (a seat freed counts down, its undo counts it back); a job
 * worker's kept tenant facts are dropped when an undo is refused, so a reconnection is seen by the next call; and a
 * group the run cannot change is no work left (no write between the record's start and its settle).
 */
class ReclaimSeatSummaryTest {
    final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    final ReclaimFakes.Audit audit = new ReclaimFakes.Audit();
    final ReclaimFakes.Integrations integrations = new ReclaimFakes.Integrations();
    final ReclaimFakes.MovableClock clock = new ReclaimFakes.MovableClock();
    ReclaimService service;

    @BeforeEach
    void world() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        // Jira last used long before the tenant's 30-day threshold: an inactive seat; Confluence kept.
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z"),
                        new OrgUser.ProductAccess("confluence", CONFLUENCE, null)),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g3", "g3-name"), new OrgUser.GroupRef("scim", "From Okta"))));
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g3", "scim")));
        licenses.groups.put("scim", new com.saasspend.integration.domain.OrgGroup("scim", "From Okta", null, "Okta", true, 5,
                List.of(new com.saasspend.integration.domain.OrgGroup.Grant(CONFLUENCE, "confluence", List.of("atlassian/user"), false)), "dir-1"));
        service = service(java.time.Duration.ZERO);
    }

    private ReclaimService service(java.time.Duration tenantFactsFor) {
        return new ReclaimService(integrations, new ReclaimFakes.Vault(), atlassian, licenses, audit,
                new ReclaimFakes.Keys(), new ReclaimFakes.Settings(), new ReclaimFakes.Requests(), new InMemorySavingsStore(),
                new ReclaimFakes.Published(), clock, tenantFactsFor);
    }

    @Test
    void aFreedInactiveSeatCountsDownOnceAndItsUndoCountsItBack() {
        ReclaimRecord record = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1"))).record();

        assertEquals(ReclaimRecord.COMPLETED, record.status());
        assertEquals(1, licenses.adjustments.size());
        assertEquals(USER, licenses.adjustments.get(0).accountId());
        assertEquals(List.of(new ProductCounts(-1, 0, -1, 0)), List.copyOf(licenses.summary.values()),
                "one inactive Jira seat fewer, nothing else");

        service.undo(TENANT, "admin", record.id());

        assertEquals(2, licenses.adjustments.size());
        assertEquals(List.of(ProductCounts.ZERO), List.copyOf(licenses.summary.values()), "the seat is counted again");
    }

    @Test
    void aWorkersUndoRefusedForAMissingIntegrationForgetsTheKeptFactsSoAReconnectionIsSeenAtOnce() {
        ReclaimService worker = service(java.time.Duration.ofSeconds(30));
        ReclaimRecord record = worker.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g1"))).record();
        clock.now = clock.now.plusSeconds(31);
        com.saasspend.integration.domain.Integration confluence = integrations.byType.remove(com.saasspend.integration.domain.IntegrationType.CONFLUENCE);

        assertEquals("reclaim_not_enabled", org.junit.jupiter.api.Assertions.assertThrows(com.saasspend.integration.domain.Refusal.class,
                () -> worker.undo(TENANT, "admin", record.id())).code());
        integrations.byType.put(com.saasspend.integration.domain.IntegrationType.CONFLUENCE, confluence); // reconnected at once

        assertEquals(ReclaimRecord.COMPLETED, worker.undo(TENANT, "admin", record.id()).undo().status());
    }

    @Test
    void aGroupTheRunCannotChangeIsNoWorkLeftSoTheLastRemovalsOutcomeWaitsForTheSettle() {
        ReclaimRecord record = service.reclaim(TENANT, "admin", "k1", new ReclaimRequest(USER, List.of("g3", "scim"))).record();

        assertEquals(List.of("g3=removed", "scim=refused"), record.groups().stream().map(g -> g.groupId() + "=" + g.result()).toList());
        assertEquals(0, audit.puts, "only a refused group after the removal: nothing written between start and settle");
    }
}
