package com.saasspend.atlassian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The benchmark's corner of the AWS emulator (moto, found through AWS_ENDPOINT_URL like the product finds AWS): a
 * table created from template.yaml's own StateTable definition (so the measured schema is the deployed one), a bus,
 * a secret prefix. Adapted from the functions module's test fixtures (EmulatedAws, StateTables), which are test code.
 */
public final class EmulatedAws {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder().build();

    /** Unmetered: setup, and sizing items for the meter. */
    public final DynamoDbClient plainDynamo;
    public final EventBridgeClient events;
    public final String table;
    public final String bus;
    public final String secretPrefix;
    /** Null: the endpoint the SDK finds itself (AWS_ENDPOINT_URL), as the product's clients do. */
    public final String endpoint;

    public EmulatedAws() {
        this(null);
    }

    /** On another emulator than AWS_ENDPOINT_URL's (figure 4's large sync runs on its own moto). */
    public EmulatedAws(String endpoint) {
        this.endpoint = endpoint;
        var dynamo = DynamoDbClient.builder().httpClient(HTTP);
        var bridge = EventBridgeClient.builder().httpClient(HTTP);
        if (endpoint != null) {
            dynamo.endpointOverride(java.net.URI.create(endpoint));
            bridge.endpointOverride(java.net.URI.create(endpoint));
        }
        plainDynamo = dynamo.build();
        events = bridge.build();
        String id = UUID.randomUUID().toString().substring(0, 8);
        table = createStateTable(plainDynamo, "bench-" + id);
        bus = "bench-sync-" + id;
        events.createEventBus(r -> r.name(bus));
        secretPrefix = "bench-" + id + "/saasspend";
    }

    /** An EventBridge client on this emulator whose calls also pass through {@code interceptor}. */
    public EventBridgeClient eventBridge(software.amazon.awssdk.core.interceptor.ExecutionInterceptor interceptor) {
        var bridge = EventBridgeClient.builder().httpClient(HTTP).overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
        if (endpoint != null) {
            bridge.endpointOverride(java.net.URI.create(endpoint));
        }
        return bridge.build();
    }

    /** An SQS client on this emulator whose calls also pass through {@code interceptor}. */
    public software.amazon.awssdk.services.sqs.SqsClient sqs(software.amazon.awssdk.core.interceptor.ExecutionInterceptor interceptor) {
        var sqs = software.amazon.awssdk.services.sqs.SqsClient.builder().httpClient(HTTP).overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
        if (endpoint != null) {
            sqs.endpointOverride(java.net.URI.create(endpoint));
        }
        return sqs.build();
    }

    /** A Secrets Manager client on this emulator whose calls also pass through {@code interceptor}. */
    public software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secretsManager(
            software.amazon.awssdk.core.interceptor.ExecutionInterceptor interceptor) {
        var secrets = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder().httpClient(HTTP)
                .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor));
        if (endpoint != null) {
            secrets.endpointOverride(java.net.URI.create(endpoint));
        }
        return secrets.build();
    }

    /**
     * A queue made like template.yaml's {@code logicalId} (FIFO, visibility timeout, deduplication as declared): its
     * URL and ARN.
     */
    public String[] queueLike(software.amazon.awssdk.services.sqs.SqsClient sqs, String logicalId) {
        JsonNode props = template().path("Resources").path(logicalId).path("Properties");
        if (props.isMissingNode()) {
            throw new IllegalStateException("template.yaml has no " + logicalId);
        }
        Map<software.amazon.awssdk.services.sqs.model.QueueAttributeName, String> attributes = new HashMap<>();
        boolean fifo = props.path("FifoQueue").asBoolean(false);
        if (fifo) {
            attributes.put(software.amazon.awssdk.services.sqs.model.QueueAttributeName.FIFO_QUEUE, "true");
        }
        if (props.has("VisibilityTimeout")) {
            attributes.put(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, props.path("VisibilityTimeout").asText());
        }
        if (props.path("ContentBasedDeduplication").asBoolean(false)) {
            attributes.put(software.amazon.awssdk.services.sqs.model.QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
        }
        String name = table + "-" + logicalId.toLowerCase(java.util.Locale.ROOT) + (fifo ? ".fifo" : "");
        String url = sqs.createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN))
                .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN);
        return new String[] {url, arn};
    }

    /** A DynamoDB client whose every call is measured by {@code meter}. */
    public static DynamoDbClient meteredDynamo(CapacityMeter meter) {
        return DynamoDbClient.builder().httpClient(HTTP).overrideConfiguration(o -> o.addExecutionInterceptor(meter)).build();
    }

    /** A DynamoDB client on this emulator whose every call is measured by {@code meter}. */
    public DynamoDbClient meteredDynamoHere(CapacityMeter meter) {
        var dynamo = DynamoDbClient.builder().httpClient(HTTP).overrideConfiguration(o -> o.addExecutionInterceptor(meter));
        if (endpoint != null) {
            dynamo.endpointOverride(java.net.URI.create(endpoint));
        }
        return dynamo.build();
    }

    /**
     * The product's clients (as the composition root gets them) on this emulator, DynamoDB replaced by {@code dynamo}:
     * on another emulator than AWS_ENDPOINT_URL's, every client points at it.
     */
    public com.saasspend.integration.aws.AwsClients clients(DynamoDbClient dynamo) {
        var clients = com.saasspend.integration.aws.AwsClients.fromEnvironment().withDynamoDb(dynamo);
        if (endpoint == null) {
            return clients;
        }
        var none = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() { };
        return clients.withSecretsManager(secretsManager(none)).withEventBridge(eventBridge(none)).withSqs(sqs(none));
    }

    /**
     * A metered DynamoDB client for calls moto answers slowly on a large table (a base-table Query walks every item of
     * the table, then sorts the partition): one attempt of up to {@code attemptTimeout}, never retried. The default
     * client's 30 s read timeout and DynamoDB's 8 retries re-sent a slow query while moto still answered the first
     * copy, piling work onto a single-threaded emulator until every attempt timed out.
     */
    public static DynamoDbClient patientMeteredDynamo(CapacityMeter meter, java.time.Duration attemptTimeout) {
        SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(attemptTimeout).build();
        return DynamoDbClient.builder().httpClient(http).overrideConfiguration(o -> o.addExecutionInterceptor(meter)
                .apiCallAttemptTimeout(attemptTimeout).apiCallTimeout(attemptTimeout)
                .retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())).build();
    }

    /** The environment the functions read, pointing at these resources and at a simulator. */
    public Map<String, String> env(String simulatorBaseUrl) {
        Map<String, String> vars = new HashMap<>();
        vars.put("TABLE_NAME", table);
        vars.put("SECRET_NAME_PREFIX", secretPrefix);
        vars.put("EVENT_BUS_NAME", bus);
        vars.put("ATLASSIAN_ADMIN_URL", simulatorBaseUrl);
        vars.put("ATLASSIAN_SITE_ROUTE", simulatorBaseUrl + "/site/{host}");
        vars.put("TRELLO_API_URL", simulatorBaseUrl + "/trello");
        vars.put("BITBUCKET_API_URL", simulatorBaseUrl + "/bitbucket");
        if (endpoint != null) {
            vars.put("AWS_ENDPOINT_URL", endpoint);
        }
        return vars;
    }

    static String createStateTable(DynamoDbClient dynamo, String name) {
        JsonNode props = template().path("Resources").path("StateTable").path("Properties");
        if (props.isMissingNode()) {
            throw new IllegalStateException("template.yaml has no StateTable");
        }
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
            indexes.add(GlobalSecondaryIndex.builder().indexName(i.path("IndexName").asText())
                    .keySchema(keySchema(i.path("KeySchema"))).projection(projection.build()).build());
        });
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(name)
                .billingMode(BillingMode.fromValue(props.path("BillingMode").asText()))
                .attributeDefinitions(attributes).keySchema(keySchema(props.path("KeySchema")));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        dynamo.createTable(request.build());
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
        return name;
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    /** template.yaml as data (Jackson drops CloudFormation short tags and keeps their values, enough for the table). */
    static JsonNode template() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                try {
                    return YAML.readTree(candidate.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
