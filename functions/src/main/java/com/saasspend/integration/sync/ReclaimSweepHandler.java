package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.reclaim.ReclaimService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.wiring.Services;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The reclaim sweep: on the scheduled Atlassian sync request of a tenant (one per tenant every 15 minutes, from the
 * dispatcher), finishes that tenant's interrupted reclaims and undos from Atlassian's truth. A bounded batch per
 * invocation, within the invocation's time; what is left waits for the next tick.
 */
public final class ReclaimSweepHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(ReclaimSweepHandler.class);
    /** Records finished per invocation at most: each is at most 20 groups, one Atlassian call each plus a read. */
    static final int BATCH = 10;
    /** Stop taking a new record when less than this is left: one record's calls fit in it. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(30);

    private final ReclaimService service;

    public ReclaimSweepHandler() {
        this(Services.fromEnvironment());
    }

    public ReclaimSweepHandler(Services services) {
        this(services.reclaimService());
    }

    public ReclaimSweepHandler(ReclaimService service) {
        this.service = service;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Optional<SyncRequest> request = SyncEvents.parse(event);
        // Targeted re-syncs (accountIds) and continuations come from runs that are alive; the schedule's ticks suffice.
        if (request.isEmpty() || !request.get().orgTick()) {
            return Map.of("outcome", "ignored");
        }
        String tenantId = request.get().tenantId();
        Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null, tenantId);
        if (request.get().correlationId() != null) {
            Log.put("correlationId", request.get().correlationId());
        }
        try {
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis();
            int settled = service.sweep(tenantId, BATCH, budget);
            if (settled > 0) {
                LOG.info("interrupted reclaims finished", "settled", settled);
            }
            return Map.of("outcome", "swept", "settled", settled);
        } finally {
            Log.clearContext();
        }
    }
}
