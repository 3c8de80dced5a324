package com.saasspend.integration.aws;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem in chunks of 25. The items DynamoDB leaves unprocessed (throttling) are sent again after a
 * {@link Backoff} wait (growing, jittered, inside the invocation's time), a bounded number of times; then it gives up
 * with an exception naming how many items were not written, never dropping any silently.
 */
final class BatchWriter {
    static final int CHUNK = 25;
    static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Backoff backoff;

    BatchWriter(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Backoff.forInvocation());
    }

    BatchWriter(DynamoDbClient dynamo, String table, Backoff backoff) {
        this.dynamo = dynamo;
        this.table = table;
        this.backoff = backoff;
    }

    static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    }

    void write(List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += CHUNK) {
            Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(requests.subList(from, Math.min(requests.size(), from + CHUNK))));
            for (int attempt = 1; ; attempt++) {
                Map<String, List<WriteRequest>> current = pending;
                Map<String, List<WriteRequest>> unprocessed = dynamo.batchWriteItem(r -> r.requestItems(current)).unprocessedItems();
                pending = unprocessed == null ? Map.of() : unprocessed;
                int left = pending.values().stream().mapToInt(List::size).sum();
                if (left == 0) {
                    break;
                }
                String undone = "DynamoDB left " + left + " of " + requests.size() + " writes unprocessed (not written)";
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException(undone + " after " + MAX_ATTEMPTS + " attempts");
                }
                backoff.beforeAttempt(attempt + 1, undone);
            }
        }
    }
}
