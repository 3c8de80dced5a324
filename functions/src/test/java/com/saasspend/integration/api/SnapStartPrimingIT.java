package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.aws.PrimingGuard;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.CapturedLines;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SnapStart priming (what Lambda runs before it snapshots an API function) against moto and the simulator, next to a
 * tenant with a synced org: every API function's priming answers its routes without a 5xx, and leaves the table, the
 * secrets and the bus exactly as they were. The guard under it refuses any SDK call but a DynamoDB read, even from a
 * route that writes.
 */
@ExtendWith(AwsEmulator.class)
class SnapStartPrimingIT {
    private static final String TENANT = "t";
    private static Stack stack;

    @BeforeAll
    static void syncedTenant() {
        stack = new Stack(SimWorlds.demo(), Clock.systemUTC());
        APIGatewayV2HTTPResponse connected = stack.call(TENANT, "POST /integrations/{type}", "/integrations/atlassian",
                Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
        assertEquals(201, connected.getStatusCode(), connected.getBody());
        assertEquals("COMPLETED", Services.of(stack.env, Clock.systemUTC()).orgSync().run(TENANT, Budget.unlimited()).outcome().name());
        stack.aws.drainSyncEvents();
    }

    @AfterAll
    static void close() {
        stack.close();
    }

    @Test
    void everyApiFunctionsPrimingAnswersItsRoutesAndChangesNothing() {
        String table = stack.aws.dumpTable();
        List<String> secrets = stack.aws.secretNames();
        Services services = Services.of(stack.env, Clock.systemUTC());
        new IntegrationsApiHandler(services);
        new LicensesApiHandler(services);
        new ReclaimApiHandler(services);
        try (CapturedLines log = new CapturedLines()) {
            for (Class<? extends HttpApiHandler> function : List.of(IntegrationsApiHandler.class, LicensesApiHandler.class, ReclaimApiHandler.class)) {
                List<Integer> statuses = SnapStartPriming.of(function).prime();
                assertFalse(statuses.isEmpty(), function.getSimpleName() + " primes at least one route");
                assertTrue(statuses.stream().allMatch(s -> s < 500), function.getSimpleName() + " answered " + statuses);
            }
            assertTrue(log.logLines(line -> line.path("level").asText().equals("ERROR")).isEmpty(), log.text());
            List<JsonNode> done = log.logLines(line -> line.path("message").asText().equals("SnapStart priming done"));
            assertEquals(3, done.size(), log.text());
        }
        assertEquals(table, stack.aws.dumpTable(), "priming wrote nothing to the table");
        assertEquals(secrets, stack.aws.secretNames(), "priming created or deleted no secret");
        assertEquals(List.of(), stack.aws.drainSyncEvents(), "priming published no event");
    }

    @Test
    void whilePrimingAWriteOrASecretReadIsRefusedBeforeItIsSent() {
        String table = stack.aws.dumpTable();
        List<String> secrets = stack.aws.secretNames();
        PrimingGuard.during(() -> {
            assertThrows(PrimingGuard.RefusedWhilePriming.class, () -> stack.aws.dynamo.putItem(r -> r.tableName(stack.aws.table)
                    .item(Map.of("pk", AttributeValue.fromS("TENANT#" + TENANT), "sk", AttributeValue.fromS("PRIMED")))));
            assertThrows(PrimingGuard.RefusedWhilePriming.class, () -> stack.aws.secrets.getSecretValue(r -> r.secretId(secrets.get(0))));
            // A route that writes (connect: a secret, an item, an event) fails as a whole instead of writing anything.
            APIGatewayV2HTTPResponse connect = stack.integrations.handleRequest(ApiEvents.request("POST /integrations/{type}",
                    "/integrations/atlassian", Map.of("type", "atlassian"),
                    "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}", "another-tenant"), null);
            assertEquals(500, connect.getStatusCode(), connect.getBody());
        });
        assertEquals(table, stack.aws.dumpTable());
        assertEquals(secrets, stack.aws.secretNames());
        assertEquals(List.of(), stack.aws.drainSyncEvents());
        // Outside priming the same clients work as always.
        assertEquals(1, stack.aws.dynamo.getItem(r -> r.tableName(stack.aws.table).key(Map.of(
                "pk", AttributeValue.fromS("TENANT#" + TENANT), "sk", AttributeValue.fromS("INTEGRATION#atlassian")))).item().isEmpty() ? 0 : 1);
    }
}
