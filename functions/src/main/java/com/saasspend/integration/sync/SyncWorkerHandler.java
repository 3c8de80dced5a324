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
 * Runs one sync of one tenant's Atlassian organization, invoked by the bus rule for {@code IntegrationSyncRequested}
 * events with {@code detail.integration = atlassian}. Near the invocation's time limit it saves its place and asks
 * for a continuation event.
 */
public final class SyncWorkerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(SyncWorkerHandler.class);
    /** Stop taking new pages when less than this is left: a page of groups with its role assignments fits in it. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(120);

    private final SyncRuns runs;
    private final Clock clock;

    public SyncWorkerHandler() {
        this(Services.fromEnvironment());
    }

    /** One composition root: one DynamoDB client and one secret cache shared by the org sync and the user refresh. */
    public SyncWorkerHandler(Services services) {
        this(services.orgSyncRuns(), services.clock());
    }

    public SyncWorkerHandler(SyncRuns runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Optional<SyncRequest> request = SyncEvents.parse(event);
        String requestId = context != null ? context.getAwsRequestId() : null;
        Log.begin(context != null ? context.getFunctionName() : null, requestId, request.map(SyncRequest::tenantId).orElse(null));
        if (request.isEmpty()) {
            LOG.warn("ignored an event that is not a sync request", "detailType", String.valueOf(event == null ? null : event.get("detail-type")));
            Log.clearContext();
            return Map.of("outcome", "ignored");
        }
        SyncRequest sync = request.get();
        if (sync.correlationId() != null) {
            Log.put("correlationId", sync.correlationId());
        }
        InvocationDeadline.enter(context);
        AtlassianTraffic.reset();
        try {
            LOG.info("sync request received", "integration", sync.type().id(), "reason", sync.reason());
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis();
            SyncRuns.Done done;
            try {
                done = runs.org(sync, budget);
            } catch (RuntimeException internal) {
                SyncReport.emit(sync.type(), false, null, SyncReport.INTERNAL, null, clock);
                LOG.error("sync stopped on an internal error; raising so Lambda retries it", internal);
                throw internal;
            }
            SyncReport.after(sync, done.result(), clock);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("outcome", done.outcome());
            answer.put("integration", sync.type().id());
            if (done.usersRefreshed() != null) {
                answer.put("usersWritten", done.usersRefreshed());
            }
            if (done.result() != null && done.result().run() != null) {
                SyncRunRecord run = done.result().run();
                answer.put("users", run.users());
                answer.put("usersWritten", run.usersWritten());
                answer.put("groupsWritten", run.groupsWritten());
                answer.put("apiCalls", run.apiCalls());
            }
            return answer;
        } finally {
            Log.clearContext();
            InvocationDeadline.clear();
        }
    }
}
