package com.saasspend.integration.api;

import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.atlassian.AtlassianHttp;
import com.saasspend.integration.atlassian.OrgAdminClient;
import com.saasspend.integration.atlassian.RetrySettings;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoIdempotencyKeys;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.aws.DynamoReclaimAudit;
import com.saasspend.integration.aws.DynamoSavingsStore;
import com.saasspend.integration.aws.DynamoTenantSettingsStore;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.aws.SecretsManagerVault;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.reclaim.ReclaimRecord;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Reclaim: the HttpApi routes under /reclaims and a user's access groups. Parsing here, decisions in the service. */
public final class ReclaimApiHandler extends HttpApiHandler {

    /** Lambda's entry point: wires the real adapters once per instance (and once per SnapStart snapshot). */
    public ReclaimApiHandler() {
        this(Env.system(), Clock.systemUTC());
    }

    private ReclaimApiHandler(Env env, Clock clock) {
        this(env, wire(env, clock));
    }

    public ReclaimApiHandler(Env env, ReclaimService service) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), routes(service));
    }

    /** The production wiring, also used by the local stack and the integration tests with their own Env. */
    public static ReclaimService wire(Env env, Clock clock) {
        return wire(env, clock, UnaryOperator.identity());
    }

    /** The production wiring with the Atlassian client wrapped (tests: a run killed between two calls). */
    public static ReclaimService wire(Env env, Clock clock, UnaryOperator<AtlassianOrgApi> orgApi) {
        DynamoDbClient dynamo = AwsClients.dynamoDb();
        String table = env.required("TABLE_NAME");
        AtlassianHttp http = AtlassianHttp.create(RetrySettings.forApiRequests().withOverrides(env));
        return new ReclaimService(
                new DynamoIntegrationStore(dynamo, table),
                new SecretsManagerVault(AwsClients.secretsManager(), env.required("SECRET_NAME_PREFIX"), clock),
                orgApi.apply(new OrgAdminClient(http, AtlassianEndpoints.from(env))),
                new DynamoLicenseStore(dynamo, table),
                new DynamoReclaimAudit(dynamo, table),
                new DynamoIdempotencyKeys(dynamo, table),
                new DynamoTenantSettingsStore(dynamo, table),
                new EventBridgeSyncRequester(AwsClients.eventBridge(), env.required("EVENT_BUS_NAME")),
                new DynamoSavingsStore(dynamo, table),
                clock);
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
