package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The batch writes' handling of unprocessed items, against an in-memory DynamoDB that takes only part of each request
 * (as a throttled table does): every item is written once, the waits grow and are jittered under their cap, a write
 * that cannot finish gives up after bounded attempts or before the invocation's last seconds with an error naming
 * what was not written, never dropping it silently.
 */
class BatchWriterTest {
    private static final String TABLE = "t";

    /** Takes at most {@code perCall} of the sent items, the rest as unprocessed; records what it stored. */
    private static final class Throttled implements DynamoDbClient {
        final int perCall;
        final List<Integer> sent = new ArrayList<>();
        final List<String> written = new ArrayList<>();

        Throttled(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(Consumer<BatchWriteItemRequest.Builder> request) {
            BatchWriteItemRequest.Builder builder = BatchWriteItemRequest.builder();
            request.accept(builder);
            List<WriteRequest> writes = builder.build().requestItems().get(TABLE);
            sent.add(writes.size());
            List<WriteRequest> taken = writes.subList(0, Math.min(perCall, writes.size()));
            taken.forEach(w -> written.add(w.putRequest().item().get("pk").s()));
            List<WriteRequest> left = writes.subList(taken.size(), writes.size());
            return BatchWriteItemResponse.builder().unprocessedItems(left.isEmpty() ? Map.of() : Map.of(TABLE, List.copyOf(left))).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static List<WriteRequest> puts(int n) {
        return IntStream.range(0, n).mapToObj(i -> BatchWriter.put(Map.of("pk", AttributeValue.fromS("k" + i)))).toList();
    }

    @Test
    void unprocessedItemsAreSentAgainAfterGrowingJitteredWaitsUntilEveryItemIsWrittenOnce() {
        Throttled dynamo = new Throttled(10);
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        BatchWriter writer = new BatchWriter(dynamo, TABLE, new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2; // the jitter's pick, in [0, cap]
        }, () -> -1));

        writer.write(puts(30));

        assertEquals(IntStream.range(0, 30).mapToObj(i -> "k" + i).toList(), dynamo.written, "every item once, in order");
        // 30 items: a chunk of 25 taken 10, 10, 5; then one of 5 taken at once.
        assertEquals(List.of(25, 15, 5, 5), dynamo.sent);
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), caps,
                "the cap doubles per attempt of one chunk");
        assertEquals(caps.stream().map(c -> c / 2).toList(), slept, "the wait is the jitter's pick under the cap");
    }

    @Test
    void aTableThatNeverTakesEverythingFailsAfterBoundedAttemptsNamingWhatWasNotWritten() {
        Throttled dynamo = new Throttled(1);
        List<Long> slept = new ArrayList<>();
        BatchWriter writer = new BatchWriter(dynamo, TABLE, new Backoff(slept::add, cap -> cap, () -> -1));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> writer.write(puts(25)));

        assertTrue(failure.getMessage().contains((25 - BatchWriter.MAX_ATTEMPTS) + " of 25 writes unprocessed (not written)"),
                failure.getMessage());
        assertEquals(BatchWriter.MAX_ATTEMPTS, dynamo.sent.size());
        assertEquals(BatchWriter.MAX_ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertTrue(slept.stream().allMatch(w -> w <= Backoff.MAX_DELAY_MILLIS), "each wait under the cap: " + slept);
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSeconds() {
        Throttled dynamo = new Throttled(5);
        List<Long> slept = new ArrayList<>();
        long[] remaining = {Backoff.DEADLINE_MARGIN_MILLIS + 3 * Backoff.BASE_DELAY_MILLIS};
        BatchWriter writer = new BatchWriter(dynamo, TABLE, new Backoff(millis -> {
            slept.add(millis);
            remaining[0] -= millis;
        }, cap -> cap, () -> remaining[0]));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> writer.write(puts(25)));

        assertTrue(failure.getMessage().contains("10 of 25 writes unprocessed (not written)")
                && failure.getMessage().contains("ms left"), failure.getMessage());
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), slept,
                "the waits that fit before the margin, not the one that would not");
        assertTrue(remaining[0] >= Backoff.DEADLINE_MARGIN_MILLIS, "the margin is left: " + remaining[0]);
    }

    @Test
    void aFullyTakenWriteNeverWaits() {
        Throttled dynamo = new Throttled(25);
        List<Long> slept = new ArrayList<>();
        new BatchWriter(dynamo, TABLE, new Backoff(slept::add, cap -> cap, () -> 0)).write(puts(60));

        assertEquals(List.of(25, 25, 10), dynamo.sent);
        assertEquals(60, dynamo.written.size());
        assertEquals(List.of(), slept);
    }
}
