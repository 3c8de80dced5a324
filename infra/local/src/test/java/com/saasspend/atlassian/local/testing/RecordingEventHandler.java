package com.saasspend.atlassian.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An EventBridge-invoked function for tests, typed like the sync worker (a Map of the event): records each event.
 * Events whose detail says "fail" throw, to exercise retries.
 */
public final class RecordingEventHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final BlockingQueue<Map<String, Object>> EVENTS = new LinkedBlockingQueue<>();

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        EVENTS.add(event);
        Object detail = event.get("detail");
        if (detail instanceof Map<?, ?> d && "fail".equals(d.get("reason"))) {
            throw new IllegalStateException("asked to fail");
        }
        return Map.of("recorded", true);
    }
}
