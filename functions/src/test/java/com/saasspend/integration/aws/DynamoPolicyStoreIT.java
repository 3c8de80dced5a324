package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The policy items on moto: create once, edits by version, status-guarded action updates, filtered pages, tenant isolation. */
@ExtendWith(AwsEmulator.class)
class DynamoPolicyStoreIT {
    private static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");

    private final EmulatedAws aws = new EmulatedAws();
    private final DynamoPolicyStore store = new DynamoPolicyStore(aws.dynamo, aws.table);

    @AfterEach
    void drop() {
        aws.deleteTable();
    }

    private static Policy policy(String id, String name, long version) {
        return new Policy(id, name, List.of("confluence"), new Policy.Condition(Policy.INACTIVE, 90), List.of("g1"), List.of(),
                Policy.APPROVE, 14, 50, false, AT, AT, version, null);
    }

    private static PolicyAction action(String policyId, int i, String status) {
        String account = "712020:u" + i;
        return new PolicyAction(PolicyAction.idOf(policyId, account, "confluence", null), policyId, "p", Policy.APPROVE, account, "U" + i,
                null, "confluence", List.of("g1"), 1, new BigDecimal("6.05"), status, AT, null, null, null, null, null, null, null, null, AT);
    }

    @Test
    void aPolicyIsCreatedOnceEditedOnlyFromTheVersionReadAndItsEvaluationNeverRacesAnEdit() {
        assertTrue(store.putPolicy("t1", policy("pol-00000000000000000001", "a", 1), null));
        assertFalse(store.putPolicy("t1", policy("pol-00000000000000000001", "again", 1), null), "created once");
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 3, 3, 0, 0));
        assertTrue(store.putPolicy("t1", policy("pol-00000000000000000001", "b", 2), 1L));
        assertFalse(store.putPolicy("t1", policy("pol-00000000000000000001", "stale", 2), 1L), "an edit from an old version is refused");

        Policy stored = store.policy("t1", "pol-00000000000000000001").orElseThrow();
        assertEquals("b", stored.name());
        assertEquals(List.of("g1"), stored.excludeGroupIds());
        assertNull(stored.lastEvaluation(), "the edit replaced the item; the next evaluation records its own");
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 2, 0, 1, 1));
        assertEquals(2, store.policy("t1", "pol-00000000000000000001").orElseThrow().lastEvaluation().candidates());
        assertEquals(1, store.policies("t1").size());
        assertTrue(store.policies("t2").isEmpty());
        assertTrue(store.policy("t2", "pol-00000000000000000001").isEmpty());

        store.deletePolicy("t1", "pol-00000000000000000001");
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 0, 0, 0, 0));
        assertTrue(store.policy("t1", "pol-00000000000000000001").isEmpty(), "an evaluation finishing after a delete recreates nothing");
    }

    @Test
    void anActionIsCreatedOnceAndMovesOnlyFromTheStatusRead() {
        PolicyAction pending = action("pol-1", 1, PolicyAction.PENDING);
        assertTrue(store.createAction("t1", pending));
        assertFalse(store.createAction("t1", pending), "the same candidacy twice creates one action");
        assertTrue(store.createAction("t2", pending), "another tenant's partition");

        PolicyAction approved = pending.decided(PolicyAction.APPROVED, "admin", AT);
        assertTrue(store.updateAction("t1", approved, PolicyAction.PENDING));
        assertFalse(store.updateAction("t1", pending.decided(PolicyAction.REJECTED, "other", AT), PolicyAction.PENDING),
                "decided once: a second decision from pending is refused");
        assertEquals(PolicyAction.APPROVED, store.action("t1", pending.id()).orElseThrow().status());
        assertEquals(PolicyAction.PENDING, store.action("t2", pending.id()).orElseThrow().status());
        assertEquals(0, new BigDecimal("6.05").compareTo(store.action("t1", pending.id()).orElseThrow().monthlyCostFreed()));
    }

    @Test
    void actionsPageByStatusAndPolicyAndABatchReadFindsTheKnownOnes() {
        List<PolicyAction> all = new ArrayList<>();
        IntStream.range(0, 130).forEach(i -> all.add(action(i % 2 == 0 ? "pol-a" : "pol-b", i, i % 3 == 0 ? PolicyAction.REJECTED
                : PolicyAction.PENDING)));
        all.forEach(a -> assertTrue(store.createAction("t1", a)));
        store.createAction("t2", action("pol-a", 999, PolicyAction.PENDING));

        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 20; pages++) {
            Page<PolicyAction> page = store.actions("t1", PolicyAction.PENDING, "pol-a", after, 10);
            page.items().forEach(a -> {
                assertEquals(PolicyAction.PENDING, a.status());
                assertEquals("pol-a", a.policyId());
                seen.add(a.id());
            });
            after = page.nextCursor();
            if (after == null) {
                break;
            }
        }
        List<String> expected = all.stream().filter(a -> a.policyId().equals("pol-a") && a.status().equals(PolicyAction.PENDING))
                .map(PolicyAction::id).sorted().toList();
        assertEquals(expected, seen.stream().sorted().toList());
        assertEquals(seen.size(), seen.stream().distinct().count(), "no action on two pages");
        assertEquals(131, countAll("t1") + countAll("t2"));

        List<String> ids = new ArrayList<>(all.subList(0, 99).stream().map(PolicyAction::id).toList());
        ids.add(PolicyAction.idOf("pol-a", "712020:nobody", "confluence", null));
        assertEquals(99, store.actions("t1", ids).size());
        assertEquals(0, store.actions("t3", ids).size());
    }

    private int countAll(String tenant) {
        int count = 0;
        String after = null;
        do {
            Page<PolicyAction> page = store.actions(tenant, null, null, after, 50);
            count += page.items().size();
            after = page.nextCursor();
        } while (after != null);
        return count;
    }
}
