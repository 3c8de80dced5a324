package com.saasspend.integration.aws;

import com.saasspend.integration.atlassian.InvocationDeadline;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * BatchGetItem over any number of keys, 100 per request. The keys DynamoDB leaves unprocessed (throttling, the 16 MB
 * answer limit) are asked again after an exponentially growing wait, as the BatchGetItem reference advises, drawn at
 * random under its cap ("full jitter", so clients throttled together do not come back together), a bounded number of
 * times, and never
 * waiting past the invocation's end ({@link InvocationDeadline}, less a margin to answer or save): it gives up with an
 * exception instead, which the caller handles as any DynamoDB failure.
 */
final class BatchReader {
    static final int KEYS_PER_REQUEST = 100;
    static final int MAX_ATTEMPTS = 8;
    static final long BASE_DELAY_MILLIS = 50;
    static final long MAX_DELAY_MILLIS = 2_000;
    /** Kept free at the end of the invocation after the last wait: for the caller to answer or checkpoint. */
    static final long DEADLINE_MARGIN_MILLIS = 5_000;

    /** Sleeps; the unit test records instead. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Sleeper sleeper;
    /** A wait in [0, cap] for a cap. */
    private final LongUnaryOperator jitter;
    /** Milliseconds left in the invocation, or -1 without a deadline. */
    private final LongSupplier remainingMillis;

    BatchReader(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Thread::sleep, BatchReader::fullJitter, BatchReader::invocationRemaining);
    }

    BatchReader(DynamoDbClient dynamo, String table, Sleeper sleeper, LongUnaryOperator jitter, LongSupplier remainingMillis) {
        this.dynamo = dynamo;
        this.table = table;
        this.sleeper = sleeper;
        this.jitter = jitter;
        this.remainingMillis = remainingMillis;
    }

    /** A wait drawn evenly from [0, cap]. */
    static long fullJitter(long cap) {
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private static long invocationRemaining() {
        OptionalLong remaining = InvocationDeadline.remainingMillis();
        return remaining.isPresent() ? remaining.getAsLong() : -1;
    }

    /**
     * Reads the items of {@code keys} (missing ones are left out), each request shaped by {@code options} (projection,
     * consistent read), handing every item to {@code onItem}.
     */
    void read(List<Map<String, AttributeValue>> keys, UnaryOperator<KeysAndAttributes.Builder> options,
              Consumer<Map<String, AttributeValue>> onItem) {
        for (int from = 0; from < keys.size(); from += KEYS_PER_REQUEST) {
            List<Map<String, AttributeValue>> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_REQUEST));
            Map<String, KeysAndAttributes> request = Map.of(table, options.apply(KeysAndAttributes.builder().keys(chunk)).build());
            for (int attempt = 1; ; attempt++) {
                Map<String, KeysAndAttributes> current = request;
                BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(current));
                response.responses().getOrDefault(table, List.of()).forEach(onItem);
                request = response.unprocessedKeys();
                if (request == null || request.isEmpty()) {
                    break;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left keys unprocessed after " + MAX_ATTEMPTS + " attempts");
                }
                waitBeforeAttempt(attempt + 1);
            }
        }
    }

    private void waitBeforeAttempt(int attempt) {
        long cap = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(attempt - 2, 20));
        long wait = jitter.applyAsLong(cap);
        long remaining = remainingMillis.getAsLong();
        if (remaining >= 0 && remaining - wait < DEADLINE_MARGIN_MILLIS) {
            throw new IllegalStateException("DynamoDB left keys unprocessed and the invocation has " + remaining
                    + " ms left: not waiting to ask again");
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to ask DynamoDB again", e);
        }
    }
}
