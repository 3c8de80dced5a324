package com.saasspend.integration.wiring;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.integration.aws.AwsClients;
import com.saasspend.integration.sync.SyncWorkerHandler;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.SimWorlds;
import com.saasspend.integration.testing.Stack;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The composition root gives a function instance one secret cache, whatever number of services use it: the org sync
 * worker's full sync and its targeted re-sync of a user (two services) read the tenant's key from Secrets Manager once.
 * With a vault per service (the wiring before the composition root) the refresh read it again.
 */
@ExtendWith(AwsEmulator.class)
class ServicesIT {
    /** Holds Jira and Confluence in the demo org. */
    private static final String IVAN = "712020:e97bae25-e933-508a-9fec-855b357e1f04";

    @Test
    void theOrgSyncAndTheUserRefreshOfOneWorkerShareOneSecretCache() {
        try (Stack stack = new Stack(SimWorlds.demo(), Clock.systemUTC())) {
            APIGatewayV2HTTPResponse connected = stack.call("t", "POST /integrations/{type}", "/integrations/atlassian",
                    Map.of("type", "atlassian"), "{\"orgId\":\"" + ORG_ID + "\",\"apiKey\":\"" + ORG_API_KEY + "\"}");
            assertEquals(201, connected.getStatusCode(), connected.getBody());
            AtomicLong secretReads = new AtomicLong();
            SecretsManagerClient counting = SecretsManagerClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                    new ExecutionInterceptor() {
                        @Override
                        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                            if ("GetSecretValue".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                                secretReads.incrementAndGet();
                            }
                        }
                    })).build();
            SyncWorkerHandler worker = new SyncWorkerHandler(new Services(stack.env, Clock.systemUTC(),
                    AwsClients.fromEnvironment().withSecretsManager(counting)));

            Map<String, Object> sync = worker.handleRequest(event(Map.of()), null);
            assertEquals("completed", sync.get("outcome"), String.valueOf(sync));
            assertEquals(1, secretReads.get(), "the full sync reads the key once");
            Map<String, Object> refresh = worker.handleRequest(event(Map.of("accountIds", List.of(IVAN))), null);
            assertEquals("users_refreshed", refresh.get("outcome"), String.valueOf(refresh));
            assertEquals(1, secretReads.get(), "the user refresh found the key in the same cache");
        }
    }

    private static Map<String, Object> event(Map<String, Object> extra) {
        Map<String, Object> detail = new java.util.HashMap<>(Map.of("tenantId", "t", "integration", "atlassian", "reason", "test"));
        detail.putAll(extra);
        return Map.of("detail-type", "IntegrationSyncRequested", "source", "saasspend.atlassian-integration", "detail", detail);
    }
}
