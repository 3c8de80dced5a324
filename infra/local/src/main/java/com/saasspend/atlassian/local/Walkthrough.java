package com.saasspend.atlassian.local;

import com.saasspend.atlassian.sim.DemoCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The copy-pasteable tour printed at start: curl commands in product order. A step shows only when the stack can
 * serve it (every route it calls is in template.yaml, plus what else it needs), so steps of features still to come
 * stay hidden until their route lands; whoever changes a route's contract adjusts its step here. Values a later
 * step needs (an account id, a reclaim id) are captured into shell variables with python3 (a prerequisite already).
 */
public final class Walkthrough {

    /** What a step may depend on. */
    public record Facts(Set<String> routeKeys, boolean hasEventRules, boolean hasSchedules) {}

    /**
     * One curl: to the API (with the token) or to the control port. {@code capture}, when set, is "VAR=python
     * expression over the JSON answer d" and exports VAR instead of printing the answer.
     */
    public record Call(String method, String routePath, String path, String body, List<String> headers, boolean control,
                       String capture) {

        static Call api(String method, String routePath, String path) {
            return new Call(method, routePath, path, null, List.of(), false, null);
        }

        static Call control(String method, String path) {
            return new Call(method, null, path, null, List.of(), true, null);
        }

        Call body(String json) {
            return new Call(method, routePath, path, json, headers, control, capture);
        }

        Call header(String header) {
            List<String> all = new ArrayList<>(headers);
            all.add(header);
            return new Call(method, routePath, path, body, all, control, capture);
        }

        Call capture(String variable, String pythonExpression) {
            return new Call(method, routePath, path, body, headers, control, variable + "=" + pythonExpression);
        }

        String routeKey() {
            return method + " " + routePath;
        }
    }

    /** A titled step of one or more calls, shown when {@code shownWhen} holds and the template has every route called. */
    public record Step(String title, List<Call> calls, Predicate<Facts> shownWhen) {

        static Step of(String title, Call... calls) {
            return new Step(title, List.of(calls), f -> true);
        }

        Step when(Predicate<Facts> condition) {
            return new Step(title, calls, shownWhen.and(condition));
        }

        /** Also requires these routes: the steps whose shell variables this one uses. */
        Step needs(String... routeKeys) {
            return when(f -> f.routeKeys().containsAll(List.of(routeKeys)));
        }

        boolean shown(Facts facts) {
            return shownWhen.test(facts) && calls.stream().allMatch(c -> c.control() || facts.routeKeys().contains(c.routeKey()));
        }
    }

    /** The routes of the step that sets ACCOUNT_ID and GROUP_IDS. */
    private static final String[] PICK_USER = {"GET /users", "GET /users/{accountId}/access-groups"};

    /** The connect forms' values for the demo org (the same the tour's curl commands send), by integration type. */
    static Map<String, Map<String, String>> demoForms() {
        Map<String, String> site = Map.of("siteUrl", "https://" + DemoCredentials.SITE_HOST, "email", DemoCredentials.SITE_ADMIN_EMAIL,
                "apiToken", DemoCredentials.SITE_API_TOKEN);
        return Map.of(
                "atlassian", Map.of("orgId", DemoCredentials.ORG_ID, "apiKey", DemoCredentials.ORG_API_KEY,
                        "apiKeyExpiresOn", DemoCredentials.ORG_API_KEY_EXPIRES_AT.substring(0, 10)),
                "jira", site,
                "confluence", site,
                "trello", Map.of("apiKey", DemoCredentials.TRELLO_API_KEY, "token", DemoCredentials.TRELLO_TOKEN,
                        "enterpriseId", DemoCredentials.TRELLO_ENTERPRISE_ID),
                "bitbucket", Map.of("workspace", DemoCredentials.BITBUCKET_LINKED_WORKSPACE, "email", DemoCredentials.BITBUCKET_EMAIL,
                        "apiToken", DemoCredentials.BITBUCKET_API_TOKEN));
    }

    /** The tour, in order. */
    static List<Step> steps() {
        String site = "https://" + DemoCredentials.SITE_HOST;
        String siteCredentials = "{\"siteUrl\":\"" + site + "\",\"email\":\"" + DemoCredentials.SITE_ADMIN_EMAIL
                + "\",\"apiToken\":\"" + DemoCredentials.SITE_API_TOKEN + "\"}";
        String reclaimBody = "{\"accountId\":\"'\"$ACCOUNT_ID\"'\",\"groupIds\":'\"$GROUP_IDS\"'}";
        return List.of(
                Step.of("Connect the Atlassian organization (the simulator's demo org and its org API key)",
                        Call.api("POST", "/integrations/{type}", "/integrations/atlassian").body("{\"orgId\":\""
                                + DemoCredentials.ORG_ID + "\",\"apiKey\":\"" + DemoCredentials.ORG_API_KEY
                                + "\",\"apiKeyExpiresOn\":\"" + DemoCredentials.ORG_API_KEY_EXPIRES_AT.substring(0, 10) + "\"}")),
                Step.of("Connect Jira (site admin's email + API token)",
                        Call.api("POST", "/integrations/{type}", "/integrations/jira").body(siteCredentials)),
                Step.of("Connect Confluence (same site)",
                        Call.api("POST", "/integrations/{type}", "/integrations/confluence").body(siteCredentials)),
                Step.of("See the integrations: 3 connected, reclaimEnabled true",
                        Call.api("GET", "/integrations", "/integrations")),
                Step.of("Optional: connect Trello", Call.api("POST", "/integrations/{type}", "/integrations/trello").body(
                        "{\"apiKey\":\"" + DemoCredentials.TRELLO_API_KEY + "\",\"token\":\"" + DemoCredentials.TRELLO_TOKEN
                                + "\",\"enterpriseId\":\"" + DemoCredentials.TRELLO_ENTERPRISE_ID + "\"}")),
                Step.of("Optional: connect Bitbucket", Call.api("POST", "/integrations/{type}", "/integrations/bitbucket").body(
                        "{\"workspace\":\"" + DemoCredentials.BITBUCKET_LINKED_WORKSPACE + "\",\"email\":\""
                                + DemoCredentials.BITBUCKET_EMAIL + "\",\"apiToken\":\"" + DemoCredentials.BITBUCKET_API_TOKEN + "\"}")),
                // Connecting the org asks for a first sync; a sync worker (an EventBridgeRule function) runs it.
                Step.of("Watch the first sync in this log (connecting asked for one); then lastSuccessfulSyncAt is set",
                        Call.api("GET", "/integrations", "/integrations")).when(Facts::hasEventRules),
                Step.of("The License page: seats per product", Call.api("GET", "/licenses", "/licenses")),
                Step.of("Tenant settings (inactivity threshold, seat prices)", Call.api("GET", "/settings", "/settings")),
                Step.of("Ask for a sync now", Call.api("POST", "/integrations/{type}/sync", "/integrations/atlassian/sync")),
                Step.of("Or run the 15-minute schedule now: one sync request per connected integration",
                        Call.control("POST", "/tick")).when(Facts::hasSchedules),
                Step.of("List inactive users", Call.api("GET", "/users", "/users?status=inactive")),
                Step.of("Take the first inactive user, and the access groups that grant their seats",
                        Call.api("GET", "/users", "/users?status=inactive&limit=1")
                                .capture("ACCOUNT_ID", "d['users'][0]['accountId']"),
                        Call.api("GET", "/users/{accountId}/access-groups", "/users/$ACCOUNT_ID/access-groups")
                                .capture("GROUP_IDS", "json.dumps([g['id'] for g in d['groups'] if g.get('grants')])")),
                Step.of("Plan the reclaim: what removing the user from those groups frees",
                        Call.api("POST", "/reclaims/plan", "/reclaims/plan").body(reclaimBody)).needs(PICK_USER),
                Step.of("Run the reclaim (the Idempotency-Key makes a retry safe)",
                        Call.api("POST", "/reclaims", "/reclaims").body(reclaimBody)
                                .header("Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')")
                                .capture("RECLAIM_ID", "d['id']")).needs(PICK_USER),
                Step.of("What reclaiming saves: unused seats and their monthly cost, seats reclaimed this month and to date",
                        Call.api("GET", "/savings", "/savings")),
                Step.of("The daily savings history for charts (one item per day, written by each completed sync)",
                        Call.api("GET", "/savings/history", "/savings/history")),
                Step.of("Undo it", Call.api("POST", "/reclaims/{id}/undo", "/reclaims/$RECLAIM_ID/undo"))
                        .needs(PICK_USER).needs("POST /reclaims"),
                Step.of("Plan a bulk reclaim: everyone inactive on Jira (included users, skipped ones with why, seats and cost)",
                        Call.api("POST", "/reclaim-jobs/plan", "/reclaim-jobs/plan")
                                .body("{\"filter\":{\"product\":\"jira-software\",\"status\":\"inactive\"}}")
                                .capture("PLAN_ID", "d['id']")),
                Step.of("Run the plan as a job: the worker takes one user at a time from the queue (watch this log)",
                        Call.api("POST", "/reclaim-jobs", "/reclaim-jobs").body("{\"planId\":\"'\"$PLAN_ID\"'\"}")
                                .header("Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')")
                                .capture("JOB_ID", "d['id']")).needs("POST /reclaim-jobs/plan"),
                Step.of("Follow the job: counts, seats and cost freed so far, time left, per-user results",
                        Call.api("GET", "/reclaim-jobs/{id}", "/reclaim-jobs/$JOB_ID")).needs("POST /reclaim-jobs/plan", "POST /reclaim-jobs"),
                Step.of("Undo the whole job (a job too; follow it the same way)",
                        Call.api("POST", "/reclaim-jobs/{id}/undo", "/reclaim-jobs/$JOB_ID/undo"))
                        .needs("POST /reclaim-jobs/plan", "POST /reclaim-jobs"),
                Step.of("A reclaim policy in approve mode: idle Confluence seats (30 days), evaluated after each completed org sync",
                        Call.api("POST", "/policies", "/policies").body("{\"name\":\"Idle Confluence seats\",\"products\":[\"confluence\"],"
                                        + "\"condition\":{\"type\":\"inactive\",\"days\":30},\"mode\":\"approve\",\"maxReclaimsPerRun\":20}")
                                .capture("POLICY_ID", "d['id']")),
                Step.of("What it would do now (candidates, seats and cost, users skipped with why; writes nothing)",
                        Call.api("POST", "/policies/{id}/preview", "/policies/$POLICY_ID/preview")).needs("POST /policies"),
                Step.of("Sync now; when the sync completes the policy records pending actions (ReclaimActionsPending in this log)",
                        Call.api("POST", "/integrations/{type}/sync", "/integrations/atlassian/sync")).needs("POST /policies")
                        .when(Facts::hasEventRules),
                Step.of("The pending actions; approve the first: a normal reclaim (undo it on /reclaims)",
                        Call.api("GET", "/policy-actions", "/policy-actions?status=pending").capture("ACTION_ID", "d['actions'][0]['id']"),
                        Call.api("POST", "/policy-actions/{id}/approve", "/policy-actions/$ACTION_ID/approve")).needs("POST /policies"),
                Step.of("Approve the policy's other pending actions at once: one bulk reclaim job (each action gets its jobId)",
                        Call.api("POST", "/policy-actions/approve", "/policy-actions/approve")
                                .body("{\"policyId\":\"'\"$POLICY_ID\"'\",\"status\":\"pending\"}")
                                .header("Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')")
                                .capture("POLICY_JOB_ID", "d['job']['id']"),
                        Call.api("GET", "/reclaim-jobs/{id}", "/reclaim-jobs/$POLICY_JOB_ID")).needs("POST /policies"),
                Step.of("Switch it to auto with no grace: the next completed sync notices the users (ReclaimNoticeDue), the one after "
                                + "reclaims, unless Atlassian says the user is active again",
                        Call.api("PUT", "/policies/{id}", "/policies/$POLICY_ID").body("{\"name\":\"Idle Confluence seats\",\"products\":"
                                + "[\"confluence\"],\"condition\":{\"type\":\"inactive\",\"days\":30},\"mode\":\"auto\",\"graceDays\":0,"
                                + "\"maxReclaimsPerRun\":20}"),
                        Call.api("POST", "/integrations/{type}/sync", "/integrations/atlassian/sync")).needs("POST /policies"),
                Step.of("The kill switch: no policy of the tenant is evaluated, no due reclaim runs",
                        Call.api("PUT", "/settings", "/settings").body("{\"inactivityDays\":30,\"policiesPaused\":true}")));
    }

    /** The steps the stack can serve, as shell lines ($API, $CONTROL and $TOKEN set by the first lines). */
    public static List<String> render(Facts facts, String apiUrl, String controlUrl, String tokenCommand) {
        List<String> lines = new ArrayList<>();
        lines.add("export API=" + apiUrl + " CONTROL=" + controlUrl);
        lines.add("export TOKEN=" + tokenCommand);
        int n = 1;
        for (Step step : steps()) {
            if (!step.shown(facts)) {
                continue;
            }
            lines.add("");
            lines.add("# " + n++ + ". " + step.title());
            step.calls().forEach(call -> lines.add(render(call)));
        }
        return lines;
    }

    private static String render(Call call) {
        StringBuilder curl = new StringBuilder("curl -s");
        if (!"GET".equals(call.method())) {
            curl.append(" -X ").append(call.method());
        }
        curl.append(" \"").append(call.control() ? "$CONTROL" : "$API").append(call.path()).append('"');
        if (!call.control()) {
            curl.append(" -H \"Authorization: Bearer $TOKEN\"");
        }
        call.headers().forEach(h -> curl.append(" -H \"").append(h).append('"'));
        if (call.body() != null) {
            curl.append(" -H 'content-type: application/json' -d '").append(call.body()).append('\'');
        }
        if (call.capture() == null) {
            return curl.append("; echo").toString();
        }
        String[] capture = call.capture().split("=", 2);
        return "export " + capture[0] + "=$(" + curl + " | python3 -c \"import json,sys; d=json.load(sys.stdin); print("
                + capture[1] + ")\"); echo \"" + capture[0] + "=$" + capture[0] + "\"";
    }
}
