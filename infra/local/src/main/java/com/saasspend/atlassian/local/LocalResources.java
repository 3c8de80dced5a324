package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the template's stateful resources on the emulator from their own definitions: every DynamoDB table (keys,
 * attributes, indexes, TTL), every custom event bus and every SQS queue. Re-running against the same emulator keeps
 * what exists. Settings that only matter in AWS (encryption, backups, deletion protection) are left out, so a local
 * table can be thrown away.
 */
public final class LocalResources {
    private final SamTemplate template;
    private final TemplateValues values;
    private final DynamoDbClient dynamo;
    private final EventBridgeClient events;
    private final SqsClient sqs;
    private final Map<String, String> created = new LinkedHashMap<>();

    public LocalResources(SamTemplate template, TemplateValues values, DynamoDbClient dynamo, EventBridgeClient events, SqsClient sqs) {
        this.template = template;
        this.values = values;
        this.dynamo = dynamo;
        this.events = events;
        this.sqs = sqs;
    }

    /** Logical id → local physical name (queue URL for queues) of what was created or found. */
    public Map<String, String> createAll() {
        template.resourcesOfType("AWS::DynamoDB::Table").forEach((id, node) -> created.put(id, createTable(id, node.path("Properties"))));
        template.resourcesOfType("AWS::Events::EventBus").forEach((id, node) -> created.put(id, createBus(id)));
        template.resourcesOfType("AWS::SQS::Queue").forEach((id, node) -> created.put(id, createQueue(id, node.path("Properties"))));
        return created;
    }

    private String createTable(String logicalId, JsonNode props) {
        String name = values.physicalName(logicalId);
        List<AttributeDefinition> attributes = new ArrayList<>();
        props.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        boolean provisioned = "PROVISIONED".equals(props.path("BillingMode").asText("PROVISIONED"));
        List<GlobalSecondaryIndex> globalIndexes = new ArrayList<>();
        props.path("GlobalSecondaryIndexes").forEach(i -> {
            GlobalSecondaryIndex.Builder index = GlobalSecondaryIndex.builder()
                    .indexName(i.path("IndexName").asText())
                    .keySchema(keySchema(i.path("KeySchema")))
                    .projection(projection(i.path("Projection")));
            if (provisioned) {
                index.provisionedThroughput(throughput(i.path("ProvisionedThroughput")));
            }
            globalIndexes.add(index.build());
        });
        List<LocalSecondaryIndex> localIndexes = new ArrayList<>();
        props.path("LocalSecondaryIndexes").forEach(i -> localIndexes.add(LocalSecondaryIndex.builder()
                .indexName(i.path("IndexName").asText())
                .keySchema(keySchema(i.path("KeySchema")))
                .projection(projection(i.path("Projection")))
                .build()));
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(attributes)
                .keySchema(keySchema(props.path("KeySchema")))
                .billingMode(provisioned ? BillingMode.PROVISIONED : BillingMode.PAY_PER_REQUEST);
        if (provisioned) {
            request.provisionedThroughput(throughput(props.path("ProvisionedThroughput")));
        }
        if (!globalIndexes.isEmpty()) {
            request.globalSecondaryIndexes(globalIndexes);
        }
        if (!localIndexes.isEmpty()) {
            request.localSecondaryIndexes(localIndexes);
        }
        try {
            dynamo.createTable(request.build());
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        } catch (ResourceInUseException alreadyThere) {
            return name;
        }
        JsonNode ttl = props.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean(false) && ttl.has("AttributeName")) {
            dynamo.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
        return name;
    }

    private String createBus(String logicalId) {
        String name = values.physicalName(logicalId);
        try {
            events.createEventBus(r -> r.name(name));
        } catch (ResourceAlreadyExistsException alreadyThere) {
            // kept from an earlier run against the same emulator
        }
        return name;
    }

    private String createQueue(String logicalId, JsonNode props) {
        String name = values.physicalName(logicalId);
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        copy(props, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attributes);
        copy(props, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attributes);
        copy(props, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attributes);
        copy(props, "FifoQueue", QueueAttributeName.FIFO_QUEUE, attributes);
        copy(props, "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, attributes);
        return sqs.createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
    }

    private void copy(JsonNode props, String property, QueueAttributeName attribute, Map<QueueAttributeName, String> into) {
        if (props.has(property)) {
            into.put(attribute, values.resolve(props.get(property)));
        }
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    private static Projection projection(JsonNode node) {
        Projection.Builder projection = Projection.builder().projectionType(node.path("ProjectionType").asText("ALL"));
        List<String> nonKey = new ArrayList<>();
        node.path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
        if (!nonKey.isEmpty()) {
            projection.nonKeyAttributes(nonKey);
        }
        return projection.build();
    }

    private static ProvisionedThroughput throughput(JsonNode node) {
        return ProvisionedThroughput.builder()
                .readCapacityUnits(node.path("ReadCapacityUnits").asLong(5))
                .writeCapacityUnits(node.path("WriteCapacityUnits").asLong(5))
                .build();
    }
}
