package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One AWS::Serverless::Function of the template: what to load, its limits, and what invokes it. */
public record SamFunction(String logicalId, String handler, String runtime, int timeoutSeconds, int memoryMb,
                          List<Event> events) {

    /** One entry of the function's Events: its name, SAM type (HttpApi, EventBridgeRule, ScheduleV2...) and properties. */
    public record Event(String name, String type, JsonNode properties) {}

    public List<Event> eventsOfType(String... types) {
        return events.stream().filter(e -> List.of(types).contains(e.type())).toList();
    }

    /** "com.x.Handler::handleRequest" → "com.x.Handler". */
    public String handlerClass() {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }

    /** "com.x.Handler::handleRequest" → "handleRequest"; Lambda's default when the handler names only the class. */
    public String handlerMethod() {
        int sep = handler.indexOf("::");
        return sep < 0 ? "handleRequest" : handler.substring(sep + 2);
    }

    public boolean isJava() {
        return runtime.startsWith("java");
    }
}
