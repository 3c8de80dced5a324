package com.saasspend.integration.api;

import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.wiring.Services;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.function.Function;

/** Reclaim: the HttpApi routes under /reclaims and a user's access groups. Parsing here, decisions in the service. */
public final class ReclaimApiHandler extends HttpApiHandler {

    /** Lambda's entry point: wires the real adapters once per instance (and once per SnapStart snapshot). */
    public ReclaimApiHandler() {
        this(Services.fromEnvironment());
    }

    /** The function as the composition root builds it, with its SnapStart priming registered. */
    public ReclaimApiHandler(Services services) {
        this(services.env(), services.reclaimService());
        SnapStartPriming.reclaims(this, services);
    }

    public ReclaimApiHandler(Env env, ReclaimService service) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), routes(service));
    }

    /** One EMF line per group result (removed, refused, failed, not_attempted; on undo restored, ...): dashboard. */
    static void countGroupResults(List<ReclaimRecord.GroupResult> groups) {
        groups.stream().collect(Collectors.groupingBy(ReclaimRecord.GroupResult::result, TreeMap::new, Collectors.counting()))
                .forEach((outcome, count) -> Metrics.by("Outcome", outcome).count("ReclaimGroupResults", count).emit());
    }

    private static Map<String, Function<ApiRequest, ApiResponse>> routes(ReclaimService service) {
        return Map.of(
                "GET /users/{accountId}/access-groups", request -> {
                    String accountId = ReclaimRequests.accountIdPath(request);
                    return ApiResponse.json(200, Map.of("accountId", accountId,
                            "groups", service.accessGroups(request.tenantId(), accountId)));
                },
                "POST /reclaims/plan", request -> ApiResponse.json(200,
                        service.plan(request.tenantId(), ReclaimRequests.parse(JsonBodies.object(request)))),
                "POST /reclaims", request -> {
                    String key = ReclaimRequests.idempotencyKey(request);
                    ReclaimService.Answer answer = service.reclaim(request.tenantId(), request.actor(), key,
                            ReclaimRequests.parse(JsonBodies.object(request)));
                    ApiResponse response = ApiResponse.json(201, answer.record())
                            .withHeader("Location", "/reclaims/" + answer.record().id());
                    if (!answer.replayed()) {
                        countGroupResults(answer.record().groups());
                    }
                    return answer.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
                },
                "POST /reclaims/{id}/undo", request -> {
                    ReclaimRecord undone = service.undo(request.tenantId(), request.actor(), request.path("id"));
                    if (undone.undo() != null) {
                        countGroupResults(undone.undo().groups());
                    }
                    return ApiResponse.json(200, undone);
                },
                "GET /reclaims", request -> {
                    QueryParameters query = new QueryParameters(request, java.util.Set.of("cursor", "limit"));
                    String cursor = query.text("cursor", 2048);
                    Integer limit = query.integer("limit", 1, ReclaimRequests.MAX_LIMIT, ReclaimRequests.DEFAULT_LIMIT);
                    query.check();
                    Page<ReclaimRecord> page = service.list(request.tenantId(), cursor, limit);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("reclaims", page.items());
                    body.put("nextCursor", page.nextCursor());
                    return ApiResponse.json(200, body);
                },
                "GET /reclaims/{id}", request -> ApiResponse.json(200, service.find(request.tenantId(), request.path("id"))));
    }
}
