package com.saasspend.integration.atlassian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.atlassian.FakeHttpClient.Answer;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.products.GroupRef;
import com.saasspend.integration.domain.products.JiraRole;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** What the product clients make of Jira's and Bitbucket's answers, with a fake HttpClient. */
class ProductClientsTest {
    private static final RetrySettings ONCE = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1),
            Duration.ofSeconds(1), Duration.ZERO);

    private static AtlassianHttp http(Function<HttpRequest, Answer> answers) {
        return new AtlassianHttp(new FakeHttpClient(answers), ONCE, delay -> {});
    }

    @Test
    void jiraGroupsWithoutAGroupIdAreSkippedNeverListedAsNull() {
        JiraClient jira = new JiraClient(http(r -> Answer.json(200, """
                {"startAt":0,"maxResults":3,"isLast":false,"values":[
                  {"name":"legacy-a","groupId":null},{"name":"legacy-b"},{"name":"jira-users","groupId":"g-1"}]}""")),
                "http://acme.test", "Basic x");

        Page<GroupRef> page = jira.groups(null);

        assertEquals(List.of(new GroupRef("g-1", "jira-users")), page.items());
        assertEquals("3", page.nextCursor(), "the skipped groups still count for the next startAt");
    }

    @Test
    void applicationRoleGroupsWithoutAGroupIdAreSkipped() {
        JiraClient jira = new JiraClient(http(r -> Answer.json(200, """
                [{"key":"jira-software","name":"Jira","groupDetails":[{"name":"old","groupId":null},{"name":"jira-users","groupId":"g-1"}],
                  "defaultGroupsDetails":[{"name":"old"}],"defaultGroups":["old","jira-users"],"numberOfSeats":10,"remainingSeats":2,"userCount":8}]""")),
                "http://acme.test", "Basic x");

        JiraRole role = jira.applicationRoles().get(0);

        assertEquals(List.of(new GroupRef("g-1", "jira-users")), role.groups());
        assertFalse(role.groups().stream().anyMatch(g -> g.id() == null || "null".equals(g.id())));
    }

    @Test
    void aJiraThatAnswersTheSamePageAgainGivesTheSameNextStartAt() {
        JiraClient jira = new JiraClient(http(r -> Answer.json(200, """
                {"startAt":0,"maxResults":2,"isLast":false,"values":[{"name":"a","groupId":"g-1"},{"name":"b","groupId":"g-2"}]}""")),
                "http://acme.test", "Basic x");

        assertEquals("2", jira.groups(null).nextCursor());
        assertEquals("2", jira.groups("2").nextCursor(), "a repeat, for the listing's PagingGuard to catch");
    }

    @Test
    void aLastJiraPageEndsTheListing() {
        JiraClient jira = new JiraClient(http(r -> Answer.json(200, """
                {"startAt":4,"maxResults":2,"isLast":true,"values":[{"accountId":"a-1","active":true}]}""")),
                "http://acme.test", "Basic x");

        assertNull(jira.members("g-1", "4").nextCursor());
    }

    @Test
    void bitbucketRefusingTheDeprecatedCollaboratorFilterMeansNoCollaborators() {
        String refused = "{\"type\":\"error\",\"error\":{\"message\":\"Invalid permission: collaborator\"}}";
        BitbucketClient bitbucket = new BitbucketClient(http(r -> r.uri().getRawQuery().contains("collaborator")
                ? Answer.json(400, refused)
                : Answer.json(200, "{\"values\":[{\"permission\":\"owner\",\"user\":{\"uuid\":\"{u-1}\"}}]}")),
                "http://bitbucket.test", "acme-eng", "Basic x");

        Page<String> collaborators = bitbucket.memberUuidsWithPermission("collaborator", null);
        assertEquals(List.of(), collaborators.items());
        assertNull(collaborators.nextCursor());
        assertEquals(List.of("{u-1}"), bitbucket.memberUuidsWithPermission("owner", null).items());
    }

    @Test
    void bitbucketRefusingAnyOtherPermissionFilterIsStillAnError() {
        BitbucketClient bitbucket = new BitbucketClient(http(r -> Answer.json(400, "{\"type\":\"error\",\"error\":{\"message\":\"bad\"}}")),
                "http://bitbucket.test", "acme-eng", "Basic x");

        UpstreamFailure failure = assertThrows(UpstreamFailure.class, () -> bitbucket.memberUuidsWithPermission("owner", null));
        assertEquals(UpstreamFailure.Kind.BAD_REQUEST, failure.kind());
    }
}
