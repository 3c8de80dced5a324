package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncDispatcher;
import com.saasspend.integration.wiring.Services;
import java.util.Map;

/** Invoked by the 15-minute schedule: publishes one sync request per tenant and connected integration. */
public final class SyncDispatchHandler implements RequestHandler<ScheduledEvent, Map<String, Long>> {
    private static final Log LOG = Log.of(SyncDispatchHandler.class);
    private final SyncDispatcher dispatcher;

    public SyncDispatchHandler() {
        this(Services.fromEnvironment());
    }

    public SyncDispatchHandler(Services services) {
        this(services.syncDispatcher());
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
