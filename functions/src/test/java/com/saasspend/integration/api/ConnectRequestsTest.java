package com.saasspend.integration.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.common.Json;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.IntegrationType;
import org.junit.jupiter.api.Test;

class ConnectRequestsTest {
    private static JsonNode trello(String enterpriseId) throws Exception {
        return Json.MAPPER.readTree("{\"apiKey\":\"8e3f1b2c4d5a69708192a3b4c5d6e7f8\",\"token\":\"ATTA0123456789abcdef\",\"enterpriseId\":\""
                + enterpriseId + "\"}");
    }

    @Test
    void aTrelloEnterpriseIdIsTrellos24HexCharacters() throws Exception {
        Credential ok = ConnectRequests.parse(IntegrationType.TRELLO, trello("64b0c1d2e3f4a5b6c7d8e9F0"));
        assertEquals("64b0c1d2e3f4a5b6c7d8e9F0", ok.settings().get("enterpriseId"));

        for (String bad : new String[] {"acme", "64b0c1d2e3f4a5b6c7d8e9f", "64b0c1d2e3f4a5b6c7d8e9f0a", "64b0c1d2e3f4a5b6c7d8e9g0"}) {
            ApiProblem problem = assertThrows(ApiProblem.class, () -> ConnectRequests.parse(IntegrationType.TRELLO, trello(bad)), bad);
            assertEquals(400, problem.status());
            assertEquals("validation_failed", problem.code());
            assertEquals(1, problem.errors().size(), bad);
            assertEquals("enterpriseId", problem.errors().get(0).field());
            assertTrue(problem.errors().get(0).message().contains("24 hexadecimal characters"), problem.errors().get(0).message());
        }
    }
}
