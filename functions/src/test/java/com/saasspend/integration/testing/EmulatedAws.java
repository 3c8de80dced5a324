package com.saasspend.integration.testing;

import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.EventBridgeSyncRequester;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One test class's private corner of the emulator: its own table (from template.yaml), secret prefix, bus, and a
 * queue subscribed to the bus's sync events, so a test can read what was published.
 */
public final class EmulatedAws {
    private static final AwsClients CLIENTS = AwsClients.fromEnvironment();
    public final DynamoDbClient dynamo = CLIENTS.dynamoDb();
    public final SecretsManagerClient secrets = CLIENTS.secretsManager();
    public final EventBridgeClient events = CLIENTS.eventBridge();
    public final SqsClient sqs = SqsClient.builder().build();
    public final String table;
    public final String secretPrefix;
    public final String bus;
    public final String syncQueueUrl;
    /** The bulk reclaim jobs' FIFO queue (the template's ReclaimJobsQueue); tests drive the worker from it. */
    public final String jobsQueueUrl;

    public EmulatedAws() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        table = StateTables.create(dynamo);
        secretPrefix = "test-" + id + "/saasspend";
        bus = "sync-" + id;
        events.createEventBus(r -> r.name(bus));
        syncQueueUrl = sqs.createQueue(r -> r.queueName("sync-" + id)).queueUrl();
        jobsQueueUrl = sqs.createQueue(r -> r.queueName("jobs-" + id + ".fifo").attributes(java.util.Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(syncQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name("all-sync-" + id).eventBusName(bus)
                .eventPattern("{\"source\":[\"" + EventBridgeSyncRequester.SOURCE + "\"],\"detail-type\":[\""
                        + EventBridgeSyncRequester.DETAIL_TYPE + "\"]}"));
        events.putTargets(r -> r.rule("all-sync-" + id).eventBusName(bus)
                .targets(t -> t.id("queue").arn(queueArn)));
    }

    /**
     * Deletes this test's table, so the one emulator a whole test run shares does not hold every test's items in
     * memory (the full suite otherwise grows moto past 7 GB). Best effort: a failure here never fails a test.
     */
    public void deleteTable() {
        try {
            dynamo.deleteTable(r -> r.tableName(table));
        } catch (RuntimeException e) {
            System.err.println("could not delete test table " + table + ": " + e);
        }
    }

    /** The environment the functions read, pointing at this test's resources. */
    public java.util.Map<String, String> env() {
        return java.util.Map.of("TABLE_NAME", table, "SECRET_NAME_PREFIX", secretPrefix, "EVENT_BUS_NAME", bus,
                "RECLAIM_JOBS_QUEUE_URL", jobsQueueUrl);
    }

    /** The sync events published so far (drains the queue). */
    public List<String> drainSyncEvents() {
        List<String> bodies = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(syncQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return bodies;
            }
            for (Message m : messages) {
                bodies.add(m.body());
                sqs.deleteMessage(r -> r.queueUrl(syncQueueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** Names of the secrets under this test's prefix that still exist. */
    public List<String> secretNames() {
        List<String> names = new ArrayList<>();
        secrets.listSecretsPaginator(r -> r.includePlannedDeletion(false)).stream()
                .flatMap(page -> page.secretList().stream())
                .filter(secret -> secret.name().startsWith(secretPrefix))
                .forEach(secret -> names.add(secret.name()));
        return names;
    }

    /** Every item of one partition, by sort key, as text (for tests that something wrote nothing there). */
    public java.util.SortedMap<String, String> dumpPartition(String pk) {
        java.util.SortedMap<String, String> items = new java.util.TreeMap<>();
        dynamo.queryPaginator(r -> r.tableName(table).keyConditionExpression("pk = :pk").consistentRead(true)
                        .expressionAttributeValues(java.util.Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk))))
                .items().forEach(item -> items.put(item.get("sk").s(), new java.util.TreeMap<>(item).toString()));
        return items;
    }

    /** Every item of the table as text (for tests that a secret never lands in DynamoDB). */
    public String dumpTable() {
        StringBuilder all = new StringBuilder();
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(item -> all.append(item).append('\n'));
        return all.toString();
    }
}
