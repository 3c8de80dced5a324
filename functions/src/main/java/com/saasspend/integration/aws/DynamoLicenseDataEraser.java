package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.LicenseDataEraser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Deletes a tenant's synced license data: every item of its license partition ({@code TENANT#t#LICENSES}). The
 * tenant partition (integration records, reclaim audit) is a different partition and stays.
 */
public final class DynamoLicenseDataEraser implements LicenseDataEraser {
    private static final int BATCH = 25;
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoLicenseDataEraser(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void eraseSyncedData(String tenantId) {
        List<WriteRequest> deletes = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .projectionExpression("pk, sk")
                        .expressionAttributeValues(Map.of(":pk", s(TableKeys.licenses(tenantId)))))
                .items()
                .forEach(key -> {
                    deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build());
                    if (deletes.size() == BATCH) {
                        write(deletes);
                        deletes.clear();
                    }
                });
        if (!deletes.isEmpty()) {
            write(deletes);
        }
    }

    private void write(List<WriteRequest> requests) {
        Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(requests));
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 8) {
                throw new IllegalStateException("DynamoDB kept unprocessed deletes");
            }
            Map<String, List<WriteRequest>> request = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(request));
            Map<String, List<WriteRequest>> unprocessed = response.unprocessedItems();
            pending = unprocessed == null ? Map.of() : unprocessed;
            if (!pending.isEmpty()) {
                sleep(50L << attempt);
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
