package com.saasspend.integration.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;

/** A Lambda Context whose invocation ends {@code remaining} after it is created, as Lambda counts it (wall clock). */
public final class DeadlineContext implements Context {
    private final long deadlineNanos;

    private DeadlineContext(Duration remaining) {
        this.deadlineNanos = System.nanoTime() + remaining.toNanos();
    }

    public static DeadlineContext endingIn(Duration remaining) {
        return new DeadlineContext(remaining);
    }

    @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000); }
    @Override public String getAwsRequestId() { return "test-request"; }
    @Override public String getLogGroupName() { return "test"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:test"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() { return null; }
}
