package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.LicenseDataEraser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Deletes a tenant's synced license data: every item of its license partition ({@code TENANT#t#LICENSES}). The
 * tenant partition (integration records, reclaim audit) is a different partition and stays.
 */
public final class DynamoLicenseDataEraser implements LicenseDataEraser {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchWriter writer;

    public DynamoLicenseDataEraser(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.writer = new BatchWriter(dynamo, table);
    }

    /**
     * Revokes the lease of every sync of the tenant first (a running sync's writes check it, so from here on they are
     * refused), then deletes the partition with strongly consistent reads, so whatever a sync wrote before the
     * revocation is seen and deleted too.
     */
    @Override
    public void eraseSyncedData(String tenantId) {
        for (IntegrationType type : IntegrationType.values()) {
            deleteSyncState(tenantId, type.id());
        }
        deleteWhere(tenantId, null);
        // Where the org's audit-event stream was read up to: about the org being disconnected (a reconnect ignores it).
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)),
                TableKeys.SK, s(TableKeys.eventStream(IntegrationType.ATLASSIAN.id())))));
    }

    @Override
    public void eraseProductData(String tenantId, IntegrationType product) {
        deleteSyncState(tenantId, product.id());
        deleteWhere(tenantId, "PRODUCTSYNC#" + product.id() + "#");
    }

    /** The sync's checkpoint and lease: the checkpoint describes data about to be erased, the lease fences its writes. */
    private void deleteSyncState(String tenantId, String typeId) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of(TableKeys.PK, s(TableKeys.tenant(tenantId)),
                TableKeys.SK, s(TableKeys.syncState(typeId)))));
    }

    /** Deletes the license partition's items, all of them or those whose sort key starts with {@code prefix}. */
    private void deleteWhere(String tenantId, String prefix) {
        List<WriteRequest> deletes = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression(prefix == null ? "pk = :pk" : "pk = :pk AND begins_with(sk, :p)")
                        .projectionExpression("pk, sk")
                        .expressionAttributeValues(prefix == null ? Map.of(":pk", s(TableKeys.licenses(tenantId)))
                                : Map.of(":pk", s(TableKeys.licenses(tenantId)), ":p", s(prefix))))
                .items()
                .forEach(key -> {
                    deletes.add(BatchWriter.delete(key));
                    if (deletes.size() == 500) {
                        writer.write(deletes);
                        deletes.clear();
                    }
                });
        writer.write(deletes);
    }
}
