package com.saasspend.atlassian.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the functions' Atlassian clients go locally: the simulator, through the variables AtlassianEndpoints reads
 * (unset in AWS, where the clients use Atlassian's public hosts).
 */
public final class SimulatorRouting {
    private SimulatorRouting() {}

    public static Map<String, String> environment(String simulatorUrl) {
        String base = simulatorUrl.replaceAll("/+$", "");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ATLASSIAN_ADMIN_URL", base);
        env.put("ATLASSIAN_SITE_ROUTE", base + "/site/{host}");
        env.put("TRELLO_API_URL", base + "/trello");
        env.put("BITBUCKET_API_URL", base + "/bitbucket");
        return env;
    }
}
