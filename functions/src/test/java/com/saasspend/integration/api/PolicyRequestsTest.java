package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyBulkApprovals;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bulk approval body: actionIds or a policy's pending ones, each field's shape checked before the domain decides. */
class PolicyRequestsTest {
    private static final String ID = PolicyAction.idOf("pol-00000000000000000001", "u1", "confluence", null);

    private static PolicyBulkApprovals.Request parse(String json) throws Exception {
        return PolicyRequests.parseBulk(Json.MAPPER.readTree(json));
    }

    private static List<String> fieldsRefused(String json) {
        ApiProblem problem = assertThrows(ApiProblem.class, () -> parse(json), json);
        assertEquals(400, problem.status());
        assertEquals("validation_failed", problem.code());
        return problem.errors().stream().map(ApiProblem.FieldError::field).toList();
    }

    @Test
    void eitherActionIdsOrAPolicysPendingOnes() throws Exception {
        PolicyBulkApprovals.Request byIds = parse("{\"actionIds\":[\"" + ID + "\"]}");
        assertEquals(List.of(ID), byIds.actionIds());
        assertNull(byIds.policyId());

        PolicyBulkApprovals.Request byPolicy = parse("{\"policyId\":\"pol-00000000000000000001\"}");
        assertEquals(PolicyAction.PENDING, byPolicy.status(), "pending when left out");
        assertEquals("confluence", parse("{\"policyId\":\"pol-00000000000000000001\",\"status\":\"pending\",\"productKey\":\"confluence\"}")
                .productKey());
        // What the status may be is the domain's word (invalid_status), not the shape's.
        assertEquals("done", parse("{\"policyId\":\"pol-00000000000000000001\",\"status\":\"done\"}").status());
    }

    @Test
    void badShapesNameTheirFields() {
        assertEquals(List.of("actionIds"), fieldsRefused("{}"));
        assertEquals(List.of("policyId"), fieldsRefused("{\"actionIds\":[\"" + ID + "\"],\"policyId\":\"pol-00000000000000000001\"}"));
        assertEquals(List.of("actionIds"), fieldsRefused("{\"actionIds\":[]}"));
        assertEquals(List.of("actionIds"), fieldsRefused("{\"actionIds\":\"" + ID + "\"}"));
        assertEquals(List.of("actionIds[1]"), fieldsRefused("{\"actionIds\":[\"" + ID + "\",\"pa-nothex\"]}"));
        assertEquals(List.of("status"), fieldsRefused("{\"actionIds\":[\"" + ID + "\"],\"status\":\"pending\"}"));
        assertEquals(List.of("colour"), fieldsRefused("{\"actionIds\":[\"" + ID + "\"],\"colour\":1}"));
        assertEquals(List.of("policyId"), fieldsRefused("{\"policyId\":7}"));
        String tooMany = IntStream.range(0, PolicyBulkApprovals.MAX_ACTIONS + 1).mapToObj(i -> "\"" + ID + "\"")
                .collect(Collectors.joining(",", "{\"actionIds\":[", "]}"));
        assertEquals(List.of("actionIds"), fieldsRefused(tooMany));
    }
}
