package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoConnectedIntegrations;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncDispatcher;
import java.util.Map;

/** Invoked by the 15-minute schedule: publishes one sync request per tenant and connected integration. */
public final class SyncDispatchHandler implements RequestHandler<ScheduledEvent, Map<String, Long>> {
    private static final Log LOG = Log.of(SyncDispatchHandler.class);
    private final SyncDispatcher dispatcher;

    public SyncDispatchHandler() {
        this(Env.system());
    }

    public SyncDispatchHandler(Env env) {
        this(new SyncDispatcher(
                new DynamoConnectedIntegrations(AwsClients.dynamoDb(), env.required("TABLE_NAME")),
                new EventBridgeSyncRequester(AwsClients.eventBridge(), env.required("EVENT_BUS_NAME"))));
    }

    public SyncDispatchHandler(SyncDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Map<String, Long> handleRequest(ScheduledEvent event, Context context) {
        Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null, "*");
        try {
            SyncDispatcher.Dispatched result = dispatcher.dispatch("schedule");
            LOG.info("sync dispatched", "integrations", result.integrationsRead(), "requests", result.requestsPublished());
            return Map.of("integrations", result.integrationsRead(), "requests", result.requestsPublished());
        } finally {
            Log.clearContext();
        }
    }
}
