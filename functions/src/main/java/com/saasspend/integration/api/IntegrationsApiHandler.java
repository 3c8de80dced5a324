package com.saasspend.integration.api;

import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationService;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.wiring.Services;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Settings &gt; Integrations: the HttpApi routes under /integrations. Parsing here, decisions in the service. */
public final class IntegrationsApiHandler extends HttpApiHandler {
    static final String CONNECT = "POST /integrations/{type}";

    /** Lambda's entry point: wires the real adapters once per instance (and once per SnapStart snapshot). */
    public IntegrationsApiHandler() {
        this(Services.fromEnvironment());
    }

    /** The function as the composition root builds it, with its SnapStart priming registered. */
    public IntegrationsApiHandler(Services services) {
        this(services.env(), services.integrationService());
        SnapStartPriming.integrations(this, services);
    }

    public IntegrationsApiHandler(Env env, IntegrationService service) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), routes(service));
    }

    /** Connect refusals by code (dashboard): a wrong key, an org that is not found, an invalid body... */
    @Override
    protected void refused(String routeKey, String code) {
        if (CONNECT.equals(routeKey)) {
            Metrics.by("Code", code).count("ConnectRefusals", 1).emit();
        }
    }

    private static Map<String, java.util.function.Function<ApiRequest, ApiResponse>> routes(IntegrationService service) {
        return Map.of(
                "GET /integrations", request -> ApiResponse.json(200, service.overview(request.tenantId())),
                CONNECT, request -> {
                    IntegrationType type = type(request);
                    Credential credential = ConnectRequests.parse(type, JsonBodies.object(request));
                    IntegrationService.Connected result = service.connect(request.tenantId(), request.actor(), credential);
                    return ApiResponse.json(result.created() ? 201 : 200, view(result.integration()));
                },
                "PUT /integrations/{type}/credentials", request -> {
                    IntegrationType type = type(request);
                    Credential credential = ConnectRequests.parse(type, JsonBodies.object(request));
                    return ApiResponse.json(200, view(service.rotate(request.tenantId(), credential)));
                },
                "DELETE /integrations/{type}", request -> {
                    List<IntegrationType> removed = service.disconnect(request.tenantId(), type(request));
                    return ApiResponse.json(200, Map.of("disconnected", removed.stream().map(IntegrationType::id).toList()));
                },
                "POST /integrations/{type}/sync", request -> {
                    IntegrationType type = type(request);
                    QueryParameters query = new QueryParameters(request, java.util.Set.of("full"));
                    String full = query.oneOf("full", java.util.Set.of("true", "false"));
                    query.check();
                    service.requestSync(request.tenantId(), type, "true".equals(full));
                    return ApiResponse.json(202, Map.of("integration", type.id(), "sync", "requested"));
                });
    }

    private static IntegrationType type(ApiRequest request) {
        String id = request.path("type");
        return IntegrationType.fromId(id).orElseThrow(() -> ApiProblem.notFound("unknown_integration_type",
                "There is no integration type '" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                        + "'. Known types: atlassian, jira, confluence, trello, bitbucket."));
    }

    /** What the front end sees of a record: never the secret, nor the secret's name. */
    static Map<String, Object> view(Integration i) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", i.type().id());
        view.put("status", i.status().id());
        view.put("settings", i.settings());
        view.put("connectedAt", i.connectedAt());
        view.put("connectedBy", i.connectedBy());
        view.put("credentialExpiresOn", i.credentialExpiresOn());
        view.put("lastSuccessfulSyncAt", i.lastSuccessfulSyncAt());
        view.put("lastError", i.lastError());
        return view;
    }
}
