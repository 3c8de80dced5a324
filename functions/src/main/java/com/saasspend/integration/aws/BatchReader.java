package com.saasspend.integration.aws;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * BatchGetItem over any number of keys, 100 per request. The keys DynamoDB leaves unprocessed (throttling, the 16 MB
 * answer limit) are asked again after a {@link Backoff} wait (growing, jittered, inside the invocation's time), a
 * bounded number of times; then it gives up with an exception, which the caller handles as any DynamoDB failure.
 */
final class BatchReader {
    static final int KEYS_PER_REQUEST = 100;
    static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Backoff backoff;

    BatchReader(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Backoff.forInvocation());
    }

    BatchReader(DynamoDbClient dynamo, String table, Backoff backoff) {
        this.dynamo = dynamo;
        this.table = table;
        this.backoff = backoff;
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
                backoff.beforeAttempt(attempt + 1, "DynamoDB left keys unprocessed");
            }
        }
    }
}
