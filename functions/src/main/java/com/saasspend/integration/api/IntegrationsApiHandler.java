package com.saasspend.integration.api;

import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.domain.IntegrationOverview;
import com.saasspend.integration.domain.IntegrationStore;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;

/** Settings &gt; Integrations: the HttpApi routes under /integrations. */
public final class IntegrationsApiHandler extends HttpApiHandler {

    /** Lambda's entry point: wires the real adapters once per instance. */
    public IntegrationsApiHandler() {
        this(Env.system(), new DynamoIntegrationStore(AwsClients.dynamoDb(), Env.system().required("TABLE_NAME")),
                Clock.systemUTC());
    }

    public IntegrationsApiHandler(Env env, IntegrationStore store, Clock clock) {
        super(env.optional("TENANT_CLAIM", "tenant_id"), Map.of(
                "GET /integrations", request -> ApiResponse.json(200,
                        IntegrationOverview.of(store.list(request.tenantId()), LocalDate.now(clock)))));
    }
}
