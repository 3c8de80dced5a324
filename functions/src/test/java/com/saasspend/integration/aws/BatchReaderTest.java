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
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The batch reads' handling of unprocessed keys, against an in-memory DynamoDB that answers only part of each request
 * (as a throttled table does): every item arrives once, the waits grow, are jittered under their cap and bounded, and
 * no wait runs into the invocation's last seconds.
 */
class BatchReaderTest {
    private static final String TABLE = "t";

    /** Answers at most {@code perCall} of the asked keys (as items holding the key), the rest as unprocessed. */
    private static final class Throttled implements DynamoDbClient {
        final int perCall;
        final List<Integer> asked = new ArrayList<>();
        final List<Boolean> consistent = new ArrayList<>();

        Throttled(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public BatchGetItemResponse batchGetItem(Consumer<BatchGetItemRequest.Builder> request) {
            BatchGetItemRequest.Builder builder = BatchGetItemRequest.builder();
            request.accept(builder);
            KeysAndAttributes keys = builder.build().requestItems().get(TABLE);
            asked.add(keys.keys().size());
            consistent.add(Boolean.TRUE.equals(keys.consistentRead()));
            List<Map<String, AttributeValue>> answered = keys.keys().subList(0, Math.min(perCall, keys.keys().size()));
            List<Map<String, AttributeValue>> left = keys.keys().subList(answered.size(), keys.keys().size());
            BatchGetItemResponse.Builder response = BatchGetItemResponse.builder().responses(Map.of(TABLE, List.copyOf(answered)));
            response.unprocessedKeys(left.isEmpty() ? Map.of() : Map.of(TABLE, keys.toBuilder().keys(left).build()));
            return response.build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static List<Map<String, AttributeValue>> keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> Map.of("pk", AttributeValue.fromS("k" + i))).toList();
    }

    private static List<String> read(BatchReader reader, int n) {
        List<String> got = new ArrayList<>();
        reader.read(keys(n), r -> r.consistentRead(true), item -> got.add(item.get("pk").s()));
        return got;
    }

    @Test
    void unprocessedKeysAreAskedAgainAfterGrowingJitteredWaitsUntilEveryItemArrivedOnce() {
        Throttled dynamo = new Throttled(40);
        List<Long> caps = new ArrayList<>();
        List<Long> slept = new ArrayList<>();
        BatchReader reader = new BatchReader(dynamo, TABLE, new Backoff(slept::add, cap -> {
            caps.add(cap);
            return cap / 2; // the jitter's pick, in [0, cap]
        }, () -> -1));

        List<String> got = read(reader, 150);

        assertEquals(IntStream.range(0, 150).mapToObj(i -> "k" + i).toList(), got, "every item once, in order");
        // 150 keys: a request of 100 answered 40, 40, 20; then one of 50 answered 40, 10.
        assertEquals(List.of(100, 60, 20, 50, 10), dynamo.asked);
        assertTrue(dynamo.consistent.stream().allMatch(c -> c), "the retried requests keep the caller's options");
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS, Backoff.BASE_DELAY_MILLIS), caps,
                "the cap doubles per attempt of one request and starts again for the next");
        assertEquals(caps.stream().map(c -> c / 2).toList(), slept, "the wait is the jitter's pick under the cap");
    }

    @Test
    void aTableThatNeverAnswersEverythingGivesUpAfterBoundedAttemptsAndBoundedWaits() {
        Throttled dynamo = new Throttled(1);
        List<Long> slept = new ArrayList<>();
        BatchReader reader = new BatchReader(dynamo, TABLE, new Backoff(slept::add, cap -> cap, () -> -1));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> read(reader, 100));

        assertTrue(failure.getMessage().contains("unprocessed"), failure.getMessage());
        assertEquals(BatchReader.MAX_ATTEMPTS, dynamo.asked.size());
        assertEquals(BatchReader.MAX_ATTEMPTS - 1, slept.size(), "a wait between attempts, none after the last");
        assertTrue(slept.stream().allMatch(w -> w <= Backoff.MAX_DELAY_MILLIS), "each wait under the cap: " + slept);
        assertEquals(Backoff.MAX_DELAY_MILLIS, slept.get(slept.size() - 1), "the cap is reached: " + slept);
    }

    @Test
    void noWaitRunsIntoTheInvocationsLastSeconds() {
        Throttled dynamo = new Throttled(10);
        List<Long> slept = new ArrayList<>();
        long[] remaining = {Backoff.DEADLINE_MARGIN_MILLIS + 3 * Backoff.BASE_DELAY_MILLIS};
        BatchReader reader = new BatchReader(dynamo, TABLE, new Backoff(millis -> {
            slept.add(millis);
            remaining[0] -= millis;
        }, cap -> cap, () -> remaining[0]));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> read(reader, 100));

        assertTrue(failure.getMessage().contains("ms left"), failure.getMessage());
        assertEquals(List.of(Backoff.BASE_DELAY_MILLIS, 2 * Backoff.BASE_DELAY_MILLIS), slept,
                "the waits that fit before the margin, not the one that would not");
        assertTrue(remaining[0] >= Backoff.DEADLINE_MARGIN_MILLIS, "the margin is left: " + remaining[0]);
    }

    @Test
    void aFullyAnsweredReadNeverWaits() {
        Throttled dynamo = new Throttled(100);
        List<Long> slept = new ArrayList<>();
        BatchReader reader = new BatchReader(dynamo, TABLE, new Backoff(slept::add, cap -> cap, () -> 0));

        assertEquals(250, read(reader, 250).size());
        assertEquals(List.of(100, 100, 50), dynamo.asked);
        assertEquals(List.of(), slept);
    }

    @Test
    void theJitterPicksAcrossTheWholeRangeUnderItsCap() {
        List<Long> picks = IntStream.range(0, 2_000).mapToObj(i -> Backoff.fullJitter(100)).toList();
        assertTrue(picks.stream().allMatch(p -> p >= 0 && p <= 100), "within [0, cap]");
        assertTrue(picks.stream().anyMatch(p -> p < 20) && picks.stream().anyMatch(p -> p > 80),
                "spread over the range, so clients throttled together come back apart");
    }
}
