package com.saasspend.atlassian.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.saasspend.atlassian.sim.DemoCredentials.ORG_API_KEY;
import static com.saasspend.atlassian.sim.DemoCredentials.ORG_ID;
import static com.saasspend.atlassian.sim.SimHttp.bearer;

/**
 * Not run by Surefire (no Test suffix): {@link RequestValidationTest} runs it through the JUnit test kit to
 * show that a test whose request is outside the documents fails even when it swallows the 400, and that
 * a test taking its violation on purpose passes.
 */
class OutOfSpecRequestScenario {
    @RegisterExtension
    static final DemoSimulator sim = DemoSimulator.perClass();

    static SimHttp.Res searchUsersWithLimit1000() {
        return SimHttp.post(sim.baseUrl() + "/admin/v2/orgs/" + ORG_ID + "/directories/-/users/search", bearer(ORG_API_KEY), "{\"limit\":1000}");
    }

    /** Like a product that logs the 400 and carries on: nothing here fails, the violation must. */
    @Test
    void swallowsThe400() {
        searchUsersWithLimit1000();
    }

    @Test
    void takesItsViolationOnPurpose() {
        searchUsersWithLimit1000();
        if (sim.takeSpecViolations().size() != 1) throw new AssertionError("expected exactly one violation to take");
    }
}
