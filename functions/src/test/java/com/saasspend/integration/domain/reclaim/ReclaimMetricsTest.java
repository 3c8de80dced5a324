package com.saasspend.integration.domain.reclaim;

import static com.saasspend.integration.domain.reclaim.ReclaimFakes.CONFLUENCE;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.JIRA;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.TENANT;
import static com.saasspend.integration.domain.reclaim.ReclaimFakes.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.api.ReclaimApiHandler;
import com.saasspend.integration.common.Env;
import com.saasspend.integration.common.Metrics;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.testing.ApiEvents;
import com.saasspend.integration.testing.CapturedLines;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reclaim through its handler: the EMF lines it emits (one ReclaimGroupResults line per group outcome, by Outcome),
 * and the key it uses (the stored one, not a warm instance's cached copy from before a rotation).
 */
class ReclaimMetricsTest {
    private final ReclaimFakes.FakeAtlassian atlassian = new ReclaimFakes.FakeAtlassian();
    private final ReclaimFakes.Licenses licenses = new ReclaimFakes.Licenses();
    /** A vault with a cache, as SecretsManagerVault: a read answers the cached copy until forgotten. */
    private String storedKey = ReclaimFakes.API_KEY;
    private String cachedKey;
    private final CredentialVault vault = new CredentialVault() {
        @Override public String create(String tenantId, IntegrationType type, Map<String, String> secret) { throw new UnsupportedOperationException(); }
        @Override public void replace(String secretName, Map<String, String> secret) { throw new UnsupportedOperationException(); }
        @Override public void delete(String secretName) { throw new UnsupportedOperationException(); }
        @Override public void forget(String secretName) { cachedKey = null; }

        @Override
        public Map<String, String> read(String secretName) {
            if (cachedKey == null) {
                cachedKey = storedKey;
            }
            return Map.of("apiKey", cachedKey);
        }
    };
    /** Keys Atlassian answers 401 to. */
    private final Set<String> revoked = new HashSet<>();
    private final CapturedLines lines = new CapturedLines();
    private final ReclaimApiHandler handler;

    ReclaimMetricsTest() {
        licenses.groups.put("g1", ReclaimFakes.group("g1", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g2", ReclaimFakes.group("g2", JIRA, "jira-software", "dir-1"));
        licenses.groups.put("g3", ReclaimFakes.group("g3", CONFLUENCE, "confluence", "dir-1"));
        licenses.users.put(USER, new OrgUser(USER, "Uma User", "uma@example.com", "atlassian", "active", "active", null, false, null,
                List.of(new OrgUser.ProductAccess("jira-software", JIRA, "2026-01-01T00:00:00Z"),
                        new OrgUser.ProductAccess("confluence", CONFLUENCE, null)),
                List.of(new OrgUser.GroupRef("g1", "g1-name"), new OrgUser.GroupRef("g2", "g2-name"), new OrgUser.GroupRef("g3", "g3-name"))));
        atlassian.memberships.put(USER, new HashSet<>(Set.of("g1", "g2", "g3")));
        atlassian.failOnRemove.put("g3", new ArrayDeque<>(List.of(
                new UpstreamFailure(UpstreamFailure.Kind.FORBIDDEN, 403, "Atlassian answered HTTP 403", null))));
        AtlassianOrgApi checkingKeys = (AtlassianOrgApi) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AtlassianOrgApi.class}, (proxy, method, args) -> {
                    if (args != null && Arrays.stream(args).anyMatch(revoked::contains)) {
                        throw new UpstreamFailure(UpstreamFailure.Kind.UNAUTHORIZED, 401, "Atlassian answered HTTP 401", null);
                    }
                    try {
                        return method.invoke(atlassian, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ReclaimService service = new ReclaimService(new ReclaimFakes.Integrations(), vault, checkingKeys, licenses,
                new ReclaimFakes.Audit(), new ReclaimFakes.Keys(), new ReclaimFakes.Settings(), new ReclaimFakes.Requests(),
                new com.saasspend.integration.domain.savings.InMemorySavingsStore(), new ReclaimFakes.Published(),
                new ReclaimFakes.MovableClock());
        handler = new ReclaimApiHandler(new Env(Map.of()), service);
    }

    @AfterEach
    void stopCapturing() {
        lines.close();
    }

    private APIGatewayV2HTTPResponse reclaim(String key) {
        APIGatewayV2HTTPEvent event = ApiEvents.request("POST /reclaims", "/reclaims", Map.of(),
                "{\"accountId\":\"" + USER + "\",\"groupIds\":[\"g1\",\"g2\",\"g3\"]}", TENANT);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("idempotency-key", key);
        event.setHeaders(headers);
        return handler.handleRequest(event, null);
    }

    @Test
    void aReclaimUsesTheStoredKeyNotOneAWarmInstanceCachedBeforeARotation() {
        vault.read("secret");              // cached by an earlier request of this warm instance
        storedKey = "rotated-key-123";     // then the admin rotated the key
        revoked.add(ReclaimFakes.API_KEY);
        atlassian.failOnRemove.clear();

        APIGatewayV2HTTPResponse response = reclaim("key-2");

        assertEquals(201, response.getStatusCode(), response.getBody());
        ApiEvents.json(response).path("groups").forEach(g -> assertEquals("removed", g.path("result").asText(), response.getBody()));
    }

    @Test
    void aReclaimEmitsOneLinePerGroupOutcomeAndAReplayNone() {
        APIGatewayV2HTTPResponse response = reclaim("key-1");
        assertEquals(201, response.getStatusCode(), response.getBody());

        Map<String, Long> expected = new TreeMap<>();
        ApiEvents.json(response).path("groups").forEach(g -> expected.merge(g.path("result").asText(), 1L, Long::sum));
        assertEquals(2L, expected.get("removed"), response.getBody());
        Map<String, Long> emitted = new TreeMap<>();
        for (JsonNode line : lines.metric("ReclaimGroupResults")) {
            assertEquals(List.of(List.of("Outcome")), CapturedLines.dimensionSets(line));
            assertEquals("Count", CapturedLines.unit(line, "ReclaimGroupResults"));
            assertEquals(Metrics.DEFAULT_NAMESPACE, line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
            assertEquals(TENANT, line.path("tenant").asText(), "the tenant is a property, not a dimension");
            emitted.merge(line.path("Outcome").asText(), line.path("ReclaimGroupResults").asLong(), Long::sum);
        }
        assertEquals(expected, emitted);
        assertEquals(expected.size(), lines.metric("ReclaimGroupResults").size(), "one line per outcome");

        int before = lines.metricLines().size();
        assertEquals(201, reclaim("key-1").getStatusCode());
        assertEquals(before, lines.metricLines().size(), "a replayed key counts nothing again");
    }
}
