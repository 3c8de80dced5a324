package com.saasspend.integration.domain.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.Refusal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The limits of a valid policy, each at its edge (the last accepted value and the first refused), and the action's record. */
class PolicyRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static PolicyDraft draft(String name, List<String> products, Integer days, List<String> groups, List<String> accounts,
                                     Integer grace, Integer cap) {
        return new PolicyDraft(name, products, Policy.INACTIVE, days, groups, accounts, Policy.AUTO, grace, cap, null);
    }

    private static PolicyDraft valid() {
        return draft("Idle", List.of("jira-software"), 90, null, null, null, null);
    }

    private static Policy accept(PolicyDraft d) {
        return PolicyRules.validate(d, "pol-1", NOW, NOW, 1);
    }

    /** The fields the refusal names. */
    private static List<String> refused(PolicyDraft d) {
        Refusal r = assertThrows(Refusal.class, () -> accept(d));
        assertEquals(PolicyRules.INVALID, r.code());
        return r.fields().stream().map(Refusal.Field::name).toList();
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "id-" + i).toList();
    }

    @Test
    void aNameHoldsOneToAHundredCharactersAfterStripping() {
        assertEquals("x".repeat(100), accept(draft(" " + "x".repeat(100) + " ", List.of("jira-software"), 90, null, null, null, null)).name());
        assertEquals(List.of("name"), refused(draft("x".repeat(101), List.of("jira-software"), 90, null, null, null, null)));
    }

    @Test
    void aPolicyCoversOneToTenDistinctProducts() {
        List<String> ten = IntStream.range(0, PolicyRules.MAX_PRODUCTS).mapToObj(i -> "product-" + i).toList();
        assertEquals(ten, accept(draft("p", ten, 90, null, null, null, null)).products());
        List<String> eleven = IntStream.range(0, PolicyRules.MAX_PRODUCTS + 1).mapToObj(i -> "product-" + i).toList();
        assertEquals(List.of("products"), refused(draft("p", eleven, 90, null, null, null, null)));
        List<String> tenTwice = new java.util.ArrayList<>(ten);
        tenTwice.add("product-0");
        assertEquals(ten, accept(draft("p", tenTwice, 90, null, null, null, null)).products(), "a repeated key counts once");
    }

    @Test
    void daysRunFromOneToTenYears() {
        assertEquals(PolicyRules.MIN_DAYS, accept(draft("p", List.of("jira-software"), 1, null, null, null, null)).condition().days());
        assertEquals(PolicyRules.MAX_DAYS, accept(draft("p", List.of("jira-software"), 3650, null, null, null, null)).condition().days());
        assertEquals(List.of("condition.days"), refused(draft("p", List.of("jira-software"), 0, null, null, null, null)));
        assertEquals(List.of("condition.days"), refused(draft("p", List.of("jira-software"), 3651, null, null, null, null)));
    }

    @Test
    void graceRunsFromNoneToNinetyDays() {
        assertEquals(0, accept(draft("p", List.of("jira-software"), 90, null, null, 0, null)).graceDays());
        assertEquals(PolicyRules.MAX_GRACE_DAYS, accept(draft("p", List.of("jira-software"), 90, null, null, 90, null)).graceDays());
        assertEquals(List.of("graceDays"), refused(draft("p", List.of("jira-software"), 90, null, null, -1, null)));
        assertEquals(List.of("graceDays"), refused(draft("p", List.of("jira-software"), 90, null, null, 91, null)));
    }

    @Test
    void aRunReclaimsOneToFiveHundred() {
        assertEquals(1, accept(draft("p", List.of("jira-software"), 90, null, null, null, 1)).maxReclaimsPerRun());
        assertEquals(PolicyRules.MAX_RECLAIMS_PER_RUN, accept(draft("p", List.of("jira-software"), 90, null, null, null, 500)).maxReclaimsPerRun());
        assertEquals(List.of("maxReclaimsPerRun"), refused(draft("p", List.of("jira-software"), 90, null, null, null, 0)));
        assertEquals(List.of("maxReclaimsPerRun"), refused(draft("p", List.of("jira-software"), 90, null, null, null, 501)));
    }

    @Test
    void eachExclusionListHoldsAtMostFiveHundredWellFormedIds() {
        Policy full = accept(draft("p", List.of("jira-software"), 90, ids(500), ids(500), null, null));
        assertEquals(500, full.excludeGroupIds().size());
        assertEquals(500, full.excludeAccountIds().size());
        assertEquals(List.of("excludeGroupIds"), refused(draft("p", List.of("jira-software"), 90, ids(501), null, null, null)));
        assertEquals(List.of("excludeAccountIds"), refused(draft("p", List.of("jira-software"), 90, null, ids(501), null, null)));
        assertEquals(List.of("excludeAccountIds"), refused(draft("p", List.of("jira-software"), 90, null, List.of("a b"), null, null)));
        assertEquals(List.of("excludeAccountIds"), refused(draft("p", List.of("jira-software"), 90, null,
                Collections.singletonList(null), null, null)));
        assertEquals(List.of("u1", "u2"), accept(draft("p", List.of("jira-software"), 90, null, List.of("u1", "u2", "u1"), null, null))
                .excludeAccountIds(), "repeated ids count once, in their order");
    }

    @Test
    void theRefusalsMessageNamesEveryWrongFieldWithWhatItTakes() {
        Refusal r = assertThrows(Refusal.class, () -> accept(draft("", List.of(), 0, null, null, null, null)));
        assertEquals("The policy is not valid: name is required, 1 to 100 characters; products names 1 to 10 product keys"
                + " (e.g. jira-software, confluence); condition.days is a whole number of days from 1 to 3650.", r.getMessage());
        assertEquals(Refusal.Kind.INVALID, r.kind());
    }

    @Test
    void aValidDraftBecomesThePolicyWithDefaults() {
        Policy p = accept(valid());
        assertEquals(PolicyRules.DEFAULT_GRACE_DAYS, p.graceDays());
        assertEquals(PolicyRules.DEFAULT_RECLAIMS_PER_RUN, p.maxReclaimsPerRun());
        assertFalse(p.paused());
        assertEquals(List.of(), p.excludeGroupIds());
        assertEquals(NOW, p.updatedAt());
    }

    // ---------------------------------------------------------------- the action's record

    private static PolicyAction action(List<String> groupIds) {
        return new PolicyAction(PolicyAction.idOf("pol-1", "u1", "jira-software", null), "pol-1", "Idle", Policy.AUTO, "u1", "U", "u@x",
                "jira-software", groupIds, 1, new BigDecimal("8.50"), PolicyAction.PENDING, NOW, null, null, null, null, null, null, null,
                null, NOW);
    }

    @Test
    void anActionKeepsItsGroupsAndHasNoneWhenLeftOut() {
        assertEquals(List.of("g1", "g2"), action(List.of("g1", "g2")).groupIds());
        assertEquals(List.of(), action(null).groupIds());
    }

    @Test
    void anActionNamesExactlyItsGroupIdsInTheirOrderWithTheNamesItWasGiven() {
        PolicyAction named = new PolicyAction(PolicyAction.idOf("pol-1", "u1", "jira-software", null), "pol-1", "Idle", Policy.AUTO,
                "u1", "U", "u@x", "jira-software", List.of("g1", "g2", "g3"), 1, null, PolicyAction.PENDING, NOW, null, null, null,
                null, null, null, null, null, NOW, null,
                List.of(new OrgUser.GroupRef("g3", "three"), new OrgUser.GroupRef("g9", "nine"), new OrgUser.GroupRef("g1", null)));
        assertEquals(List.of(new OrgUser.GroupRef("g1", null), new OrgUser.GroupRef("g2", null), new OrgUser.GroupRef("g3", "three")),
                named.groups());
        assertEquals(List.of(new OrgUser.GroupRef("g1", null)), action(List.of("g1")).groups(), "no names given: by id");

        PolicyAction replanned = named.withGroups(List.of(new OrgUser.GroupRef("g4", "four"), new OrgUser.GroupRef("g1", "one")));
        assertEquals(List.of("g4", "g1"), replanned.groupIds(), "what the reclaim removes follows the plan");
        assertEquals(List.of(new OrgUser.GroupRef("g4", "four"), new OrgUser.GroupRef("g1", "one")), replanned.groups());
        assertEquals(replanned.groups(), replanned.decided(PolicyAction.APPROVED, "a", NOW).groups(), "kept through its changes");
    }

    @Test
    void anActionStoredBeforeActionsNamedTheirGroupsReadsNamedByIdAndRoundTripsItsNames() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode stored = Json.MAPPER.valueToTree(action(List.of("g1", "g2")));
        assertTrue(stored.has("groups"));
        stored.remove("groups");
        PolicyAction old = Json.MAPPER.treeToValue(stored, PolicyAction.class);
        assertEquals(List.of(new OrgUser.GroupRef("g1", null), new OrgUser.GroupRef("g2", null)), old.groups());

        PolicyAction named = old.withGroups(List.of(new OrgUser.GroupRef("g1", "jira-users")));
        assertEquals(named, Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(named), PolicyAction.class));
    }

    @Test
    void anEndedActionTakesTheReclaimsSeatsAndCostOrKeepsItsOwnWhenThereIsNone() {
        PolicyAction done = action(List.of("g1")).ended(PolicyAction.DONE, "rcl-1", 2, new BigDecimal("17.00"), null, null, NOW);
        assertEquals(2, done.seatsFreed());
        assertEquals(new BigDecimal("17.00"), done.monthlyCostFreed());
        assertEquals("rcl-1", done.reclaimId());
        PolicyAction cancelled = action(List.of("g1")).ended(PolicyAction.CANCELLED, null, null, null, "active_again", "used", NOW);
        assertEquals(1, cancelled.seatsFreed());
        assertEquals(new BigDecimal("8.50"), cancelled.monthlyCostFreed());
        assertEquals("active_again", cancelled.reasonCode());
    }

    @Test
    void onlyAnIdOfTheDerivedShapeIsWellFormed() {
        assertTrue(PolicyAction.wellFormed(PolicyAction.idOf("pol-1", "u1", "jira-software", null)));
        assertFalse(PolicyAction.wellFormed(null));
        assertFalse(PolicyAction.wellFormed("pa-123"));
        assertFalse(PolicyAction.wellFormed("../pa-" + "0".repeat(32)));
    }
}
