package com.saasspend.atlassian.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** An HttpApi function for tests: remembers the event it got (as the Lambda runtime deserialized it) and answers 200. */
public final class EchoHttpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    public static final AtomicReference<APIGatewayV2HTTPEvent> LAST = new AtomicReference<>();
    public static final AtomicReference<String> LAST_REQUEST_ID = new AtomicReference<>();

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        LAST.set(event);
        LAST_REQUEST_ID.set(context.getAwsRequestId());
        if ("/boom".equals(event.getRawPath())) {
            throw new IllegalStateException("boom");
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(event.getRawPath().endsWith("/created") ? 201 : 200)
                .withHeaders(Map.of("Content-Type", "application/json", "X-Route", event.getRouteKey(),
                        "Access-Control-Allow-Origin", "https://evil.example"))
                .withCookies(java.util.List.of("a=1; Path=/"))
                .withBody("{\"ok\":true}")
                .build();
    }
}
