package com.saasspend.integration.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.reclaim.jobs.JobMessage;
import com.saasspend.integration.domain.reclaim.jobs.JobQueue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The jobs' SQS FIFO queue: the tenant is the message group (one org's steps run one at a time, in order, so its
 * Atlassian rate limit is shared by one worker; tenants run in parallel), and the deduplication id is a hash of the
 * step, so a step sent twice within SQS's 5-minute window is delivered once. SendMessageBatch takes 10 entries and may
 * refuse some of them: those are sent again (bounded), never dropped silently.
 */
public final class SqsJobQueue implements JobQueue {
    static final int MAX_ENTRIES_PER_CALL = 10;
    private static final int MAX_ROUNDS = 5;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsJobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<JobMessage> messages) {
        List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JobMessage m = messages.get(i);
            pending.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(json(m)).messageGroupId(m.tenantId())
                    .messageDeduplicationId(sha256(m.deduplicationSource())).build());
        }
        for (int round = 1; !pending.isEmpty(); round++) {
            if (round > MAX_ROUNDS) {
                throw new IllegalStateException(pending.size() + " job step(s) could not be sent to the jobs queue");
            }
            List<SendMessageBatchRequestEntry> failed = new ArrayList<>();
            for (int from = 0; from < pending.size(); from += MAX_ENTRIES_PER_CALL) {
                List<SendMessageBatchRequestEntry> batch = pending.subList(from, Math.min(pending.size(), from + MAX_ENTRIES_PER_CALL));
                SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
                for (BatchResultErrorEntry error : response.failed()) {
                    batch.stream().filter(e -> e.id().equals(error.id())).forEach(failed::add);
                }
            }
            pending = failed;
        }
    }

    static String json(JobMessage message) {
        try {
            return Json.MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JobMessage parse(String body) {
        try {
            return Json.MAPPER.readValue(body, JobMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a job step", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
