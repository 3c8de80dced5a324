package com.saasspend.integration.api;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import com.saasspend.integration.wiring.Services;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A planted, distinctive org API key goes through a connect, a sync, failures and a rejected rotation: it must
 * appear in no log line (ours or anything printed to stdout/stderr), no DynamoDB item, no response and no event.
 */
@ExtendWith(AwsEmulator.class)
class SecretsNeverLeakIT {
    private static final String CANARY = "ATCTT3xCanaryKeyDoNotLeak7f3a9c2e1b8d6f40";
    private static final String WRONG_CANARY = "ATCTT3xWrongCanaryNeverValid5e4d3c2b1a09";

    @Test
    void theKeyAppearsNowhereButInSecretsManager() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        List<String> bodies = new ArrayList<>();
        try (Stack stack = new Stack(SimWorlds.demo(seed -> ((ArrayNode) SimWorlds.org(seed, "Acme Corp").path("apiKeys")).addObject()
                .put("key", CANARY).put("label", "canary").put("expiresAt", "2027-12-31T00:00:00Z")), Clock.systemUTC())) {
            System.setOut(capture);
            System.setErr(capture);
            Log.output(capture);

            bodies.add(call(stack, "POST /integrations/{type}", "/integrations/atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + CANARY + "\"}", 201));
            AtlassianOrgSync sync = Services.of(stack.env, Clock.systemUTC()).orgSync();
            assertEquals(AtlassianOrgSync.Outcome.COMPLETED, sync.run("t", Budget.unlimited()).outcome());
            bodies.add(call(stack, "POST /integrations/{type}", "/integrations/atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + WRONG_CANARY + "\"}", 422));
            bodies.add(call(stack, "POST /integrations/{type}", "/integrations/atlassian", "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + CANARY + " \"}", 200));
            bodies.add(call(stack, "PUT /integrations/{type}/credentials", "/integrations/atlassian/credentials",
                    "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + WRONG_CANARY + "\",\"bogus\":\"" + CANARY + "\"}", 400));
            stack.sim.world().revokeKey(CANARY);
            assertEquals(AtlassianOrgSync.Outcome.FAILED, Services.of(stack.env, Clock.systemUTC()).orgSync().run("t", Budget.unlimited()).outcome());
            bodies.add(call(stack, "GET /integrations", "/integrations", null, 200));
            bodies.add(stack.licenses("t", "GET /licenses", "/licenses", Map.of(), Map.of(), null).getBody());

            String logs = captured.toString(StandardCharsets.UTF_8);
            assertTrue(logs.contains("\"level\""), "the test captured the structured log");
            assertFalse(logs.contains(CANARY), "no log line carries the key");
            assertFalse(logs.contains(WRONG_CANARY), "no log line carries a rejected key");
            String table = stack.aws.dumpTable();
            assertFalse(table.contains(CANARY) || table.contains(WRONG_CANARY), "no DynamoDB item carries a key");
            for (String body : bodies) {
                assertFalse(body.contains(CANARY) || body.contains(WRONG_CANARY), "no response carries a key: " + body);
            }
            for (String event : stack.aws.drainSyncEvents()) {
                assertFalse(event.contains(CANARY), "no event carries a key");
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Log.output(stdout);
        }
    }

    private static String call(Stack stack, String route, String path, String body, int expected) {
        Map<String, String> params = path.startsWith("/integrations/") ? Map.of("type", "atlassian") : Map.of();
        APIGatewayV2HTTPResponse response = stack.call("t", route, path, params, body);
        assertEquals(expected, response.getStatusCode(), response.getBody());
        return response.getBody();
    }
}
