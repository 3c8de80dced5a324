package com.saasspend.integration.domain.reclaim.jobs;

import java.util.List;

/**
 * The engine that runs jobs (an SQS FIFO queue in AWS): one tenant's messages run one at a time and in order, tenants
 * in parallel. A message sent twice with the same deduplication id is delivered once (inside the queue's window);
 * every step is idempotent anyway.
 */
public interface JobQueue {
    void send(List<JobMessage> messages);
}
