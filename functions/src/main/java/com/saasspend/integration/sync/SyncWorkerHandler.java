package com.saasspend.integration.sync;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.saasspend.integration.atlassian.AtlassianTraffic;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.savings.SavingsService;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.AtlassianUserRefresh;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncCompletions;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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

    private final AtlassianOrgSync orgSync;
    /** Null: a targeted request runs a full sync instead (same result, more calls). */
    private final AtlassianUserRefresh userRefresh;
    private final SyncRequester requester;
    private final Clock clock;
    /** Null: no savings history is written (tests of the sync alone). */
    private final SavingsService savings;
    /** Null: a completed run is announced to no one (tests of the sync alone). */
    private final SyncCompletions completions;

    public SyncWorkerHandler() {
        this(Services.fromEnvironment());
    }

    /** One composition root: one DynamoDB client and one secret cache shared by the org sync and the user refresh. */
    public SyncWorkerHandler(Services services) {
        this(services.orgSync(), services.userRefresh(), services.syncRequester(), services.clock(),
                services.savingsService(), services.syncCompletions());
    }

    public SyncWorkerHandler(AtlassianOrgSync orgSync, SyncRequester requester) {
        this(orgSync, null, requester);
    }

    public SyncWorkerHandler(AtlassianOrgSync orgSync, AtlassianUserRefresh userRefresh, SyncRequester requester) {
        this(orgSync, userRefresh, requester, Clock.systemUTC());
    }

    public SyncWorkerHandler(AtlassianOrgSync orgSync, AtlassianUserRefresh userRefresh, SyncRequester requester, Clock clock) {
        this(orgSync, userRefresh, requester, clock, null);
    }

    public SyncWorkerHandler(AtlassianOrgSync orgSync, AtlassianUserRefresh userRefresh, SyncRequester requester, Clock clock,
                             SavingsService savings) {
        this(orgSync, userRefresh, requester, clock, savings, null);
    }

    public SyncWorkerHandler(AtlassianOrgSync orgSync, AtlassianUserRefresh userRefresh, SyncRequester requester, Clock clock,
                             SavingsService savings, SyncCompletions completions) {
        this.completions = completions;
        this.savings = savings;
        this.orgSync = orgSync;
        this.userRefresh = userRefresh;
        this.requester = requester;
        this.clock = clock;
    }

    /** Today's savings history item, from the seat counts just completed; the sync's own result stands if it fails. */
    private void recordSavingsDay(String tenantId) {
        if (savings == null) {
            return;
        }
        try {
            savings.recordDay(tenantId);
        } catch (RuntimeException e) {
            // The next completed sync of the day overwrites the item; a day without one shows as a gap in the chart.
            LOG.warn("the savings history item could not be written", "error", e.getClass().getSimpleName());
        }
    }

    /**
     * IntegrationSyncCompleted, which the reclaim policies are evaluated on. The sync's result stands if it fails: the
     * next completed run (15 minutes) announces again, and evaluation reads the data as it is then.
     */
    private void announceCompleted(String tenantId, SyncResult result) {
        if (completions == null || result.run() == null) {
            return;
        }
        try {
            completions.completed(tenantId, result.run());
        } catch (RuntimeException e) {
            LOG.warn("IntegrationSyncCompleted could not be published", "error", e.getClass().getSimpleName());
        }
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
            if (sync.type() != IntegrationType.ATLASSIAN) {
                LOG.warn("no sync worker for this integration yet", "integration", sync.type().id());
                return Map.of("outcome", "unsupported", "integration", sync.type().id());
            }
            if (!sync.accountIds().isEmpty() && userRefresh != null) {
                int written = userRefresh.refresh(sync.tenantId(), sync.accountIds());
                return Map.of("outcome", "users_refreshed", "usersWritten", written);
            }
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis();
            SyncResult result;
            try {
                result = orgSync.run(sync.tenantId(), budget, sync.full());
            } catch (RuntimeException internal) {
                SyncReport.emit(sync.type(), false, null, SyncReport.INTERNAL, null, clock);
                LOG.error("sync stopped on an internal error; raising so Lambda retries it", internal);
                throw internal;
            }
            SyncReport.emit(sync.type(), result.outcome() == SyncOutcome.COMPLETED, result.run(),
                    result.failure() != null ? result.failure().name() : null, result.credentialExpiresOn(), clock);
            if (result.outcome() == SyncOutcome.FAILED) {
                SyncReport.failed(sync.type(), sync.tenantId(), result.failure());
            }
            if (result.outcome() == SyncOutcome.COMPLETED) {
                recordSavingsDay(sync.tenantId());
                announceCompleted(sync.tenantId(), result);
            }
            if (result.outcome() == SyncOutcome.CONTINUE) {
                requester.request(List.of(new SyncRequest(sync.tenantId(), sync.type(), "continuation")));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (result.run() != null) {
                answer.put("users", result.run().users());
                answer.put("usersWritten", result.run().usersWritten());
                answer.put("groupsWritten", result.run().groupsWritten());
                answer.put("apiCalls", result.run().apiCalls());
            }
            return answer;
        } finally {
            Log.clearContext();
            InvocationDeadline.clear();
        }
    }
}
