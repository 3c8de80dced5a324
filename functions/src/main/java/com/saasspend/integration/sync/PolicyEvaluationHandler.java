package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.policies.PolicyJobSettlement;
import com.saasspend.integration.domain.policies.PolicyService;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.wiring.Services;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a tenant's reclaim policies on its {@code IntegrationSyncCompleted} event (a completed full or incremental
 * org sync): candidates, actions, notices, and in auto mode the due reclaims; all decided in {@link PolicyService}.
 * Evaluating twice creates nothing twice, so a redelivered event or a Lambda retry is harmless.
 */
public final class PolicyEvaluationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(PolicyEvaluationHandler.class);
    /** Stop taking another policy or batch of due reclaims when less than this is left. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(60);

    private final PolicyService policies;
    private final PolicyJobSettlement settlement;

    public PolicyEvaluationHandler() {
        this(Services.fromEnvironment());
    }

    /** The sync's retry settings: a due reclaim waits out a 429 as a job's user does. */
    public PolicyEvaluationHandler(Services services) {
        this(services.policyService(services.reclaimServiceForJobs()), services.policyJobSettlement());
    }

    public PolicyEvaluationHandler(PolicyService policies, PolicyJobSettlement settlement) {
        this.policies = policies;
        this.settlement = settlement;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Optional<SyncEvents.OrgSyncCompleted> completed = SyncEvents.orgSyncCompleted(event);
        if (completed.isEmpty()) {
            LOG.warn("ignored an event that is not a completed Atlassian org sync");
            return Map.of("outcome", "ignored");
        }
        String tenantId = completed.get().tenantId();
        Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null, tenantId);
        if (completed.get().correlationId() != null) {
            Log.put("correlationId", completed.get().correlationId());
        }
        InvocationDeadline.enter(context);
        try {
            Budget budget = context == null ? Budget.unlimited()
                    : () -> context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis();
            List<PolicyService.Evaluation> evaluations = policies.evaluateAll(tenantId, completed.get().runId(), budget);
            // Then the actions approved into bulk jobs that have finished since: done, failed or cancelled from the job.
            int settled = budget.nearlyOut() ? 0 : settlement.settle(tenantId, budget);
            // Per mode: what the policies proposed and did (dashboard; a run of failed reclaims is worth a look).
            evaluations.stream().collect(java.util.stream.Collectors.groupingBy(PolicyService.Evaluation::mode)).forEach((mode, runs) ->
                    Metrics.by("PolicyMode", mode)
                            .count("PolicyActionsCreated", runs.stream().mapToInt(PolicyService.Evaluation::actionsCreated).sum())
                            .count("PolicyReclaims", runs.stream().mapToInt(PolicyService.Evaluation::reclaimed).sum())
                            .count("PolicyActionsCancelled", runs.stream().mapToInt(PolicyService.Evaluation::cancelled).sum())
                            .count("PolicyReclaimsFailed", runs.stream().mapToInt(PolicyService.Evaluation::failed).sum())
                            .emit());
            // Policies a delivery left alone: their run evaluated already, or being evaluated by another delivery now.
            evaluations.stream().map(PolicyService.Evaluation::outcome)
                    .filter(o -> PolicyService.ALREADY_EVALUATED.equals(o) || PolicyService.ALREADY_EVALUATING.equals(o))
                    .collect(java.util.stream.Collectors.groupingBy(o -> o, java.util.stream.Collectors.counting()))
                    .forEach((outcome, count) -> Metrics.by("PolicyOutcome", outcome).count("PolicyEvaluationsLeftAlone", count).emit());
            return Map.of("outcome", "evaluated", "policies", evaluations.size(),
                    "actionsCreated", evaluations.stream().mapToInt(PolicyService.Evaluation::actionsCreated).sum(),
                    "reclaimed", evaluations.stream().mapToInt(PolicyService.Evaluation::reclaimed).sum(),
                    "cancelled", evaluations.stream().mapToInt(PolicyService.Evaluation::cancelled).sum(), "settledFromJobs", settled);
        } finally {
            Log.clearContext();
            InvocationDeadline.clear();
        }
    }
}
