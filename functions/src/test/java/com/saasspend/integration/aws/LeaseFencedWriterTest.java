package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The lease-fenced transactions' retries, against an in-memory DynamoDB that cancels transactions as a conflicting
 * writer or throttling would: a cancelled transaction is sent again after growing jittered waits until it is written;
 * one that keeps being cancelled, or that would wait into the invocation's last seconds, fails with an error saying
 * what was not written; a lost lease fails at once.
 */
class LeaseFencedWriterTest {
    private static final String TABLE = "t";
    private static final SyncFence FENCE = new SyncFence("tenant", IntegrationType.ATLASSIAN, "owner");

    /** Cancels the first {@code cancelled} transactions with {@code reason} on their first put; stores the rest. */
    private static final class Cancelling implements DynamoDbClient {
        final int cancelled;
        final String leaseCheck;
        final String reason;
        int calls;
        final List<String> written = new ArrayList<>();

        Cancelling(int cancelled, String reason) {
            this(cancelled, "None", reason);
        }

        Cancelling(int cancelled, String leaseCheck, String reason) {
            this.cancelled = cancelled;
            this.leaseCheck = leaseCheck;
            this.reason = reason;
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(Consumer<TransactWriteItemsRequest.Builder> request) {
            TransactWriteItemsRequest.Builder builder = TransactWriteItemsRequest.builder();
            request.accept(builder);
            List<TransactWriteItem> actions = builder.build().transactItems();
            calls++;
            if (calls <= cancelled) {
                List<CancellationReason> reasons = new ArrayList<>();
                reasons.add(CancellationReason.builder().code(leaseCheck).build());
                reasons.add(CancellationReason.builder().code(reason).build());
                throw TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
            }
            actions.stream().skip(1).forEach(a -> written.add(a.put().item().get(TableKeys.SK).s()));
            return TransactWriteItemsResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static List<Map<String, AttributeValue>> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of(TableKeys.PK, AttributeValue.fromS("p"),
                TableKeys.SK, AttributeValue.fromS("k" + i))).toList();
    }

    @Test
    void aCancelledTransactionIsSentAgainAfterGrowingJitteredWaitsUntilWritten() {
        Cancelling dynamo = new Cancelling(2, "TransactionConflict");
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2;
        }, () -> -1));

        writer.put(items(3));

        assertEquals(List.of("k0", "k1", "k2"), dynamo.written, "every item written once");
        assertEquals(3, dynamo.calls);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), caps);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS / 2, Backoff.BASE_DELAY_MILLIS), slept, "the jitter's pick under the cap");
    }

    @Test
    void aTransactionThatKeepsBeingCancelledFailsAfterBoundedAttemptsWritingNothing() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "ThrottlingError");
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(TransactionCanceledException.class, () -> writer.put(items(3)));

        assertEquals(LeaseFencedWriter.ATTEMPTS, dynamo.calls);
        assertEquals(LeaseFencedWriter.ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertEquals(List.of(), dynamo.written);
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSeconds() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "TransactionConflict");
        List<Long> slept = new ArrayList<>();
        long[] remaining = {Backoff.DEADLINE_MARGIN_MILLIS + Backoff.BASE_DELAY_MILLIS};
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(millis -> {
            slept.add(millis);
            remaining[0] -= millis;
        }, cap -> cap, () -> remaining[0]));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> writer.put(items(3)));

        assertTrue(failure.getMessage().contains("a transaction of 3 writes was cancelled (not written)")
                && failure.getMessage().contains("ms left"), failure.getMessage());
        assertInstanceOf(TransactionCanceledException.class, failure.getSuppressed()[0], "the cancellation is kept");
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS), slept, "the wait that fit before the margin, not the next");
        assertEquals(List.of(), dynamo.written);
    }

    @Test
    void aLostLeaseFailsAtOnceWithoutWaiting() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "ConditionalCheckFailed", "None");
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(SyncFencedOut.class, () -> writer.put(items(1)));
        assertEquals(1, dynamo.calls);
        assertEquals(List.of(), slept);
    }
}
