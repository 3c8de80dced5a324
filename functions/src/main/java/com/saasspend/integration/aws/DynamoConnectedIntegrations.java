package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.ConnectedIntegrations;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Reads the sparse ConnectedIntegrations index: only connected integration records are in it. */
public final class DynamoConnectedIntegrations implements ConnectedIntegrations {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoConnectedIntegrations(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public long forEachConnected(Consumer<SyncRequest> onEach, String reason) {
        long[] read = {0};
        dynamo.queryPaginator(r -> r.tableName(table).indexName(TableKeys.CONNECTED_INDEX)
                        .keyConditionExpression(TableKeys.CONNECTED_PK + " = :p")
                        .expressionAttributeValues(Map.of(":p", s(TableKeys.CONNECTED_PARTITION))))
                .items()
                .forEach(item -> {
                    read[0]++;
                    IntegrationType.fromId(str(item, "type")).ifPresent(type ->
                            onEach.accept(new SyncRequest(str(item, "tenantId"), type, reason)));
                });
        return read[0];
    }
}
