package com.saasspend.atlassian.bench;

import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.aws.DynamoIntegrationStore;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.SyncDispatcher;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Figure 7: the 15-minute tick at 10,000 connected integrations. The table also holds disconnected integration
 * records and user items, which the tick must not read. Integration records are written by
 * {@link DynamoIntegrationStore#save} once per status and copied (BatchWriteItem) for the other tenants, so every
 * record has the exact shape the store writes; user items are written by the license store.
 */
public final class DispatcherBenchmark {
    public record Setup(int connected, int disconnected, int userItems) {}

    public record Run(long putEventsCalls, long published, long integrationsRead, long itemsRead, Map<String, Long> itemsReadByKind,
                      double readUnits, long millis) {}

    public record Result(Setup setup, List<Run> runs) {}

    public static Result measure(int connected, int disconnected, int tenantsWithUsers, int usersEach, int runs) {
        EmulatedAws aws = new EmulatedAws();
        DynamoDbClient plain = aws.plainDynamo;
        DynamoIntegrationStore store = new DynamoIntegrationStore(plain, aws.table);
        Map<String, AttributeValue> connectedShape = shape(store, plain, aws.table, tenant(0), IntegrationStatus.CONNECTED);
        Map<String, AttributeValue> disconnectedShape = shape(store, plain, aws.table, "bench-disconnected-00000", IntegrationStatus.DISCONNECTED);
        List<WriteRequest> puts = new ArrayList<>();
        for (int i = 1; i < connected; i++) {
            puts.add(copy(connectedShape, tenant(i)));
        }
        for (int i = 1; i < disconnected; i++) {
            puts.add(copy(disconnectedShape, String.format(Locale.ROOT, "bench-disconnected-%05d", i)));
        }
        batchWrite(plain, aws.table, puts);
        DynamoLicenseStore licenses = new DynamoLicenseStore(plain, aws.table);
        for (int t = 0; t < tenantsWithUsers; t++) {
            List<com.saasspend.integration.domain.sync.Hashed<OrgUser>> users = new ArrayList<>();
            for (int u = 0; u < usersEach; u++) {
                String id = String.format(Locale.ROOT, "712020:bench-%05d-%05d", t, u);
                users.add(AtlassianOrgSync.hashed(new OrgUser(id, "User " + u, "user" + u + "@example.com", "atlassian", "active",
                        "active", "managed", false, "2024-01-01T00:00:00Z",
                        List.of(new OrgUser.ProductAccess("jira-software", "ari:cloud:jira-software::site/x", "2026-11-01T00:00:00Z")),
                        List.of(new OrgUser.GroupRef("g1", "jira-software-users")))));
            }
            licenses.putUsers(tenant(t), users, Instant.now());
        }
        Setup setup = new Setup(connected, disconnected, tenantsWithUsers * usersEach);
        System.out.printf("[dispatcher] table holds %,d connected and %,d disconnected integration records and %,d user items%n",
                connected, disconnected, setup.userItems());

        CapacityMeter meter = new CapacityMeter(aws.plainDynamo);
        DynamoDbClient metered = EmulatedAws.meteredDynamo(meter);
        List<Run> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            // The dispatcher as its function builds it (the composition root), on the metered DynamoDB client and an
            // EventBridge client that counts its PutEvents calls.
            AtomicLong putEventsCalls = new AtomicLong();
            EventBridgeClient countingEvents = aws.eventBridge(countPutEvents(putEventsCalls));
            SyncDispatcher dispatcher = new Services(new Env(Map.of("TABLE_NAME", aws.table, "EVENT_BUS_NAME", aws.bus)),
                    Clock.systemUTC(), AwsClients.fromEnvironment().withDynamoDb(metered).withEventBridge(countingEvents)).syncDispatcher();
            CapacityMeter.Snapshot before = meter.snapshot();
            long t0 = System.nanoTime();
            SyncDispatcher.Dispatched dispatched = dispatcher.dispatch("schedule");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            CapacityMeter.Snapshot read = meter.snapshot().minus(before);
            Map<String, Long> byKind = new HashMap<>();
            read.byKind().forEach((kind, tally) -> byKind.put(kind, tally.itemsRead()));
            Run r = new Run(putEventsCalls.get(), dispatched.requestsPublished(), dispatched.integrationsRead(),
                    read.total().itemsRead(), byKind, read.total().readUnits(), millis);
            results.add(r);
            System.out.printf("[dispatcher] run %d: %,d PutEvents calls for %,d requests; %,d items read %s, %.1f read units, %,d ms%n",
                    run, r.putEventsCalls(), r.published(), r.itemsRead(), byKind, r.readUnits(), millis);
        }
        return new Result(setup, results);
    }

    /** Counts the PutEvents calls a client sends. */
    private static ExecutionInterceptor countPutEvents(AtomicLong calls) {
        return new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if ("PutEvents".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    calls.incrementAndGet();
                }
            }
        };
    }

    static String tenant(int i) {
        return String.format(Locale.ROOT, "bench-tenant-%05d", i);
    }

    /** Saves one record through the product's store and reads back the item it wrote. */
    private static Map<String, AttributeValue> shape(DynamoIntegrationStore store, DynamoDbClient dynamo, String table, String tenant,
                                                     IntegrationStatus status) {
        store.save(new Integration(tenant, IntegrationType.ATLASSIAN, status,
                Map.of("orgId", "4f7c1a9e-2b3d-4e8f-9a6b-5c0d1e2f3a4b", "orgName", "Acme Corp"),
                "saasspend/" + tenant + "/atlassian/0b1c2d3e", null, Instant.now(), "admin@" + tenant + ".example",
                null, null, false, 0), 0);
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("TENANT#" + tenant), "sk", AttributeValue.fromS("INTEGRATION#atlassian")))).item();
    }

    /** The same item for another tenant: every attribute naming the tenant is rewritten. */
    private static WriteRequest copy(Map<String, AttributeValue> shape, String tenant) {
        String from = shape.get("tenantId").s();
        Map<String, AttributeValue> item = new HashMap<>();
        shape.forEach((name, value) -> item.put(name, value.s() != null ? AttributeValue.fromS(value.s().replace(from, tenant)) : value));
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static void batchWrite(DynamoDbClient dynamo, String table, List<WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> request = Map.of(table, writes.subList(from, Math.min(writes.size(), from + 25)));
            while (request != null && !request.isEmpty()) {
                Map<String, List<WriteRequest>> current = request;
                request = dynamo.batchWriteItem(r -> r.requestItems(current)).unprocessedItems();
            }
        }
    }
}
