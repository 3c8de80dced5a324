package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.testing.TransactionCancellingDynamo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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

    private static List<Map<String, AttributeValue>> items(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of(TableKeys.PK, AttributeValue.fromS("p"),
                TableKeys.SK, AttributeValue.fromS("k" + i))).toList();
    }

    /** The sort keys of the items put by the written transactions (the lease checks left out). */
    private static List<String> writtenKeys(TransactionCancellingDynamo dynamo) {
        return dynamo.written().stream().filter(a -> a.put() != null).map(a -> a.put().item().get(TableKeys.SK).s()).toList();
    }

    @Test
    void aCancelledTransactionIsSentAgainAfterGrowingJitteredWaitsUntilWritten() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(2, "None", "TransactionConflict");
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2;
        }, () -> -1));

        writer.put(items(3));

        assertEquals(List.of("k0", "k1", "k2"), writtenKeys(dynamo), "every item written once");
        assertEquals(3, dynamo.calls());
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), caps);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS / 2, Backoff.BASE_DELAY_MILLIS), slept, "the jitter's pick under the cap");
    }

    @Test
    void aTransactionThatKeepsBeingCancelledFailsAfterBoundedAttemptsWritingNothing() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "None", "ThrottlingError");
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(TransactionCanceledException.class, () -> writer.put(items(3)));

        assertEquals(LeaseFencedWriter.ATTEMPTS, dynamo.calls());
        assertEquals(LeaseFencedWriter.ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertEquals(List.of(), writtenKeys(dynamo));
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSeconds() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "None", "TransactionConflict");
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
        assertEquals(List.of(), writtenKeys(dynamo));
    }

    @Test
    void aLostLeaseFailsAtOnceWithoutWaiting() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "ConditionalCheckFailed", "None");
        List<Long> slept = new ArrayList<>();
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, TABLE, FENCE, new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(SyncFencedOut.class, () -> writer.put(items(1)));
        assertEquals(1, dynamo.calls());
        assertEquals(List.of(), slept);
    }
}
