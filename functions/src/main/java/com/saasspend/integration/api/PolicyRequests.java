package com.saasspend.integration.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyBulkApprovals;
import com.saasspend.integration.domain.policies.PolicyDraft;
import com.saasspend.integration.domain.policies.PolicyService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The reclaim policy routes (served by ReclaimApiFunction): policies, their preview, the actions and the admin's
 * decisions. Bodies are checked for shape here (unknown fields, types); what a valid policy is, the domain decides.
 */
final class PolicyRequests {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Set<String> FIELDS = Set.of("name", "products", "condition", "excludeGroupIds", "excludeAccountIds", "mode",
            "graceDays", "maxReclaimsPerRun", "paused");

    private PolicyRequests() {}

    static Map<String, Function<ApiRequest, ApiResponse>> routes(PolicyService service, PolicyBulkApprovals bulk) {
        Map<String, Function<ApiRequest, ApiResponse>> routes = new LinkedHashMap<>();
        routes.put("GET /policies", request -> ApiResponse.json(200, Map.of("policies", service.list(request.tenantId()))));
        routes.put("POST /policies", request -> {
            var created = service.create(request.tenantId(), parse(JsonBodies.object(request)));
            return ApiResponse.json(201, created).withHeader("Location", "/policies/" + created.id());
        });
        routes.put("GET /policies/{id}", request -> ApiResponse.json(200, service.get(request.tenantId(), request.path("id"))));
        routes.put("PUT /policies/{id}", request -> ApiResponse.json(200,
                service.update(request.tenantId(), request.path("id"), parse(JsonBodies.object(request)))));
        routes.put("DELETE /policies/{id}", request -> {
            service.delete(request.tenantId(), request.path("id"), request.actor());
            return ApiResponse.noContent();
        });
        routes.put("POST /policies/{id}/preview", request -> ApiResponse.json(200, service.preview(request.tenantId(), request.path("id"))));
        routes.put("GET /policy-actions", request -> {
            QueryParameters query = new QueryParameters(request, Set.of("status", "cursor", "limit"));
            String status = query.text("status", 20);
            String cursor = query.text("cursor", 600);
            Integer limit = query.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
            query.check();
            String after = PageCursors.decode(cursor);
            if (after != null && !PolicyAction.wellFormedPosition(after)) {
                throw ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API handed out; start again without it.");
            }
            Page<PolicyAction> page = service.actions(request.tenantId(), status, after, limit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("actions", page.items());
            body.put("nextCursor", PageCursors.encode(page.nextCursor()));
            return ApiResponse.json(200, body);
        });
        routes.put("POST /policy-actions/{id}/approve", request -> ApiResponse.json(200,
                service.approve(request.tenantId(), request.actor(), request.path("id"))));
        routes.put("POST /policy-actions/{id}/reject", request -> ApiResponse.json(200,
                service.reject(request.tenantId(), request.actor(), request.path("id"))));
        routes.put("POST /policy-actions/approve", request -> {
            String key = ReclaimRequests.idempotencyKey(request);
            PolicyBulkApprovals.Approved approved = bulk.approve(request.tenantId(), request.actor(), key,
                    parseBulk(JsonBodies.object(request)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("job", ReclaimJobRequests.body(approved.job(), null));
            body.put("actionsApproved", approved.approved());
            body.put("actionsCancelled", approved.cancelled());
            ApiResponse response = ApiResponse.json(202, body).withHeader("Location", "/reclaim-jobs/" + approved.job().id());
            return approved.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
        });
        return routes;
    }

    private static final Set<String> BULK_FIELDS = Set.of("actionIds", "policyId", "status", "productKey");

    /** Either {"actionIds": [...]} or {"policyId": ..., "status": "pending", "productKey"?}; shapes only, the domain decides the rest. */
    static PolicyBulkApprovals.Request parseBulk(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!BULK_FIELDS.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "is not a field here; expected one of " + String.join(", ",
                        BULK_FIELDS.stream().sorted().toList())));
            }
        });
        boolean byIds = body.hasNonNull("actionIds");
        boolean byPolicy = body.hasNonNull("policyId");
        List<String> actionIds = null;
        if (byIds == byPolicy) {
            errors.add(new ApiProblem.FieldError(byIds ? "policyId" : "actionIds",
                    "give either actionIds (1 to " + PolicyBulkApprovals.MAX_ACTIONS + ") or policyId with status pending, not "
                            + (byIds ? "both" : "neither")));
        } else if (byIds) {
            JsonNode ids = body.get("actionIds");
            if (!ids.isArray() || ids.isEmpty() || ids.size() > PolicyBulkApprovals.MAX_ACTIONS) {
                errors.add(new ApiProblem.FieldError("actionIds", "must be a list of 1 to " + PolicyBulkApprovals.MAX_ACTIONS + " action ids"));
            } else {
                actionIds = new ArrayList<>();
                for (int i = 0; i < ids.size() && errors.size() <= 20; i++) {
                    if (!ids.get(i).isTextual() || !PolicyAction.wellFormed(ids.get(i).textValue())) {
                        errors.add(new ApiProblem.FieldError("actionIds[" + i + "]", "is not a policy action id (pa-...)"));
                    } else {
                        actionIds.add(ids.get(i).textValue());
                    }
                }
            }
            for (String onlyWithPolicy : List.of("status", "productKey")) {
                if (body.hasNonNull(onlyWithPolicy)) {
                    errors.add(new ApiProblem.FieldError(onlyWithPolicy, "goes with policyId, not with actionIds"));
                }
            }
        }
        String policyId = byPolicy ? text(body, "policyId", "policyId", errors) : null;
        String status = byPolicy ? text(body, "status", "status", errors) : null;
        String productKey = byPolicy ? text(body, "productKey", "productKey", errors) : null;
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new PolicyBulkApprovals.Request(actionIds, policyId, byPolicy && status == null ? PolicyAction.PENDING : status, productKey);
    }

    static PolicyDraft parse(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "is not a policy field; expected one of " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        });
        JsonNode condition = body.get("condition");
        String conditionType = null;
        Integer days = null;
        if (condition != null && !condition.isNull()) {
            if (!condition.isObject()) {
                errors.add(new ApiProblem.FieldError("condition", "must be an object: {\"type\": \"inactive\" or \"never_used\", \"days\": N}"));
            } else {
                condition.fieldNames().forEachRemaining(name -> {
                    if (!Set.of("type", "days").contains(name)) {
                        errors.add(new ApiProblem.FieldError("condition." + name, "is not a condition field; expected type, days"));
                    }
                });
                conditionType = text(condition, "type", "condition.type", errors);
                days = integer(condition, "days", "condition.days", errors);
            }
        }
        Boolean paused = null;
        JsonNode pausedNode = body.get("paused");
        if (pausedNode != null && !pausedNode.isNull()) {
            if (pausedNode.isBoolean()) {
                paused = pausedNode.booleanValue();
            } else {
                errors.add(new ApiProblem.FieldError("paused", "must be true or false"));
            }
        }
        PolicyDraft draft = new PolicyDraft(text(body, "name", "name", errors), texts(body, "products", errors), conditionType, days,
                texts(body, "excludeGroupIds", errors), texts(body, "excludeAccountIds", errors), text(body, "mode", "mode", errors),
                integer(body, "graceDays", "graceDays", errors), integer(body, "maxReclaimsPerRun", "maxReclaimsPerRun", errors), paused);
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return draft;
    }

    private static String text(JsonNode node, String name, String field, List<ApiProblem.FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().length() > 200) {
            errors.add(new ApiProblem.FieldError(field, "must be text of at most 200 characters"));
            return null;
        }
        return value.textValue();
    }

    private static Integer integer(JsonNode node, String name, String field, List<ApiProblem.FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            errors.add(new ApiProblem.FieldError(field, "must be a whole number"));
            return null;
        }
        return value.intValue();
    }

    private static List<String> texts(JsonNode node, String name, List<ApiProblem.FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        // Bounded before the domain looks at it: the rules refuse more than their limits anyway.
        if (!value.isArray() || value.size() > 1_000) {
            errors.add(new ApiProblem.FieldError(name, "must be an array of at most 1000 strings"));
            return null;
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                errors.add(new ApiProblem.FieldError(name, "must hold strings only"));
                return null;
            }
            items.add(item.textValue());
        }
        return items;
    }
}
