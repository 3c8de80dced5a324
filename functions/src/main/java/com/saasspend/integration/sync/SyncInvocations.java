package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.saasspend.integration.atlassian.AtlassianTraffic;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.sync.Budget;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * One sync worker invocation around its request, shared by the org and product sync handlers: the log context
 * (function, request, tenant, correlation id), the invocation's deadline and traffic counters, the budget that
 * stops a run {@code safetyMargin} before the time limit, the metrics and retry decision ({@link SyncReport}), and
 * the answer Lambda returns.
 */
final class SyncInvocations {
    private SyncInvocations() {}

    /**
     * Runs {@code run} for the parsed {@code request} (empty: the event is not one of this worker's, ignored);
     * {@code details} adds the run's figures to the answer. Lines are written as {@code log}, the worker's logger.
     */
    static Map<String, Object> handle(Log log, Map<String, Object> event, Optional<SyncRequest> request,
                                      Context context, Duration safetyMargin, Clock clock,
                                      BiFunction<SyncRequest, Budget, SyncRuns.Done> run,
                                      BiConsumer<SyncRuns.Done, Map<String, Object>> details) {
        Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null,
                request.map(SyncRequest::tenantId).orElse(null));
        if (request.isEmpty()) {
            log.warn("ignored an event that is not a request of this worker",
                    "detailType", String.valueOf(event == null ? null : event.get("detail-type")));
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
            log.info("sync request received", "integration", sync.type().id(), "reason", sync.reason());
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < safetyMargin.toMillis();
            SyncRuns.Done done;
            try {
                done = run.apply(sync, budget);
            } catch (RuntimeException internal) {
                SyncReport.emit(sync.type(), false, null, SyncReport.INTERNAL, null, clock);
                log.error("sync stopped on an internal error; raising so Lambda retries it", internal);
                throw internal;
            }
            SyncReport.after(sync, done.result(), clock);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("outcome", done.outcome());
            answer.put("integration", sync.type().id());
            details.accept(done, answer);
            return answer;
        } finally {
            Log.clearContext();
            InvocationDeadline.clear();
        }
    }
}
