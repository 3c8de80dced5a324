package com.saasspend.atlassian.local.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A scheduled function for tests, typed like the sync dispatcher. */
public final class ScheduledEventHandler implements RequestHandler<ScheduledEvent, Map<String, Long>> {
    public static final AtomicReference<ScheduledEvent> LAST = new AtomicReference<>();

    @Override
    public Map<String, Long> handleRequest(ScheduledEvent event, Context context) {
        LAST.set(event);
        return Map.of("ticks", 1L);
    }
}
