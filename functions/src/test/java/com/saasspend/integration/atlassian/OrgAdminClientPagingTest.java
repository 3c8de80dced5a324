package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.atlassian.FakeHttpClient.Answer;
import com.saasspend.integration.domain.UpstreamFailure;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every paging loop of {@link OrgAdminClient} stops with BROKEN_PAGING, naming the listing, when Atlassian answers the
 * same page with the same next cursor again and again; and it still follows a listing that does advance.
 */
class OrgAdminClientPagingTest {
    private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1),
            Duration.ofSeconds(1), Duration.ZERO);

    private static final AtlassianEndpoints ENDPOINTS = new AtlassianEndpoints("http://atlassian.test", null,
            "http://trello.test", "http://bitbucket.test");

    private FakeHttpClient client;

    private OrgAdminClient clientAnswering(Function<String, String> bodyByPath) {
        client = new FakeHttpClient(r -> Answer.json(200, bodyByPath.apply(r.uri().getPath())));
        return new OrgAdminClient(new AtlassianHttp(client, ONCE, delay -> {}), ENDPOINTS);
    }

    /** v1 and workspaces: next is a URL carrying the cursor. */
    private static String stuckV1(String item) {
        return "{\"data\":[" + item + "],\"links\":{\"self\":\"http://atlassian.test/x\",\"next\":\"http://atlassian.test/x?cursor=SAME\"}}";
    }

    /** v2 directories and role assignments: next is an opaque cursor. */
    private static String stuckV2(String item) {
        return "{\"data\":[" + item + "],\"links\":{\"next\":\"SAME\"}}";
    }

    private void assertBroken(Runnable listing, String listingName) {
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, listing::run);
        assertEquals(UpstreamFailure.Kind.BROKEN_PAGING, failure.kind());
        assertTrue(failure.getMessage().contains(listingName), failure.getMessage());
        assertEquals(2, client.requests.size(), "stopped at the first repeated cursor");
    }

    @Test
    void organizationsWithAStuckCursor() {
        OrgAdminClient api = clientAnswering(path -> stuckV1("{\"id\":\"org-1\"}"));
        assertBroken(() -> api.orgIdsOfKey("key"), "organizations");
    }

    @Test
    void domainsWithAStuckCursor() {
        OrgAdminClient api = clientAnswering(path -> stuckV1("{\"attributes\":{\"name\":\"acme.com\",\"claim\":{\"status\":\"verified\"}}}"));
        assertBroken(() -> api.domains("org-1", "key"), "domains");
    }

    @Test
    void directoriesWithAStuckCursor() {
        OrgAdminClient api = clientAnswering(path -> stuckV2("{\"directoryId\":\"d1\"}"));
        assertBroken(() -> api.directoryCount("org-1", "key"), "directories");
    }

    @Test
    void workspacesWithAStuckCursor() {
        OrgAdminClient api = clientAnswering(path -> stuckV1("{\"id\":\"w1\",\"attributes\":{\"type\":\"jira\"}}"));
        assertBroken(() -> api.productInstances("org-1", "key"), "product instances");
    }

    @Test
    void roleAssignmentsWithAStuckCursor() {
        OrgAdminClient api = clientAnswering(path -> stuckV2("{\"resourceId\":\"ari:cloud:jira::site/1\",\"roles\":[\"atlassian/user\"]}"));
        assertBroken(() -> api.groupGrants("org-1", "key", "g-1"), "role assignments of group g-1");
    }

    @Test
    void anEmptyPageClaimingMoreIsBrokenToo() {
        OrgAdminClient api = clientAnswering(path -> "{\"data\":[],\"links\":{\"next\":\"MORE\"}}");
        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> api.directoryCount("org-1", "key"));
        assertEquals(UpstreamFailure.Kind.BROKEN_PAGING, failure.kind());
        assertEquals(1, client.requests.size());
    }

    @Test
    void aListingThatAdvancesIsFollowedToItsEnd() {
        client = new FakeHttpClient(r -> {
            String query = r.uri().getRawQuery();
            if (query == null) {
                return Answer.json(200, "{\"data\":[{\"id\":\"o1\"}],\"links\":{\"next\":\"http://atlassian.test/admin/v1/orgs?cursor=c2\"}}");
            }
            return Answer.json(200, "{\"data\":[{\"id\":\"o2\"}],\"links\":{}}");
        });
        OrgAdminClient advancing = new OrgAdminClient(new AtlassianHttp(client, ONCE, delay -> {}), ENDPOINTS);

        assertEquals(java.util.List.of("o1", "o2"), advancing.orgIdsOfKey("key"));
        assertEquals("cursor=c2", client.requests.get(1).uri().getRawQuery());
    }
}
