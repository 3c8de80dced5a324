package com.saasspend.integration.aws;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients, built once per Lambda instance. Region and credentials come from the Lambda environment; the
 * endpoint from the SDK's own rules, so the standard AWS_ENDPOINT_URL points tests and the local stack at the emulator
 * without any override in this code.
 */
public final class AwsClients {
    // One lean HTTP client shared by every SDK client (no apache/netty in the jar).
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder().build();

    private AwsClients() {}

    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(HTTP).build();
    }

    public static SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder().httpClient(HTTP).build();
    }

    public static SqsClient sqs() {
        return SqsClient.builder().httpClient(HTTP).build();
    }

    public static EventBridgeClient eventBridge() {
        return EventBridgeClient.builder().httpClient(HTTP).build();
    }
}
