package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyRules;
import com.saasspend.integration.domain.policies.PolicyStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code TENANT#t / POLICY#<id>} (the policy as JSON, its version, the last evaluation apart so an evaluation never
 * races an edit) and {@code TENANT#t / POLICYACTION#<id>} (the action as JSON, its status and policy as attributes for
 * the conditions and filters). Actions are created with {@code attribute_not_exists} and change status only from the
 * status read.
 */
public final class DynamoPolicyStore implements PolicyStore {
    /** Query pages read at most to fill one page of filtered actions. */
    private static final int MAX_QUERY_PAGES = 20;

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

    private static Map<String, AttributeValue> actionItem(String tenantId, PolicyAction action) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, TableKeys.policyAction(action.id())));
        item.put("kind", s("policy-action"));
        item.put("status", s(action.status()));
        item.put("policyId", s(action.policyId()));
        item.put("action", s(toJson(action)));
        return item;
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

    @Override
    public Page<PolicyAction> actions(String tenantId, String status, String policyId, String after, int limit) {
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
            filters.add("policyId = :policyId");
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
