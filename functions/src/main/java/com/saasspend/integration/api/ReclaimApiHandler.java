package com.saasspend.integration.api;

import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Reclaim: the HttpApi routes under /reclaims and a user's access groups. Parsing here, decisions in the service. */
public final class ReclaimApiHandler extends HttpApiHandler {

    /** Lambda's entry point: wires the real adapters once per instance (and once per SnapStart snapshot). */
    public ReclaimApiHandler() {
        this(Services.fromEnvironment());
    }

    /** The function as the composition root builds it, with its SnapStart priming registered. */
    public ReclaimApiHandler(Services services) {
        this(services, services.reclaimService());
    }

    private ReclaimApiHandler(Services services, ReclaimService service) {
        this(services, service, memoized(() -> services.reclaimJobService(service)));
    }

    private ReclaimApiHandler(Services services, ReclaimService service, Supplier<ReclaimJobService> jobs) {
        super(services.tenantClaim(), withPolicies(routes(service, jobs), services.policyService(service),
                services.policyBulkApprovals(service, jobs)));
        SnapStartPriming.reclaims(this, services);
    }

    /** The single-user reclaim with the jobs wired on first use (callers that never start a job need no jobs queue). */
    public ReclaimApiHandler(Env env, ReclaimService service) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), routes(service, memoized(() -> Services.of(env, Clock.systemUTC()).reclaimJobService(service))));
    }

    public ReclaimApiHandler(Env env, ReclaimService service, ReclaimJobService jobs) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), routes(service, () -> jobs));
    }

    /** The reclaim policy routes (policies, preview, actions and their approval) beside the reclaim routes. */
    private static Map<String, Function<ApiRequest, ApiResponse>> withPolicies(Map<String, Function<ApiRequest, ApiResponse>> routes,
                                                                               com.saasspend.integration.domain.policies.PolicyService policies,
                                                                               com.saasspend.integration.domain.policies.PolicyBulkApprovals bulk) {
        Map<String, Function<ApiRequest, ApiResponse>> all = new HashMap<>(routes);
        all.putAll(PolicyRequests.routes(policies, bulk));
        return all;
    }

    /** Built on first use: a function instance that never serves a job route never builds the jobs' queue client. */
    private static <T> Supplier<T> memoized(Supplier<T> make) {
        AtomicReference<T> made = new AtomicReference<>();
        return () -> made.updateAndGet(existing -> existing != null ? existing : make.get());
    }

    /** One EMF line per group result (removed, refused, failed, not_attempted; on undo restored, ...): dashboard. */
    static void countGroupResults(List<ReclaimRecord.GroupResult> groups) {
        groups.stream().collect(Collectors.groupingBy(ReclaimRecord.GroupResult::result, TreeMap::new, Collectors.counting()))
                .forEach((outcome, count) -> Metrics.by("Outcome", outcome).count("ReclaimGroupResults", count).emit());
    }

    private static Map<String, Function<ApiRequest, ApiResponse>> routes(ReclaimService service, Supplier<ReclaimJobService> jobs) {
        Map<String, Function<ApiRequest, ApiResponse>> routes = new HashMap<>(jobRoutes(jobs));
        routes.putAll(Map.of(
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
                "GET /reclaims/{id}", request -> ApiResponse.json(200, service.find(request.tenantId(), request.path("id")))));
        return routes;
    }

    /** Bulk reclaim: plan, start (Idempotency-Key), status with results, cancel, undo, list. */
    private static Map<String, Function<ApiRequest, ApiResponse>> jobRoutes(Supplier<ReclaimJobService> jobs) {
        return Map.of(
                "POST /reclaim-jobs/plan", request -> ApiResponse.json(200,
                        jobs.get().plan(request.tenantId(), ReclaimJobRequests.parsePlan(JsonBodies.object(request)))),
                "POST /reclaim-jobs", request -> {
                    String key = ReclaimRequests.idempotencyKey(request);
                    ReclaimJobService.Started started = jobs.get().start(request.tenantId(), request.actor(), key,
                            ReclaimJobRequests.parseStart(JsonBodies.object(request)));
                    return started(started);
                },
                "GET /reclaim-jobs/{id}", request -> {
                    QueryParameters query = new QueryParameters(request, java.util.Set.of("cursor", "limit"));
                    String cursor = query.text("cursor", 600);
                    Integer limit = query.integer("limit", 1, ReclaimRequests.MAX_LIMIT, ReclaimRequests.DEFAULT_LIMIT);
                    query.check();
                    return ApiResponse.json(200, ReclaimJobRequests.view(jobs.get().find(request.tenantId(), request.path("id"),
                            PageCursors.decode(cursor), limit)));
                },
                "POST /reclaim-jobs/{id}/cancel", request -> ApiResponse.json(200,
                        ReclaimJobRequests.body(jobs.get().cancel(request.tenantId(), request.path("id")), null)),
                "POST /reclaim-jobs/{id}/undo", request -> started(jobs.get().undo(request.tenantId(), request.actor(), request.path("id"))),
                "GET /reclaim-jobs", request -> {
                    QueryParameters query = new QueryParameters(request, java.util.Set.of("cursor", "limit"));
                    String cursor = query.text("cursor", 600);
                    Integer limit = query.integer("limit", 1, ReclaimRequests.MAX_LIMIT, ReclaimRequests.DEFAULT_LIMIT);
                    query.check();
                    String after = PageCursors.decode(cursor);
                    if (after != null && !ReclaimJob.wellFormed(after)) {
                        throw ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API handed out; start again without it.");
                    }
                    Page<ReclaimJob> page = jobs.get().list(request.tenantId(), after, limit);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("jobs", page.items().stream().map(j -> ReclaimJobRequests.body(j, null)).toList());
                    body.put("nextCursor", PageCursors.encode(page.nextCursor()));
                    return ApiResponse.json(200, body);
                });
    }

    /** 202: the job runs on the queue; its URL says where to follow it. */
    private static ApiResponse started(ReclaimJobService.Started started) {
        ApiResponse response = ApiResponse.json(202, ReclaimJobRequests.body(started.job(), null))
                .withHeader("Location", "/reclaim-jobs/" + started.job().id());
        return started.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
    }
}
