package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.saasspend.integration.atlassian.AtlassianTraffic;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one sync of one tenant's Jira, Confluence, Trello or Bitbucket integration, invoked by the bus rules for
 * {@code IntegrationSyncRequested} events whose {@code detail.integration} names that product. Near the invocation's
 * time limit the sync saves its place and this handler asks for a continuation event.
 */
public final class ProductSyncHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(ProductSyncHandler.class);
    /** Stop listing when less than this is left: one more page, or one big group's members, fits in it. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(60);

    private final SyncRuns runs;
    private final Clock clock;

    public ProductSyncHandler() {
        this(Services.fromEnvironment());
    }

    public ProductSyncHandler(Services services) {
        this(services.productSyncRuns(), services.clock());
    }

    public ProductSyncHandler(SyncRuns runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Optional<SyncRequest> request = SyncEvents.productRequest(event);
        Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null,
                request.map(SyncRequest::tenantId).orElse(null));
        if (request.isEmpty()) {
            LOG.warn("ignored an event that is not a product sync request",
                    "detailType", String.valueOf(event == null ? null : event.get("detail-type")));
            Log.clearContext();
            return Map.of("outcome", "ignored");
        }
        SyncRequest product = request.get();
        if (product.correlationId() != null) {
            Log.put("correlationId", product.correlationId());
        }
        InvocationDeadline.enter(context);
        AtlassianTraffic.reset();
        try {
            LOG.info("product sync request received", "integration", product.type().id(), "reason", product.reason());
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis();
            SyncRuns.Done done;
            try {
                done = runs.product(product, budget);
            } catch (RuntimeException internal) {
                SyncReport.emit(product.type(), false, null, SyncReport.INTERNAL, null, clock);
                LOG.error("product sync stopped on an internal error; raising so Lambda retries it", internal);
                throw internal;
            }
            SyncReport.after(product, done.result(), clock);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("outcome", done.outcome());
            answer.put("integration", product.type().id());
            SyncRunRecord run = done.result().run();
            if (run != null) {
                answer.put("members", run.users());
                answer.put("membersWritten", run.usersWritten());
                answer.put("groups", run.groups());
                answer.put("groupsWritten", run.groupsWritten());
                answer.put("removed", run.removed());
                answer.put("apiCalls", run.apiCalls());
            }
            return answer;
        } finally {
            Log.clearContext();
            InvocationDeadline.clear();
        }
    }
}
