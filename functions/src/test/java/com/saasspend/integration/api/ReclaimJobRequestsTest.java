package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk plan's body: a filter's search text is taken and limited as the License page's list takes its q. */
class ReclaimJobRequestsTest {

    private static JobSelection parse(String json) throws Exception {
        return ReclaimJobRequests.parsePlan(Json.MAPPER.readTree(json));
    }

    private static List<ApiProblem.FieldError> refused(String json) {
        ApiProblem problem = assertThrows(ApiProblem.class, () -> parse(json), json);
        assertEquals(400, problem.status());
        assertEquals("validation_failed", problem.code());
        return problem.errors();
    }

    private static String filterWithSearch(String searchJson) {
        return "{\"filter\":{\"product\":\"confluence\",\"status\":\"inactive\",\"search\":" + searchJson + "}}";
    }

    @Test
    void aFiltersSearchIsTakenWithItsOtherFilters() throws Exception {
        JobSelection selection = parse(filterWithSearch("\"ada\""));
        assertEquals(new JobSelection.Filter("confluence", "inactive", null, "ada", List.of(), List.of()), selection.filter());
        assertEquals("confluence", selection.grantingProduct(), "the filter's product still chooses the groups");
        assertEquals("a.b@ex", parse(filterWithSearch("\"a.b@ex\"")).filter().search(), "an email prefix as it is");
        String longest = "x".repeat(LicenseService.MAX_SEARCH_LENGTH);
        assertEquals(longest, parse(filterWithSearch("\"" + longest + "\"")).filter().search());
    }

    @Test
    void anEmptyOrNullSearchIsNoSearchAsOnTheLicensePage() throws Exception {
        assertNull(parse(filterWithSearch("\"\"")).filter().search());
        assertNull(parse(filterWithSearch("null")).filter().search());
        assertNull(parse("{\"filter\":{\"product\":\"confluence\"}}").filter().search());
    }

    @Test
    void aSearchTooLongOrNotTextIsAFieldErrorNamingIt() {
        String tooLong = "x".repeat(LicenseService.MAX_SEARCH_LENGTH + 1);
        List<ApiProblem.FieldError> errors = refused(filterWithSearch("\"" + tooLong + "\""));
        assertEquals(List.of("filter.search"), errors.stream().map(ApiProblem.FieldError::field).toList());
        assertEquals("must be text of at most 200 characters (a name, a last name or an email prefix, as the License page searches)",
                errors.get(0).message());
        assertEquals(List.of("filter.search"), refused(filterWithSearch("7")).stream().map(ApiProblem.FieldError::field).toList());
        assertEquals(List.of("filter.search"), refused(filterWithSearch("[\"ada\"]")).stream().map(ApiProblem.FieldError::field).toList());
        // Reported with the filter's other mistakes, in one answer.
        assertEquals(List.of("filter.status", "filter.search"), refused("{\"filter\":{\"product\":\"confluence\",\"status\":\"idle\","
                + "\"search\":{}}}").stream().map(ApiProblem.FieldError::field).toList());
    }
}
