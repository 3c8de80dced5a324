package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The record the local stack sends to an OnFailure destination has the shape of Lambda's (AWS Lambda Developer Guide,
 * asynchronous invocation records): SyncFailuresIT checks it for a thrown exception; these the cases it does not reach.
 */
class OnFailureRecordTest {
    private static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:s-AtlassianSyncFunction";
    private static final Instant AT = Instant.parse("2026-11-30T10:00:00.123456Z");

    @Test
    void aTimedOutInvocationIsRecordedWithTheRuntimesTimeoutError() throws Exception {
        JsonNode record = ApiGatewayEvents.JSON.readTree(EventRuleRouter.onFailureRecord(ARN, "req-1", 3,
                "{\"detail-type\":\"IntegrationSyncRequested\",\"detail\":{\"tenantId\":\"t\"}}", new LambdaFunction.TimedOut(900), AT));

        assertEquals("1.0", record.path("version").asText());
        assertEquals("2026-11-30T10:00:00.123Z", record.path("timestamp").asText(), "milliseconds, UTC, as Lambda writes it");
        assertEquals(ARN + ":$LATEST", record.path("requestContext").path("functionArn").asText());
        assertEquals("req-1", record.path("requestContext").path("requestId").asText());
        assertEquals("RetriesExhausted", record.path("requestContext").path("condition").asText());
        assertEquals(3, record.path("requestContext").path("approximateInvokeCount").asInt());
        assertEquals("t", record.path("requestPayload").path("detail").path("tenantId").asText(), "the event as JSON, not a string");
        assertEquals("Unhandled", record.path("responseContext").path("functionError").asText());
        assertEquals("Sandbox.Timedout", record.path("responsePayload").path("errorType").asText());
        assertEquals("Task timed out after 900.00 seconds", record.path("responsePayload").path("errorMessage").asText());
    }

    @Test
    void aThrownExceptionIsRecordedAsTheFunctionsOwnNotTheInvokersWrapper() throws Exception {
        IllegalStateException thrown = new IllegalStateException("Atlassian answered 503");
        LambdaFunction.InvocationFailure failure = new LambdaFunction.InvocationFailure(thrown.getClass().getName(), thrown.getMessage(), thrown);

        JsonNode error = ApiGatewayEvents.JSON.readTree(EventRuleRouter.onFailureRecord(ARN, "req-2", 3, "{}", failure, AT))
                .path("responsePayload");

        assertEquals("java.lang.IllegalStateException", error.path("errorType").asText());
        assertEquals("Atlassian answered 503", error.path("errorMessage").asText());
        assertTrue(error.path("stackTrace").get(0).asText().contains("OnFailureRecordTest"), "the thrower's frames: " + error);
    }
}
