package com.saasspend.integration.aws;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** BatchWriteItem in chunks of 25, sending unprocessed items again with backoff until DynamoDB takes them all. */
final class BatchWriter {
    private static final int CHUNK = 25;
    private static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamo;
    private final String table;

    BatchWriter(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
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
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB kept unprocessed items after " + MAX_ATTEMPTS + " attempts");
                }
                Map<String, List<WriteRequest>> current = pending;
                Map<String, List<WriteRequest>> unprocessed = dynamo.batchWriteItem(r -> r.requestItems(current)).unprocessedItems();
                pending = unprocessed == null ? Map.of() : unprocessed;
                if (!pending.isEmpty()) {
                    sleep(Math.min(2000, 25L << attempt));
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
