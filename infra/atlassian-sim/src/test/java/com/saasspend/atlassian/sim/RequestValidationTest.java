package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.util.List;
import java.util.Set;

import static com.saasspend.atlassian.sim.DemoCredentials.*;
import static com.saasspend.atlassian.sim.SimHttp.basic;
import static com.saasspend.atlassian.sim.SimHttp.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** The simulator checks every request against the official documents, answers 400 and fails the test that sent it. */
class RequestValidationTest {
    @RegisterExtension
    static final DemoSimulator sim = DemoSimulator.perClass();
    static final String V2 = "/admin/v2/orgs/" + ORG_ID;

    /** Takes this test's violations (sent on purpose) and checks there was exactly one, naming {@code expected}. */
    private static SpecViolation onlyViolation(String expected) {
        List<SpecViolation> taken = sim.takeSpecViolations();
        assertEquals(1, taken.size(), taken.toString());
        SpecViolation v = taken.get(0);
        assertTrue(v.describe().contains(expected), v.describe());
        return v;
    }

    @Test
    void aBodyOutsideTheDocumentIsAnswered400NamingTheViolation() {
        SimHttp.Res res = SimHttp.post(sim.baseUrl() + V2 + "/directories/-/users/search", bearer(ORG_API_KEY), "{\"limit\":1000}");
        assertEquals(400, res.status());
        String detail = res.json().path("errors").path(0).path("detail").asText();
        assertTrue(detail.contains("admin-organization.openapi.json") && detail.contains("maximum"), detail);
        SpecViolation v = onlyViolation("validation.request.body.schema.maximum");
        assertEquals("POST " + V2 + "/directories/-/users/search", v.request());
        assertTrue(SpecViolations.drain().isEmpty(), "a taken violation fails no test");
    }

    @Test
    void aMisspelledRequiredFieldIsAViolation() {
        String group = sim.world().groupId(ORG_ID, "jira-software-users");
        SimHttp.Res res = SimHttp.post(sim.baseUrl() + V2 + "/directories/" + DIRECTORY_ID + "/groups/" + group + "/memberships",
                bearer(ORG_API_KEY), "{\"accountID\":\"" + SITE_ADMIN_ACCOUNT_ID + "\"}");
        assertEquals(400, res.status());
        onlyViolation("accountId");
    }

    @Test
    void aQueryParameterTheDocumentDoesNotKnowIsAViolation() {
        assertEquals(400, SimHttp.get(sim.baseUrl() + "/admin/v1/orgs?limit=5", bearer(ORG_API_KEY)).status());
        onlyViolation("Query parameter 'limit' is unexpected");
    }

    @Test
    void aJiraQueryParameterOfTheWrongTypeIsAViolationInJirasErrorBody() {
        SimHttp.Res res = SimHttp.get(sim.baseUrl() + "/site/" + SITE_HOST + "/rest/api/3/users/search?maxResults=many",
                basic(SITE_ADMIN_EMAIL, SITE_API_TOKEN));
        assertEquals(400, res.status());
        JsonNode messages = res.json().path("errorMessages");
        assertTrue(messages.path(0).asText().contains("maxResults"), res.body());
        onlyViolation("jira-platform-v3.swagger-v3.v3.json");
    }

    @Test
    void aTrelloEnterpriseIdOutsideItsDocumentedPatternIsAViolation() {
        SimHttp.Res res = SimHttp.get(sim.baseUrl() + "/trello/1/enterprises/acme-enterprise?key=" + TRELLO_API_KEY + "&token=" + TRELLO_TOKEN, null);
        assertEquals(400, res.status());
        SpecViolation v = onlyViolation("[path parameter 'id']");
        assertEquals("GET /trello/1/enterprises/acme-enterprise?key=REDACTED&token=REDACTED", v.request(), "credentials never reach a log");
    }

    @Test
    void requestsInsideTheDocumentsAreServedAndNotRecorded() {
        assertEquals(200, SimHttp.post(sim.baseUrl() + V2 + "/directories/-/users/search", bearer(ORG_API_KEY), "{\"limit\":100}").status());
        assertEquals(200, SimHttp.get(sim.baseUrl() + "/trello/1/members/me?key=" + TRELLO_API_KEY + "&token=" + TRELLO_TOKEN, null).status());
        assertEquals(200, SimHttp.get(sim.baseUrl() + "/bitbucket/2.0/workspaces/" + BITBUCKET_LINKED_WORKSPACE + "/members?pagelen=100",
                basic(BITBUCKET_EMAIL, BITBUCKET_API_TOKEN)).status());
        // Missing credentials are the simulator's to judge (401), not the validator's.
        assertEquals(401, SimHttp.get(sim.baseUrl() + "/admin/v1/orgs", null).status());
        List<SpecViolation> unreported = sim.takeSpecViolations();
        assertTrue(unreported.isEmpty(), unreported.toString());
    }

    @Test
    void documentsAreParsedOncePerJvmAndSharedBySimulators() {
        var before = SpecDocuments.JIRA.validator();
        try (AtlassianSimulator another = AtlassianSimulator.start(0, WorldSeed.demo())) {
            assertEquals(401, SimHttp.get(another.baseUrl() + "/admin/v1/orgs", null).status());
        }
        assertSame(before, SpecDocuments.JIRA.validator());
    }

    @Test
    void aSimulatorRouteThatIsNoDocumentedPathStopsTheSimulatorFromLoading() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SpecDocuments.ADMIN.servedPathsOnly(
                SpecDocuments.ADMIN.read(), Set.of("/v2/orgs/{orgId}/workspaces", "/v2/orgs/{orgId}/made-up")));
        assertTrue(e.getMessage().contains("/v2/orgs/{orgId}/made-up") && !e.getMessage().contains("workspaces"), e.getMessage());
    }

    @Test
    void onlyPathsARouteCouldReachAreKept() {
        assertTrue(SpecDocuments.overlap("/rest/api/3/group/member", "/rest/api/3/group/{groupname}"));
        assertTrue(SpecDocuments.overlap("/members/{id}", "/members/me"));
        assertFalse(SpecDocuments.overlap("/rest/api/3/group/member", "/rest/api/3/group/bulk"));
        assertFalse(SpecDocuments.overlap("/rest/api/3/group/member", "/rest/api/3/group/member/extra"));
    }

    @Test
    void aTestThatSwallowsThe400StillFailsWithTheViolationNamed() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectMethod(OutOfSpecRequestScenario.class, "swallowsThe400"),
                        selectMethod(OutOfSpecRequestScenario.class, "takesItsViolationOnPurpose"))
                .execute().testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        tests.assertThatEvents().haveExactly(1, event(test("swallowsThe400"), finishedWithFailure(instanceOf(AssertionError.class),
                message(m -> m.contains("POST /admin/v2/orgs/" + ORG_ID + "/directories/-/users/search")
                        && m.contains("validation.request.body.schema.maximum")))));
        tests.assertThatEvents().haveExactly(1, event(test("takesItsViolationOnPurpose"), finishedSuccessfully()));
    }
}
