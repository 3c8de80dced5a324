package com.saasspend.integration.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import com.saasspend.integration.wiring.Services;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bulk reclaim worker: the jobs' FIFO queue delivers a small batch of steps (one tenant's in order); each step is
 * one chunk expanded or a batch of users reclaimed side by side ({@link ReclaimJobService#handle}; a user is not started
 * with less than {@link #SAFETY_MARGIN} left, and the batch's users left over come back with the step). A step that fails, and every step after
 * it in the batch (FIFO order), is reported as a batch item failure: SQS delivers it again after the visibility
 * timeout, and after {@code maxReceiveCount} moves it to the dead-letter queue. A step that would not fit in the time
 * left is not started.
 */
public final class ReclaimJobWorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Log LOG = Log.of(ReclaimJobWorkerHandler.class);
    /** One user's reclaim (up to 20 groups, a read and retries) fits in this; less left and the step (or the user) waits. */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(25);

    private final ReclaimJobService jobs;

    public ReclaimJobWorkerHandler() {
        this(Services.fromEnvironment());
    }

    /** The jobs over the single reclaim with the sync's retry settings: a job's user waits out a 429, it does not end partial. */
    public ReclaimJobWorkerHandler(Services services) {
        this(services.reclaimJobService(services.reclaimServiceForJobs()));
    }

    public ReclaimJobWorkerHandler(ReclaimJobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        boolean holdTheRest = false;
        InvocationDeadline.enter(context);
        try {
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                if (holdTheRest || context != null && context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis()) {
                    holdTheRest = true;
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                    continue;
                }
                JobMessage step;
                try {
                    step = SyncEvents.jobStep(message.getBody());
                } catch (IllegalArgumentException malformed) {
                    // Not ours to run: retrying cannot make it a step. Logged and dropped.
                    LOG.error("a message on the jobs queue is not a job step; dropped", malformed, "messageId", message.getMessageId());
                    continue;
                }
                Log.begin(context != null ? context.getFunctionName() : null, context != null ? context.getAwsRequestId() : null, step.tenantId());
                Log.put("jobId", step.jobId());
                try {
                    jobs.handle(step, () -> context != null && context.getRemainingTimeInMillis() < SAFETY_MARGIN.toMillis());
                } catch (ReclaimJobService.StepNotReady notYet) {
                    LOG.info("a job step waits for another run; delivered again later", "reason", notYet.getMessage());
                    holdTheRest = true;
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                } catch (RuntimeException failed) {
                    LOG.warn("a job step failed; delivered again later", "error", failed.getClass().getSimpleName() + ": " + failed.getMessage());
                    holdTheRest = true;
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                } finally {
                    Log.clearContext();
                }
            }
        } finally {
            InvocationDeadline.clear();
        }
        return new SQSBatchResponse(failures);
    }
}
