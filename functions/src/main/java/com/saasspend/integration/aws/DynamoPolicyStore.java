package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.policies.BulkApproval;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyRules;
import com.saasspend.integration.domain.policies.PolicyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@code TENANT#t / POLICY#<id>} (the policy as JSON, its version, the last evaluation apart so an evaluation never
 * races an edit) and {@code TENANT#t / POLICYACTION#<id>} (the action as JSON, its status and policy as attributes for
 * the conditions, and the status index's keys {@code actionsPk}/{@code actionsSk}, see {@link TableKeys#ACTIONS_INDEX}).
 * Actions are created with {@code attribute_not_exists} and change status only from the status read; each write of an
 * action is one put of the whole item, which also moves it in the status index.
 */
public final class DynamoPolicyStore implements PolicyStore {
    /** Query pages read at most to fill one page of filtered actions. */
    private static final int MAX_QUERY_PAGES = 20;
    /** Stored actions one call of {@link #indexStoredActions} looks at (one query page, at most as many updates). */
    static final int INDEX_WALK_PAGE = 200;

    /** Tenants known to have every action in the status index (never un-indexed, so safe to remember per instance). */
    private final Set<String> indexedTenants = ConcurrentHashMap.newKeySet();
    /** Tenants known to have every pending action with a due date in the due-date index (likewise never undone). */
    private final Set<String> dueIndexedTenants = ConcurrentHashMap.newKeySet();

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoPolicyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(sk));
    }

    @Override
    public List<Policy> policies(String tenantId) {
        QueryResponse response = dynamo.query(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":prefix", s(TableKeys.POLICY_PREFIX)))
                // A tenant has at most MAX_POLICIES small items: one page.
                .limit(PolicyRules.MAX_POLICIES + 1));
        return response.items().stream().map(DynamoPolicyStore::policyOf)
                .sorted((a, b) -> a.createdAt().compareTo(b.createdAt())).toList();
    }

    @Override
    public Optional<Policy> policy(String tenantId, String policyId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.policy(policyId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(policyOf(item));
    }

    private static Policy policyOf(Map<String, AttributeValue> item) {
        Policy policy = fromJson(str(item, "policy"), Policy.class);
        String last = str(item, "lastEvaluation");
        return last == null ? policy.withLastEvaluation(null) : policy.withLastEvaluation(fromJson(last, Policy.LastEvaluation.class));
    }

    @Override
    public boolean putPolicy(String tenantId, Policy policy, Long expectedVersion) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.policy(policy.id())));
        item.put("kind", s("policy"));
        item.put("policy", s(toJson(policy.withLastEvaluation(null))));
        item.put("version", n(policy.version()));
        if (policy.lastEvaluation() != null) {
            item.put("lastEvaluation", s(toJson(policy.lastEvaluation())));
        }
        try {
            if (expectedVersion == null) {
                dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            } else {
                dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", n(expectedVersion))));
            }
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public void recordEvaluation(String tenantId, String policyId, Policy.LastEvaluation evaluation) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, TableKeys.policy(policyId)))
                    .updateExpression("SET lastEvaluation = :e").conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":e", s(toJson(evaluation)))));
        } catch (ConditionalCheckFailedException deleted) {
            // Deleted meanwhile: nothing to record it on.
        }
    }

    @Override
    public void deletePolicy(String tenantId, String policyId) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, TableKeys.policy(policyId))));
    }

    /** The sync run of a claim as stored: a claim on no named run is one run of its own. */
    private static String claimRun(String runId) {
        return runId == null ? "-" : runId;
    }

    @Override
    public boolean claimEvaluation(String tenantId, String policyId, EvaluationClaim claim, Instant staleBefore) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.policyEvaluation(policyId)));
        item.put("kind", s("policy-evaluation"));
        item.put("claimId", s(claim.claimId()));
        item.put("runId", s(claimRun(claim.runId())));
        item.put("since", n(claim.since().toEpochMilli()));
        // A claim left by a dead process goes by itself once read as stale; TTL only tidies the item away.
        item.put("expiresAt", n(claim.since().plus(java.time.Duration.ofDays(1)).getEpochSecond()));
        try {
            // Another run's claim does not hold this one back: the cap is per sync run, as the run record is.
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR since < :stale OR runId <> :run")
                    .expressionAttributeValues(Map.of(":stale", n(staleBefore.toEpochMilli()), ":run", s(claimRun(claim.runId())))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    @Override
    public void releaseEvaluation(String tenantId, String policyId, String claimId) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(tenantId, TableKeys.policyEvaluation(policyId)))
                    .conditionExpression("claimId = :mine").expressionAttributeValues(Map.of(":mine", s(claimId))));
        } catch (ConditionalCheckFailedException takenOver) {
            // Taken over after this claim went stale (or by another run): the new holder releases it.
        }
    }

    private static Map<String, AttributeValue> actionItem(String tenantId, PolicyAction action) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.policyAction(action.id())));
        item.put("kind", s("policy-action"));
        item.put("status", s(action.status()));
        item.put("policyId", s(action.policyId()));
        item.put("action", s(toJson(action)));
        item.put(TableKeys.ACTIONS_PK, s(TableKeys.actionsByStatus(tenantId, action.status())));
        item.put(TableKeys.ACTIONS_SK, s(TableKeys.actionsSortKey(action.policyId(), action.id(), action.jobId())));
        if (action.jobId() != null) {
            item.put("jobId", s(action.jobId()));
        }
        if (dueIndexed(action)) {
            item.put(TableKeys.DUE_PK, s(TableKeys.actionsDue(tenantId, action.policyId())));
            item.put(TableKeys.DUE_SK, s(TableKeys.dueSortKey(action.dueAt().toEpochMilli(), action.id())));
        }
        return item;
    }

    /** Whether the action belongs in the due-date index: pending, with a due date, run by its policy (no job). */
    private static boolean dueIndexed(PolicyAction action) {
        return PolicyAction.PENDING.equals(action.status()) && action.dueAt() != null && action.jobId() == null;
    }

    /** One range of the due-date index: the policy's actions due up to {@code now}, earliest first. */
    @Override
    public Optional<List<PolicyAction>> dueActions(String tenantId, String policyId, Instant now, int limit) {
        if (!dueIndexReady(tenantId)) {
            return Optional.empty();
        }
        List<PolicyAction> due = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int pages = 0; pages < MAX_QUERY_PAGES && due.size() < limit; pages++) {
            Map<String, AttributeValue> from = start;
            QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TableKeys.DUE_INDEX)
                    .keyConditionExpression("#pk = :pk AND #sk < :after")
                    .expressionAttributeNames(Map.of("#pk", TableKeys.DUE_PK, "#sk", TableKeys.DUE_SK))
                    // Every key due at or before now sorts below the next millisecond's.
                    .expressionAttributeValues(Map.of(":pk", s(TableKeys.actionsDue(tenantId, policyId)),
                            ":after", s(String.format(java.util.Locale.ROOT, "%013d", now.toEpochMilli() + 1))))
                    .exclusiveStartKey(from).limit(limit - due.size()).build());
            for (Map<String, AttributeValue> item : response.items()) {
                PolicyAction action = fromJson(str(item, "action"), PolicyAction.class);
                // The index is read eventually consistent: one decided a moment ago is re-checked by its conditional update.
                if (PolicyAction.PENDING.equals(action.status())) {
                    due.add(action);
                }
            }
            if (response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty()) {
                break;
            }
            start = response.lastEvaluatedKey();
        }
        return Optional.of(due);
    }

    @Override
    public boolean createAction(String tenantId, PolicyAction action) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(actionItem(tenantId, action)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public Optional<PolicyAction> action(String tenantId, String actionId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.policyAction(actionId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromJson(str(item, "action"), PolicyAction.class));
    }

    @Override
    public Map<String, PolicyAction> actions(String tenantId, Collection<String> actionIds) {
        if (actionIds.size() > ACTIONS_PER_READ) {
            throw new IllegalArgumentException("at most " + ACTIONS_PER_READ + " action ids a read");
        }
        Map<String, PolicyAction> found = new HashMap<>();
        if (actionIds.isEmpty()) {
            return found;
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                .keys(actionIds.stream().distinct().map(id -> key(tenantId, TableKeys.policyAction(id))).toList())
                .projectionExpression("#action").expressionAttributeNames(Map.of("#action", "action")).build());
        for (int attempt = 0; request != null && !request.isEmpty(); attempt++) {
            if (attempt > 8) {
                throw new IllegalStateException("DynamoDB kept unprocessed keys");
            }
            Map<String, KeysAndAttributes> current = request;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(current));
            response.responses().getOrDefault(table, List.of()).forEach(item -> {
                PolicyAction action = fromJson(str(item, "action"), PolicyAction.class);
                found.put(action.id(), action);
            });
            request = response.unprocessedKeys();
        }
        return found;
    }

    @Override
    public boolean updateAction(String tenantId, PolicyAction action, String expectedStatus) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(actionItem(tenantId, action)).conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":expected", s(expectedStatus))));
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** Up to 100 conditional puts in one transaction; when one condition fails (decided meanwhile), one by one. */
    @Override
    public Set<String> updateActions(String tenantId, List<PolicyAction> actions, String expectedStatus) {
        if (actions.size() > ACTIONS_PER_READ) {
            throw new IllegalArgumentException("at most " + ACTIONS_PER_READ + " actions a call");
        }
        Set<String> moved = new java.util.LinkedHashSet<>();
        if (actions.isEmpty()) {
            return moved;
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(actions.stream().map(action -> TransactWriteItem.builder().put(p -> p
                    .tableName(table).item(actionItem(tenantId, action)).conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":expected", s(expectedStatus)))).build()).toList()));
            actions.forEach(a -> moved.add(a.id()));
        } catch (TransactionCanceledException oneMoved) {
            actions.stream().filter(a -> updateAction(tenantId, a, expectedStatus)).forEach(a -> moved.add(a.id()));
        }
        return moved;
    }

    @Override
    public Optional<BulkApproval> bulkApproval(String tenantId, String key, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, TableKeys.policyBulkApproval(key)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        BulkApproval approval = fromJson(str(item, "approval"), BulkApproval.class);
        // TTL deletes late: an expired key is free.
        return approval.expiresAt().isAfter(now) ? Optional.of(approval) : Optional.empty();
    }

    @Override
    public boolean createBulkApproval(String tenantId, BulkApproval approval, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.policyBulkApproval(approval.key())));
        item.put("kind", s("policy-bulk-approval"));
        item.put("approval", s(toJson(approval)));
        item.put("expiresAt", n(approval.expiresAt().getEpochSecond()));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        }
    }

    /**
     * By status: one range of the status index (and of one policy's part of it), about the page read. Without a status,
     * or for a tenant whose older actions are not all in the index yet ({@link #indexStoredActions}), the partition's
     * actions filtered as before. Positions: {@code <policyId>#<actionId>} in the index, {@code <actionId>} otherwise;
     * either is accepted by both reads, so a listing that spans the tenant's migration continues.
     */
    @Override
    public Page<PolicyAction> actions(String tenantId, String status, String policyId, String after, int limit) {
        if (status != null && indexed(tenantId)) {
            return byStatus(tenantId, status, policyId, after, limit);
        }
        return filtered(tenantId, status, policyId, after == null ? null : actionIdOf(after), limit);
    }

    private Page<PolicyAction> byStatus(String tenantId, String status, String policyId, String after, int limit) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(TableKeys.actionsByStatus(tenantId, status))));
        String condition = TableKeys.ACTIONS_PK + " = :pk";
        if (policyId != null) {
            condition += " AND begins_with(" + TableKeys.ACTIONS_SK + ", :policy)";
            values.put(":policy", s(TableKeys.actionsSortKey(policyId, "")));
        }
        Map<String, AttributeValue> start = after == null ? null : indexStart(tenantId, status, policyId, after);
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TableKeys.ACTIONS_INDEX)
                // One past the page: a next page is promised only when it holds something.
                .keyConditionExpression(condition).expressionAttributeValues(values).exclusiveStartKey(start).limit(limit + 1).build());
        List<PolicyAction> found = response.items().stream().limit(limit).map(item -> fromJson(str(item, "action"), PolicyAction.class)).toList();
        return new Page<>(found, response.items().size() > limit ? str(response.items().get(limit - 1), TableKeys.ACTIONS_SK) : null);
    }

    /** The index position after {@code after}; a bare action id (from the read before the index) is looked up once. */
    private Map<String, AttributeValue> indexStart(String tenantId, String status, String policyId, String after) {
        String actionId = actionIdOf(after);
        String sortKey = after.contains(TableKeys.SEPARATOR) ? after
                : action(tenantId, actionId).map(a -> TableKeys.actionsSortKey(a.policyId(), a.id(), a.jobId())).orElse(null);
        if (sortKey == null || (policyId != null && !sortKey.startsWith(TableKeys.actionsSortKey(policyId, "")))) {
            return null; // not a position of this listing: from its start
        }
        return Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)), TableKeys.SK, s(TableKeys.policyAction(actionId)),
                TableKeys.ACTIONS_PK, s(TableKeys.actionsByStatus(tenantId, status)), TableKeys.ACTIONS_SK, s(sortKey));
    }

    private static String actionIdOf(String position) {
        return position.substring(position.lastIndexOf(TableKeys.SEPARATOR) + 1);
    }

    /** The partition's actions in id order, filtered: reads every action the tenant has up to the page's end. */
    private Page<PolicyAction> filtered(String tenantId, String status, String policyId, String after, int limit) {
        List<String> filters = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", s(TableKeys.tenant(tenantId)),
                ":prefix", s(TableKeys.POLICY_ACTION_PREFIX)));
        if (status != null) {
            filters.add("#status = :status");
            names.put("#status", "status");
            values.put(":status", s(status));
        }
        if (policyId != null) {
            filters.add("policyId = :policyId AND attribute_not_exists(jobId)");
            values.put(":policyId", s(policyId));
        }
        List<PolicyAction> found = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : key(tenantId, TableKeys.policyAction(after));
        for (int pages = 0; pages < MAX_QUERY_PAGES; pages++) {
            Map<String, AttributeValue> from = start;
            QueryRequest.Builder request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)").expressionAttributeValues(values)
                    .exclusiveStartKey(from).limit(limit - found.size() + 1);
            if (!filters.isEmpty()) {
                request.filterExpression(String.join(" AND ", filters));
            }
            if (!names.isEmpty()) {
                request.expressionAttributeNames(names);
            }
            QueryResponse response = dynamo.query(request.build());
            for (Map<String, AttributeValue> item : response.items()) {
                if (found.size() == limit) {
                    return new Page<>(found, found.get(found.size() - 1).id());
                }
                found.add(fromJson(str(item, "action"), PolicyAction.class));
            }
            if (response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty()) {
                return new Page<>(found, null);
            }
            start = response.lastEvaluatedKey();
        }
        // Filtered pages ran long: continue after the last item read, matched or not.
        return new Page<>(found, str(start, TableKeys.SK).substring(TableKeys.POLICY_ACTION_PREFIX.length()));
    }

    /** Whether the tenant's actions are all in the status index; once true it stays true, so it is read once per instance. */
    private boolean indexed(String tenantId) {
        return walkDone(tenantId, "done", indexedTenants);
    }

    /** Whether the tenant's pending actions are all in the due-date index; as {@link #indexed}, remembered once true. */
    private boolean dueIndexReady(String tenantId) {
        return walkDone(tenantId, "dueDone", dueIndexedTenants);
    }

    /** The walk's {@code flag} on the tenant's index state, remembered in {@code known} once true (it never goes back). */
    private boolean walkDone(String tenantId, String flag, Set<String> known) {
        if (known.contains(tenantId)) {
            return true;
        }
        boolean done = flag(indexState(tenantId, false), flag);
        if (done) {
            known.add(tenantId);
        }
        return done;
    }

    private Map<String, AttributeValue> indexState(String tenantId, boolean consistent) {
        Map<String, AttributeValue> state = dynamo.getItem(r -> r.tableName(table).consistentRead(consistent)
                .key(key(tenantId, TableKeys.POLICY_ACTION_INDEX_STATE))).item();
        return state == null ? Map.of() : state;
    }

    private static boolean flag(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) && Boolean.TRUE.equals(item.get(name).bool());
    }

    /**
     * Adds the status index's attributes, and the due-date index's to a pending action with a due date, to actions
     * written before them, {@link #INDEX_WALK_PAGE} actions a call, from where the last call stopped (kept in the
     * tenant's index state item), then marks the tenant indexed ({@code done}: status, {@code dueDone}: due date). A
     * tenant walked for the status index alone ({@code done} without {@code dueWalk}) is walked once more from the start
     * for the due dates. Each item is updated only while it lacks the attributes and keeps the status read, so an action
     * decided meanwhile (written whole, with its attributes) is never moved back.
     */
    @Override
    public boolean indexStoredActions(String tenantId) {
        if (indexed(tenantId) && dueIndexReady(tenantId)) {
            return true;
        }
        Map<String, AttributeValue> state = indexState(tenantId, true);
        boolean statusDone = flag(state, "done");
        // A walk begun before the due-date index covered only the status index: the due dates start from the beginning.
        String from = flag(state, "dueWalk") ? str(state, "after") : null;
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(TableKeys.tenant(tenantId)), ":prefix", s(TableKeys.POLICY_ACTION_PREFIX)))
                .exclusiveStartKey(from == null ? null : key(tenantId, from)).limit(INDEX_WALK_PAGE).build());
        for (Map<String, AttributeValue> item : response.items()) {
            bringIntoIndexes(tenantId, item);
        }
        boolean done = response.lastEvaluatedKey() == null || response.lastEvaluatedKey().isEmpty();
        Map<String, AttributeValue> next = new HashMap<>(key(tenantId, TableKeys.POLICY_ACTION_INDEX_STATE));
        next.put("kind", s("policy-action-index"));
        next.put("done", AttributeValue.fromBool(statusDone || done));
        next.put("dueDone", AttributeValue.fromBool(done));
        next.put("dueWalk", AttributeValue.fromBool(true));
        if (!done) {
            next.put("after", s(str(response.lastEvaluatedKey(), TableKeys.SK)));
        }
        dynamo.putItem(r -> r.tableName(table).item(next));
        if (statusDone || done) {
            indexedTenants.add(tenantId);
        }
        if (done) {
            dueIndexedTenants.add(tenantId);
        }
        return done;
    }

    /** Sets the index attributes a stored action lacks, only while it still lacks them and keeps the status read. */
    private void bringIntoIndexes(String tenantId, Map<String, AttributeValue> item) {
        String sk = str(item, TableKeys.SK);
        String status = str(item, "status");
        String actionId = sk.substring(TableKeys.POLICY_ACTION_PREFIX.length());
        List<String> sets = new ArrayList<>();
        List<String> conditions = new ArrayList<>(List.of("#status = :status"));
        Map<String, String> names = new HashMap<>(Map.of("#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":status", s(status)));
        if (!item.containsKey(TableKeys.ACTIONS_PK)) {
            sets.add("#apk = :apk, #ask = :ask");
            conditions.add("attribute_not_exists(#apk)");
            names.put("#apk", TableKeys.ACTIONS_PK);
            names.put("#ask", TableKeys.ACTIONS_SK);
            values.put(":apk", s(TableKeys.actionsByStatus(tenantId, status)));
            values.put(":ask", s(TableKeys.actionsSortKey(str(item, "policyId"), actionId)));
        }
        if (!item.containsKey(TableKeys.DUE_PK) && PolicyAction.PENDING.equals(status)) {
            PolicyAction action = fromJson(str(item, "action"), PolicyAction.class);
            if (dueIndexed(action)) {
                sets.add("#dpk = :dpk, #dsk = :dsk");
                conditions.add("attribute_not_exists(#dpk)");
                names.put("#dpk", TableKeys.DUE_PK);
                names.put("#dsk", TableKeys.DUE_SK);
                values.put(":dpk", s(TableKeys.actionsDue(tenantId, action.policyId())));
                values.put(":dsk", s(TableKeys.dueSortKey(action.dueAt().toEpochMilli(), action.id())));
            }
        }
        if (sets.isEmpty()) {
            return;
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(tenantId, sk)).updateExpression("SET " + String.join(", ", sets))
                    .conditionExpression(String.join(" AND ", conditions)).expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException movedMeanwhile) {
            // Rewritten whole by a decision since it was read: it carries the attributes already.
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T fromJson(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored policy item could not be read", e);
        }
    }
}
