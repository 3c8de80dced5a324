package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.savings.SavingsStore;
import com.saasspend.integration.domain.savings.Tally;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A reclaim's savings count against an in-memory DynamoDB that cancels its transaction as another reclaim-job lane
 * adding to the same counters would: sent again after growing jittered waits (never back to back), a bounded number
 * of times and never into the invocation's last seconds; a changed marker goes back to the caller at once.
 */
class DynamoSavingsStoreTest {
    private static final String JIRA = "ari:cloud:jira-software::site/1";
    private static final SavingsStore.Counted FIRST = new SavingsStore.Counted(1, LocalDate.parse("2026-11-30"),
            Map.of(JIRA, new Tally("jira-software", 1, 1, new BigDecimal("8.60"))));

    /** Cancels the first {@code cancelled} transactions with {@code markerReason} on the marker and {@code reason} on a counter. */
    private static final class Cancelling implements DynamoDbClient {
        final int cancelled;
        final String markerReason;
        final String reason;
        int calls;
        int written;

        Cancelling(int cancelled, String markerReason, String reason) {
            this.cancelled = cancelled;
            this.markerReason = markerReason;
            this.reason = reason;
        }

        @Override
        public TransactWriteItemsResponse transactWriteItems(Consumer<TransactWriteItemsRequest.Builder> request) {
            TransactWriteItemsRequest.Builder builder = TransactWriteItemsRequest.builder();
            request.accept(builder);
            int actions = builder.build().transactItems().size();
            calls++;
            if (calls <= cancelled) {
                List<CancellationReason> reasons = new ArrayList<>();
                reasons.add(CancellationReason.builder().code(markerReason).build());
                reasons.add(CancellationReason.builder().code(reason).build());
                for (int i = 2; i < actions; i++) {
                    reasons.add(CancellationReason.builder().code("None").build());
                }
                throw TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
            }
            written += actions;
            return TransactWriteItemsResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    @Test
    void aConflictWithAnotherLaneOnTheCountersIsSentAgainAfterGrowingJitteredWaitsNotBackToBack() {
        Cancelling dynamo = new Cancelling(3, "None", "TransactionConflict");
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2;
        }, () -> -1));

        assertTrue(store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));

        assertEquals(4, dynamo.calls);
        assertEquals(4, dynamo.written, "the marker and the day, month and total counters, once");
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS, 4 * Backoff.BASE_DELAY_MILLIS), caps);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS / 2, Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), slept);
    }

    @Test
    void countersThatKeepConflictingFailAfterBoundedAttemptsWritingNothing() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "None", "ThrottlingError");
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(TransactionCanceledException.class, () -> store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));

        assertEquals(DynamoSavingsStore.ATTEMPTS, dynamo.calls);
        assertEquals(DynamoSavingsStore.ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertEquals(0, dynamo.written);
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSecondsAndTheErrorSaysWhatWasNotCounted() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "None", "TransactionConflict");
        List<Long> slept = new ArrayList<>();
        long[] remaining = {Backoff.DEADLINE_MARGIN_MILLIS + Backoff.BASE_DELAY_MILLIS};
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(millis -> {
            slept.add(millis);
            remaining[0] -= millis;
        }, cap -> cap, () -> remaining[0]));

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));

        assertTrue(failure.getMessage().contains("the savings count of reclaim r1 was cancelled (not written)")
                && failure.getMessage().contains("ms left"), failure.getMessage());
        assertInstanceOf(TransactionCanceledException.class, failure.getSuppressed()[0], "the cancellation is kept");
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS), slept, "the wait that fit before the margin, not the next");
        assertEquals(0, dynamo.written);
    }

    @Test
    void aMarkerChangedByAnotherWriterGoesBackToTheCallerAtOnce() {
        Cancelling dynamo = new Cancelling(Integer.MAX_VALUE, "ConditionalCheckFailed", "None");
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> cap, () -> -1));

        assertFalse(store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));
        assertEquals(1, dynamo.calls);
        assertEquals(List.of(), slept);
    }
}
