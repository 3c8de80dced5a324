package com.saasspend.integration.sync;

import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.BITBUCKET_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_ADMIN_EMAIL;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_API_TOKEN;
import static com.saasspend.atlassian.sim.DemoCredentials.SITE_HOST;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_ENTERPRISE_ID;
import static com.saasspend.atlassian.sim.DemoCredentials.TRELLO_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.Stack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator holds, read straight over HTTP in one big page per call, independent of the product's clients
 * (their paging and parsing are what the tests check).
 */
final class ProductTruth {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ProductTruth() {}

    static JsonNode get(String url, String basicUser, String basicToken) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
            if (basicUser != null) {
                request.header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((basicUser + ":" + basicToken).getBytes(StandardCharsets.UTF_8)));
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return ApiEvents.parse(response.body());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static String site(Stack stack) {
        return stack.sim.baseUrl() + "/site/" + SITE_HOST;
    }

    /** Group id -> name of the Jira site's groups. */
    static Map<String, String> jiraGroups(Stack stack) {
        Map<String, String> groups = new TreeMap<>();
        get(site(stack) + "/rest/api/3/group/bulk?maxResults=1000", SITE_ADMIN_EMAIL, SITE_API_TOKEN).path("values")
                .forEach(g -> groups.put(g.path("groupId").asText(), g.path("name").asText()));
        return groups;
    }

    /** Application role key -> the role as Jira answers it. */
    static Map<String, JsonNode> jiraRoles(Stack stack) {
        Map<String, JsonNode> roles = new TreeMap<>();
        get(site(stack) + "/rest/api/3/applicationrole", SITE_ADMIN_EMAIL, SITE_API_TOKEN).forEach(r -> roles.put(r.path("key").asText(), r));
        return roles;
    }

    static Map<String, String> confluenceGroups(Stack stack) {
        Map<String, String> groups = new TreeMap<>();
        get(site(stack) + "/wiki/rest/api/group?limit=1000", SITE_ADMIN_EMAIL, SITE_API_TOKEN).path("results")
                .forEach(g -> groups.put(g.path("id").asText(), g.path("name").asText()));
        return groups;
    }

    /** Trello member id -> the enterprise's view of them (licensed, deactivated, member.dateLastImpression, ...). */
    static Map<String, JsonNode> trelloMembers(Stack stack) {
        Map<String, JsonNode> members = new TreeMap<>();
        String cursor = null;
        JsonNode page;
        do {
            page = get(stack.sim.baseUrl() + "/trello/1/enterprises/" + TRELLO_ENTERPRISE_ID + "/members/query?key=" + TRELLO_API_KEY
                    + "&token=" + TRELLO_TOKEN + (cursor == null ? "" : "&cursor=" + cursor), null, null);
            page.forEach(m -> members.put(m.path("member").path("id").asText(), m));
            cursor = page.size() == 0 ? null : page.get(page.size() - 1).path("member").path("id").asText();
        } while (page.size() == 100);
        return members;
    }

    /** Bitbucket user uuid -> permission (owner, collaborator, member) of everyone in the workspace. */
    static Map<String, String> bitbucketPermissions(Stack stack, String workspace) {
        Map<String, String> members = new TreeMap<>();
        String url = stack.sim.baseUrl() + "/bitbucket/2.0/workspaces/" + workspace + "/permissions?pagelen=100";
        while (url != null) {
            JsonNode page = get(url, BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
            page.path("values").forEach(v -> members.put(v.path("user").path("uuid").asText(), v.path("permission").asText()));
            url = page.path("next").isTextual() ? page.path("next").asText() : null;
        }
        return members;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
