package com.saasspend.atlassian.local;

/**
 * One HttpApi event of a function: API Gateway's route "{METHOD} {path}" (method ANY matches every method) and the
 * function it integrates with. {@code authorizer} is the event's Auth.Authorizer ("NONE" opts the route out of the
 * API's default authorizer), or null for the API's default.
 */
public record HttpRoute(String method, String path, String functionLogicalId, String eventName, String apiLogicalId,
                        String authorizer) {

    /** API Gateway's route key, as the handler sees it in event.routeKey: "POST /integrations/{type}". */
    public String routeKey() {
        return "$default".equals(path) ? "$default" : method + " " + path;
    }
}
