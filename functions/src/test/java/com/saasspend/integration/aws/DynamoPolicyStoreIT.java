package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.BulkApproval;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyStore;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
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
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 3, 3, 0, 0, "run-1"));
        assertTrue(store.putPolicy("t1", policy("pol-00000000000000000001", "b", 2), 1L));
        assertFalse(store.putPolicy("t1", policy("pol-00000000000000000001", "stale", 2), 1L), "an edit from an old version is refused");

        Policy stored = store.policy("t1", "pol-00000000000000000001").orElseThrow();
        assertEquals("b", stored.name());
        assertEquals(List.of("g1"), stored.excludeGroupIds());
        assertNull(stored.lastEvaluation(), "the edit replaced the item; the next evaluation records its own");
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 2, 0, 1, 1, "run-2"));
        assertEquals(2, store.policy("t1", "pol-00000000000000000001").orElseThrow().lastEvaluation().candidates());
        assertTrue(store.policy("t1", "pol-00000000000000000001").orElseThrow().lastEvaluation().evaluatedOn("run-2"), "the sync run is kept");
        assertEquals(1, store.policies("t1").size());
        assertTrue(store.policies("t2").isEmpty());
        assertTrue(store.policy("t2", "pol-00000000000000000001").isEmpty());

        store.deletePolicy("t1", "pol-00000000000000000001");
        store.recordEvaluation("t1", "pol-00000000000000000001", new Policy.LastEvaluation(AT, "evaluated", 0, 0, 0, 0, "run-3"));
        assertTrue(store.policy("t1", "pol-00000000000000000001").isEmpty(), "an evaluation finishing after a delete recreates nothing");
    }

    @Test
    void anEvaluationIsClaimedOncePerRunUntilReleasedOrStaleAndOnlyItsHolderReleasesIt() {
        String policyId = "pol-00000000000000000001";
        Instant stale = AT.minusSeconds(300);
        assertTrue(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-a", "run-1", AT), stale));
        assertFalse(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-b", "run-1", AT.plusSeconds(1)),
                stale.plusSeconds(1)), "a second delivery of the run while the claim is live");
        assertTrue(store.claimEvaluation("t2", policyId, new PolicyStore.EvaluationClaim("eval-c", "run-1", AT), stale), "another tenant's");

        // Released by another claim id: nothing happens; by its holder: free again.
        store.releaseEvaluation("t1", policyId, "eval-b");
        assertFalse(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-b", "run-1", AT.plusSeconds(2)),
                stale.plusSeconds(2)));
        store.releaseEvaluation("t1", policyId, "eval-a");
        assertTrue(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-d", "run-1", AT.plusSeconds(3)),
                stale.plusSeconds(3)));

        // Its holder dead past the timeout: taken over; the dead holder's late release leaves the new claim.
        Instant later = AT.plusSeconds(3 + 301);
        assertTrue(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-e", "run-1", later), later.minusSeconds(300)));
        store.releaseEvaluation("t1", policyId, "eval-d");
        assertFalse(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-f", "run-1", later), later.minusSeconds(300)));
        // Another sync run is not held back by this run's live claim; no run named is a run of its own.
        assertTrue(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-g", "run-2", later), later.minusSeconds(300)));
        assertTrue(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-h", null, later), later.minusSeconds(300)));
        assertFalse(store.claimEvaluation("t1", policyId, new PolicyStore.EvaluationClaim("eval-i", null, later), later.minusSeconds(300)));
        assertTrue(store.policies("t1").isEmpty(), "a claim is not a policy");
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
        assertTrue(store.indexStoredActions("t1"), "every action was written with the status index's keys: nothing to walk");
        assertEquals(expected, pendingOf("t1", "pol-a", 10), "the same pages through the status index");

        List<String> ids = new ArrayList<>(all.subList(0, 99).stream().map(PolicyAction::id).toList());
        ids.add(PolicyAction.idOf("pol-a", "712020:nobody", "confluence", null));
        assertEquals(99, store.actions("t1", ids).size());
        assertEquals(0, store.actions("t3", ids).size());
    }

    private List<String> pendingOf(String tenant, String policyId, int limit) {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 100; pages++) {
            Page<PolicyAction> page = store.actions(tenant, PolicyAction.PENDING, policyId, after, limit);
            page.items().forEach(a -> {
                assertEquals(PolicyAction.PENDING, a.status());
                if (policyId != null) {
                    assertEquals(policyId, a.policyId());
                }
                seen.add(a.id());
            });
            after = page.nextCursor();
            if (after == null) {
                break;
            }
        }
        assertEquals(seen.size(), seen.stream().distinct().count(), "no action on two pages");
        return seen.stream().sorted().toList();
    }

    /** Items DynamoDB read for the queries made through this client (ScannedCount: before any filter). */
    private static final class CountingDynamo implements ExecutionInterceptor {
        final AtomicLong itemsRead = new AtomicLong();

        @Override
        public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            if (context.response() instanceof QueryResponse query && query.scannedCount() != null) {
                itemsRead.addAndGet(query.scannedCount());
            }
        }
    }

    @Test
    void aPageOfPendingActionsReadsAboutThePageNotTheTenantsDecidedOnes() {
        CountingDynamo counter = new CountingDynamo();
        DynamoPolicyStore counted = new DynamoPolicyStore(DynamoDbClient.builder()
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build(), aws.table);
        IntStream.range(0, 300).forEach(i -> assertTrue(store.createAction("t1", action("pol-a", i, PolicyAction.DONE))));
        List<String> pendingA = new ArrayList<>();
        IntStream.range(1000, 1007).forEach(i -> {
            PolicyAction a = action("pol-a", i, PolicyAction.PENDING);
            assertTrue(store.createAction("t1", a));
            pendingA.add(a.id());
        });
        IntStream.range(2000, 2004).forEach(i -> assertTrue(store.createAction("t1", action("pol-b", i, PolicyAction.PENDING))));
        // One of them decided: it leaves the pending range in the same write.
        PolicyAction decided = action("pol-a", 1000, PolicyAction.PENDING);
        assertTrue(store.updateAction("t1", decided.decided(PolicyAction.REJECTED, "admin", AT), PolicyAction.PENDING));
        pendingA.remove(decided.id());
        // The tenant's one-off walk (311 actions: two walk pages), then only the index.
        assertFalse(counted.indexStoredActions("t1"));
        assertTrue(counted.indexStoredActions("t1"));

        counter.itemsRead.set(0);
        Page<PolicyAction> page = counted.actions("t1", PolicyAction.PENDING, null, null, 5);
        assertEquals(5, page.items().size());
        assertTrue(counter.itemsRead.get() <= 6, "a page of 5 pending read " + counter.itemsRead.get()
                + " items; the 300 done actions must not be read");

        counter.itemsRead.set(0);
        List<String> all = new ArrayList<>(page.items().stream().map(PolicyAction::id).toList());
        all.addAll(counted.actions("t1", PolicyAction.PENDING, null, page.nextCursor(), 5).items().stream().map(PolicyAction::id).toList());
        assertEquals(10, all.size(), "6 of pol-a and 4 of pol-b, across two pages");
        assertTrue(counter.itemsRead.get() <= 6, "the second page read " + counter.itemsRead.get());

        counter.itemsRead.set(0);
        Page<PolicyAction> ofA = counted.actions("t1", PolicyAction.PENDING, "pol-a", null, 100);
        assertEquals(pendingA.stream().sorted().toList(), ofA.items().stream().map(PolicyAction::id).sorted().toList());
        assertNull(ofA.nextCursor());
        assertTrue(counter.itemsRead.get() <= pendingA.size(), "one policy's pending read " + counter.itemsRead.get() + " items");

        counter.itemsRead.set(0);
        assertEquals(1, counted.actions("t1", PolicyAction.REJECTED, null, null, 50).items().size());
        assertTrue(counted.actions("t2", PolicyAction.PENDING, null, null, 50).items().isEmpty(), "another tenant's range");
        assertTrue(counter.itemsRead.get() <= 1, "read " + counter.itemsRead.get());
    }

    /** An action item as the store wrote it before the status index: no actionsPk/actionsSk. */
    private void putWithoutIndexKeys(String tenant, PolicyAction action) throws Exception {
        String json = com.saasspend.integration.common.Json.MAPPER.writeValueAsString(action);
        aws.dynamo.putItem(r -> r.tableName(aws.table).item(java.util.Map.of(
                TableKeys.PK, Items.s(TableKeys.tenant(tenant)), TableKeys.SK, Items.s(TableKeys.policyAction(action.id())),
                "kind", Items.s("policy-action"), "status", Items.s(action.status()), "policyId", Items.s(action.policyId()),
                "action", Items.s(json))));
    }

    @Test
    void actionsStoredBeforeTheStatusIndexAreListedBeforeAndAfterTheWalkBringsThemIn() throws Exception {
        List<PolicyAction> legacy = new ArrayList<>();
        for (int i = 0; i < DynamoPolicyStore.INDEX_WALK_PAGE + 50; i++) {
            PolicyAction a = action("pol-a", i, i % 5 == 0 ? PolicyAction.PENDING : PolicyAction.DONE);
            putWithoutIndexKeys("t1", a);
            legacy.add(a);
        }
        List<String> pending = legacy.stream().filter(a -> a.status().equals(PolicyAction.PENDING)).map(PolicyAction::id).sorted().toList();
        PolicyAction fresh = action("pol-a", 9999, PolicyAction.PENDING);
        assertTrue(store.createAction("t1", fresh));
        List<String> expected = new ArrayList<>(pending);
        expected.add(fresh.id());
        expected.sort(null);

        assertEquals(expected, pendingOf("t1", "pol-a", 7), "before the walk: the filtered read still finds the older ones");
        assertFalse(store.indexStoredActions("t1"), "more than one walk page: not done in one call");
        // Decided between two walk calls: written whole with its index keys; the walk leaves it alone.
        PolicyAction decidedMeanwhile = legacy.get(legacy.size() - 5);
        assertEquals(PolicyAction.PENDING, decidedMeanwhile.status());
        assertTrue(store.updateAction("t1", decidedMeanwhile.decided(PolicyAction.REJECTED, "admin", AT), PolicyAction.PENDING));
        expected.remove(decidedMeanwhile.id());
        assertEquals(expected, pendingOf("t1", "pol-a", 7), "mid-walk: still the filtered read");
        assertTrue(store.indexStoredActions("t1"));

        DynamoPolicyStore otherInstance = new DynamoPolicyStore(aws.dynamo, aws.table);
        assertEquals(expected, otherInstance.actions("t1", PolicyAction.PENDING, "pol-a", null, 500).items().stream()
                .map(PolicyAction::id).sorted().toList(), "after the walk: every older pending action is in the status index");
        assertEquals(1, otherInstance.actions("t1", PolicyAction.REJECTED, null, null, 50).items().size());
        assertEquals(PolicyAction.REJECTED, otherInstance.action("t1", decidedMeanwhile.id()).orElseThrow().status());
        // A listing that began on the filtered read (a bare action id as its position) continues in the index.
        Page<PolicyAction> first = new DynamoPolicyStore(aws.dynamo, aws.table).actions("t1", PolicyAction.PENDING, null, null, 3);
        String bare = first.items().get(first.items().size() - 1).id();
        List<String> rest = otherInstance.actions("t1", PolicyAction.PENDING, null, bare, 500).items().stream().map(PolicyAction::id).toList();
        assertFalse(rest.contains(bare));
        assertEquals(expected.size(), first.items().size() + rest.size());
    }

    @Test
    void aHundredActionsMoveInOneBatchAndOneDecidedMeanwhileKeepsItsDecisionWhileTheOthersStillMove() {
        List<PolicyAction> pending = new ArrayList<>();
        IntStream.range(0, PolicyStore.ACTIONS_PER_READ).forEach(i -> {
            PolicyAction a = action("pol-a", i, PolicyAction.PENDING);
            assertTrue(store.createAction("t1", a));
            pending.add(a);
        });
        List<PolicyAction> approved = pending.stream().map(a -> a.approvedInJob("job-1", "admin", AT)).toList();
        assertEquals(PolicyStore.ACTIONS_PER_READ, store.updateActions("t1", approved, PolicyAction.PENDING).size());
        assertEquals(java.util.Set.of(), store.updateActions("t1", approved, PolicyAction.PENDING), "moved once");
        assertEquals("job-1", store.action("t1", pending.get(7).id()).orElseThrow().jobId());
        // In the status index: listed as approved, outside the policy's own range (the job runs them).
        assertEquals(PolicyStore.ACTIONS_PER_READ, store.actions("t1", PolicyAction.APPROVED, null, null, 200).items().size());
        assertEquals(0, store.actions("t1", PolicyAction.APPROVED, "pol-a", null, 200).items().size());

        PolicyAction other = action("pol-b", 500, PolicyAction.PENDING);
        PolicyAction racing = action("pol-b", 501, PolicyAction.PENDING);
        assertTrue(store.createAction("t1", other));
        assertTrue(store.createAction("t1", racing));
        assertTrue(store.updateAction("t1", racing.decided(PolicyAction.REJECTED, "admin", AT), PolicyAction.PENDING));
        assertEquals(java.util.Set.of(other.id()), store.updateActions("t1", List.of(other.approvedInJob("job-2", "admin", AT),
                racing.approvedInJob("job-2", "admin", AT)), PolicyAction.PENDING));
        assertEquals(PolicyAction.REJECTED, store.action("t1", racing.id()).orElseThrow().status());
    }

    @Test
    void aBulkApprovalIsStoredOncePerKeyUntilItExpires() {
        BulkApproval approval = new BulkApproval("k1", "f1", "pol-a", "confluence", "plan-1", List.of("pa-1"),
                java.util.Map.of("pa-2", "active_again"), java.util.Map.of("pa-2", "2026-11-27T09:00:00Z"), AT, AT.plusSeconds(3600));
        assertTrue(store.createBulkApproval("t1", approval, AT));
        assertFalse(store.createBulkApproval("t1", approval, AT.plusSeconds(60)), "the key is held");
        assertEquals(approval, store.bulkApproval("t1", "k1", AT.plusSeconds(60)).orElseThrow());
        assertTrue(store.bulkApproval("t2", "k1", AT).isEmpty(), "another tenant's key space");
        assertTrue(store.bulkApproval("t1", "k1", AT.plusSeconds(3601)).isEmpty(), "expired (TTL deletes late)");
        assertTrue(store.createBulkApproval("t1", new BulkApproval("k1", "f2", "pol-a", "confluence", "plan-2", List.of(), java.util.Map.of(),
                java.util.Map.of(), AT.plusSeconds(3601), AT.plusSeconds(7200)), AT.plusSeconds(3601)));
        assertEquals("plan-2", store.bulkApproval("t1", "k1", AT.plusSeconds(3700)).orElseThrow().planId());
    }

    @Test
    void aBulkApprovalStoredBeforeItKeptLastActiveDatesReadsWithNone() throws Exception {
        BulkApproval approval = new BulkApproval("k1", "f1", "pol-a", "confluence", "plan-1", List.of("pa-1"),
                java.util.Map.of("pa-2", "active_again"), java.util.Map.of("pa-2", "2026-11-27T09:00:00Z"), AT, AT.plusSeconds(3600));
        assertTrue(store.createBulkApproval("t1", approval, AT));
        java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = java.util.Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("TENANT#t1"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("POLICYBULK#k1"));
        var item = new java.util.HashMap<>(aws.dynamo.getItem(r -> r.tableName(aws.table).key(key)).item());
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(item.get("approval").s());
        json.remove("lastActive");
        item.put("approval", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(json.toString()));
        aws.dynamo.putItem(r -> r.tableName(aws.table).item(item));

        BulkApproval read = store.bulkApproval("t1", "k1", AT).orElseThrow();
        assertEquals(java.util.Map.of(), read.lastActive());
        assertEquals(approval.cancelled(), read.cancelled());
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

    private static PolicyAction dueAction(String policyId, int i, String status, Instant dueAt, String jobId) {
        String account = "712020:u" + i;
        return new PolicyAction(PolicyAction.idOf(policyId, account, "confluence", null), policyId, "p", Policy.AUTO, account, "U" + i,
                null, "confluence", List.of("g1"), 1, null, status, AT, AT, dueAt, null, null, null, null, null, null, AT, jobId);
    }

    private static List<String> accounts(java.util.Optional<List<PolicyAction>> actions) {
        return actions.orElseThrow().stream().map(PolicyAction::accountId).toList();
    }

    @Test
    void thePendingActionsDueAreReadByDueDateEarliestFirstAndOnlyThose() {
        List.of(dueAction("pol-a", 1, PolicyAction.PENDING, AT.minusSeconds(7200), null),
                dueAction("pol-a", 2, PolicyAction.PENDING, AT.minusSeconds(3600), null),
                dueAction("pol-a", 3, PolicyAction.PENDING, AT.plusSeconds(3600), null),
                dueAction("pol-a", 4, PolicyAction.PENDING, null, null),
                dueAction("pol-a", 5, PolicyAction.PENDING, AT.minusSeconds(10_800), "job-1"),
                dueAction("pol-a", 6, PolicyAction.APPROVED, AT.minusSeconds(14_400), null),
                dueAction("pol-b", 7, PolicyAction.PENDING, AT.minusSeconds(18_000), null),
                dueAction("pol-a", 8, PolicyAction.PENDING, AT, null)).forEach(a -> assertTrue(store.createAction("t1", a)));
        assertTrue(store.indexStoredActions("t1"), "written with the indexes' keys: nothing to walk");

        assertEquals(List.of("712020:u1", "712020:u2", "712020:u8"), accounts(store.dueActions("t1", "pol-a", AT, 10)),
                "due at or before now, pending, no job, this policy's, earliest first");
        assertEquals(List.of("712020:u1"), accounts(store.dueActions("t1", "pol-a", AT, 1)));
        assertEquals(List.of("712020:u1", "712020:u2", "712020:u8", "712020:u3"),
                accounts(store.dueActions("t1", "pol-a", AT.plusSeconds(3600), 10)));

        // Decided: out of the index with the same write.
        PolicyAction first = dueAction("pol-a", 1, PolicyAction.PENDING, AT.minusSeconds(7200), null);
        assertTrue(store.updateAction("t1", first.decided(PolicyAction.APPROVED, "policy:pol-a", AT), PolicyAction.PENDING));
        assertEquals(List.of("712020:u2", "712020:u8"), accounts(store.dueActions("t1", "pol-a", AT, 10)));
        assertTrue(store.indexStoredActions("t2"));
        assertEquals(List.of(), accounts(store.dueActions("t2", "pol-a", AT, 10)), "another tenant's");
    }

    @Test
    void pendingActionsStoredBeforeTheDueIndexAreWalkedUntilItBringsThemIn() {
        for (int i = 0; i < 3; i++) {
            PolicyAction action = dueAction("pol-a", i, PolicyAction.PENDING, AT.minusSeconds(60L * (i + 1)), null);
            assertTrue(store.createAction("t1", action));
            aws.dynamo.updateItem(r -> r.tableName(aws.table).key(java.util.Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("TENANT#t1"),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("POLICYACTION#" + action.id())))
                    .updateExpression("REMOVE duePk, dueSk"));
        }
        // A tenant walked for the status index before the due-date index existed.
        aws.dynamo.putItem(r -> r.tableName(aws.table).item(java.util.Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("TENANT#t1"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("POLICYACTIONINDEX"),
                "done", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true))));

        assertTrue(store.dueActions("t1", "pol-a", AT, 10).isEmpty(), "not yet readable by due date: the caller walks");
        assertTrue(store.indexStoredActions("t1"));
        assertEquals(List.of("712020:u2", "712020:u1", "712020:u0"), accounts(store.dueActions("t1", "pol-a", AT, 10)));
        assertEquals(3, store.actions("t1", PolicyAction.PENDING, "pol-a", null, 10).items().size(), "the status index kept");
    }
}
