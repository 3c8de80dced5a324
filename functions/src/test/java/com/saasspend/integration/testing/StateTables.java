package com.saasspend.integration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/** Creates the state table on the emulator from template.yaml's own definition, so the tested schema is the deployed one. */
public final class StateTables {
    private StateTables() {}

    /** A fresh table with a unique name, so test classes never see each other's items. */
    public static String create(DynamoDbClient dynamo) {
        String name = "state-" + UUID.randomUUID();
        JsonNode props = Template.resource("StateTable").path("Properties");
        List<AttributeDefinition> attributes = new ArrayList<>();
        props.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        props.path("GlobalSecondaryIndexes").forEach(i -> {
            List<String> nonKey = new ArrayList<>();
            i.path("Projection").path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
            Projection.Builder projection = Projection.builder().projectionType(i.path("Projection").path("ProjectionType").asText());
            if (!nonKey.isEmpty()) {
                projection.nonKeyAttributes(nonKey);
            }
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(i.path("IndexName").asText())
                    .keySchema(keySchema(i.path("KeySchema")))
                    .projection(projection.build())
                    .build());
        });
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.fromValue(props.path("BillingMode").asText()))
                .attributeDefinitions(attributes)
                .keySchema(keySchema(props.path("KeySchema")));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        dynamo.createTable(request.build());
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        String ttl = props.path("TimeToLiveSpecification").path("AttributeName").asText(null);
        if (ttl != null) {
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t.attributeName(ttl).enabled(true)));
        }
        return name;
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }
}
