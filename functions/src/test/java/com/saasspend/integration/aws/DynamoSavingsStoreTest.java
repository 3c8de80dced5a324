package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.savings.SavingsStore;
import com.saasspend.integration.domain.savings.Tally;
import com.saasspend.integration.testing.TransactionCancellingDynamo;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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

    @Test
    void aConflictWithAnotherLaneOnTheCountersIsSentAgainAfterGrowingJitteredWaitsNotBackToBack() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(3, "None", "TransactionConflict");
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2;
        }, () -> -1));

        assertTrue(store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));

        assertEquals(4, dynamo.calls());
        assertEquals(4, dynamo.written().size(), "the marker and the day, month and total counters, once");
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS, 4 * Backoff.BASE_DELAY_MILLIS), caps);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS / 2, Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), slept);
    }

    @Test
    void countersThatKeepConflictingFailAfterBoundedAttemptsWritingNothing() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "None", "ThrottlingError");
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> cap, () -> -1));

        assertThrows(TransactionCanceledException.class, () -> store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));

        assertEquals(DynamoSavingsStore.ATTEMPTS, dynamo.calls());
        assertEquals(DynamoSavingsStore.ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertEquals(List.of(), dynamo.written());
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSecondsAndTheErrorSaysWhatWasNotCounted() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "None", "TransactionConflict");
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
        assertEquals(List.of(), dynamo.written());
    }

    @Test
    void aMarkerChangedByAnotherWriterGoesBackToTheCallerAtOnce() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(Integer.MAX_VALUE, "ConditionalCheckFailed", "None");
        List<Long> slept = new ArrayList<>();
        DynamoSavingsStore store = new DynamoSavingsStore(dynamo, "t", new Backoff(slept::add, cap -> cap, () -> -1));

        assertFalse(store.recount("tenant", "r1", 0, FIRST, FIRST.tallies()));
        assertEquals(1, dynamo.calls());
        assertEquals(List.of(), slept);
    }
}
