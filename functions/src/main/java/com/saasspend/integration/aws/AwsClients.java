package com.saasspend.integration.aws;

import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients of one Lambda instance: one of each, built on first use and shared by every adapter (the
 * composition root, {@code wiring/Services}, holds one of these). Region and credentials come from the Lambda
 * environment; the endpoint from the SDK's own rules, so the standard AWS_ENDPOINT_URL points tests and the local stack
 * at the emulator without any override in this code. Every client carries {@link PrimingGuard}, which refuses writes and
 * secret reads while a SnapStart snapshot is being primed.
 */
public final class AwsClients {
    // One lean HTTP client shared by every SDK client (no apache/netty in the jar).
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder().build();

    private final Memo<DynamoDbClient> dynamoDb;
    private final Memo<SecretsManagerClient> secretsManager;
    private final Memo<EventBridgeClient> eventBridge;
    private final Memo<SqsClient> sqs;

    private AwsClients(Supplier<DynamoDbClient> dynamoDb, Supplier<SecretsManagerClient> secretsManager,
                       Supplier<EventBridgeClient> eventBridge, Supplier<SqsClient> sqs) {
        this.dynamoDb = new Memo<>(dynamoDb);
        this.secretsManager = new Memo<>(secretsManager);
        this.eventBridge = new Memo<>(eventBridge);
        this.sqs = new Memo<>(sqs);
    }

    /** The production clients, each built when first asked for (a dispatcher never builds a Secrets Manager client). */
    public static AwsClients fromEnvironment() {
        return new AwsClients(
                () -> DynamoDbClient.builder().httpClient(HTTP).overrideConfiguration(PrimingGuard::install).build(),
                () -> SecretsManagerClient.builder().httpClient(HTTP).overrideConfiguration(PrimingGuard::install).build(),
                () -> EventBridgeClient.builder().httpClient(HTTP).overrideConfiguration(PrimingGuard::install).build(),
                () -> SqsClient.builder().httpClient(HTTP).overrideConfiguration(PrimingGuard::install).build());
    }

    /** The same clients except DynamoDB (benchmarks: a metered client). */
    public AwsClients withDynamoDb(DynamoDbClient replacement) {
        return new AwsClients(() -> replacement, secretsManager, eventBridge, sqs);
    }

    /** The same clients except Secrets Manager (tests: a client that counts its secret reads). */
    public AwsClients withSecretsManager(SecretsManagerClient replacement) {
        return new AwsClients(dynamoDb, () -> replacement, eventBridge, sqs);
    }

    /** The same clients except EventBridge (benchmarks: a client that counts its PutEvents calls). */
    public AwsClients withEventBridge(EventBridgeClient replacement) {
        return new AwsClients(dynamoDb, secretsManager, () -> replacement, sqs);
    }

    /** The same clients except SQS (benchmarks: a client that times its calls). */
    public AwsClients withSqs(SqsClient replacement) {
        return new AwsClients(dynamoDb, secretsManager, eventBridge, () -> replacement);
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb.get();
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager.get();
    }

    public EventBridgeClient eventBridge() {
        return eventBridge.get();
    }

    /** The bulk reclaim jobs' queue (the reclaim API and the jobs worker only). */
    public SqsClient sqs() {
        return sqs.get();
    }

    /**
     * SnapStart priming: builds every client and sends one DynamoDB GetItem on a key no item can have (every key of the
     * table starts with {@code TENANT#}), so the snapshot holds the SDK's classes, its signer and an open connection.
     * Reads nothing secret and writes nothing.
     */
    public void prime(String table) {
        secretsManager();
        eventBridge();
        dynamoDb().getItem(r -> r.tableName(table).key(Map.of(
                TableKeys.PK, AttributeValue.fromS("snapstart-priming"), TableKeys.SK, AttributeValue.fromS("snapstart-priming"))));
    }

    /** Built once, on first use; thread-safe (a local stack runs concurrent invocations on one set of clients). */
    private static final class Memo<T> implements Supplier<T> {
        private final Supplier<T> build;
        private volatile T value;

        Memo(Supplier<T> build) {
            this.build = build;
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = build.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
