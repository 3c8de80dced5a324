package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.TenantIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** No tenant id can produce a key (or secret name) of another tenant: a property over many generated ids. */
class TableKeysTest {
    /** Ids an attacker would try: another tenant's partition suffix, separators, paths, control characters, sizes. */
    private static final List<String> ADVERSARIAL = List.of(
            "X#LICENSES", "X", "X#", "#", "#LICENSES", "X#LICENSES#", "X#SETTINGS", "TENANT#X", "", " ", "X ", "a/b",
            "a_b", "..", ".", "../X", "X\u0000", "X\n", "X%23LICENSES", "\u0130stanbul", "x".repeat(TenantIds.MAX_LENGTH),
            "x".repeat(TenantIds.MAX_LENGTH + 1), "x".repeat(1_500), "tenant-a", "tenant_a", "tenant.a", "CONNECTED");
    private static final String VALID_CHARACTERS = "aAzZ09._-";
    private static final String OTHER_CHARACTERS = "#/ +=@|:%\\\u00e9\u0130\u0000\t";

    private static List<String> generatedIds() {
        Random random = new Random(20261130L); // fixed: the same ids on every run, so a failure can be replayed
        Set<String> ids = new LinkedHashSet<>(ADVERSARIAL);
        while (ids.size() < 6_000) {
            String id = randomText(random, VALID_CHARACTERS, 1 + random.nextInt(TenantIds.MAX_LENGTH + 4));
            ids.add(id);
            // The same id with one other character put somewhere, and with a key suffix: the shape of the attack.
            int at = random.nextInt(id.length() + 1);
            ids.add(id.substring(0, at) + randomText(random, OTHER_CHARACTERS, 1) + id.substring(at));
            ids.add(id + "#LICENSES");
        }
        return new ArrayList<>(ids);
    }

    private static String randomText(Random random, String characters, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(characters.charAt(random.nextInt(characters.length())));
        }
        return text.toString();
    }

    @Test
    void noTenantIdProducesAnotherTenantsPartitionOrPrefix() {
        Map<String, String> ownerOfKey = new HashMap<>();
        List<String> valid = new ArrayList<>();
        for (String id : generatedIds()) {
            if (!TenantIds.isValid(id)) {
                assertThrows(IllegalArgumentException.class, () -> TableKeys.tenant(id), "tenant(" + id + ")");
                assertThrows(IllegalArgumentException.class, () -> TableKeys.licenses(id), "licenses(" + id + ")");
                assertThrows(IllegalArgumentException.class, () -> TableKeys.connected(id, "atlassian"), "connected(" + id + ")");
                continue;
            }
            valid.add(id);
            for (String key : List.of(TableKeys.tenant(id), TableKeys.licenses(id), TableKeys.connected(id, "atlassian"))) {
                String previous = ownerOfKey.putIfAbsent(key, id);
                assertTrue(previous == null || previous.equals(id), "tenants '" + previous + "' and '" + id + "' share the key " + key);
            }
            // The tenant is read back from either partition key: keys are one-to-one with tenants.
            assertEquals(id, ownerOf(TableKeys.tenant(id)));
            assertEquals(id, ownerOf(TableKeys.licenses(id)));
        }
        assertTrue(valid.size() > 1_000, "the generator must produce valid ids too: " + valid.size());
        // A query of one tenant's partition by prefix never reaches another's: no key of b starts with a's prefix + '#'.
        List<String> sample = valid.subList(0, Math.min(400, valid.size()));
        for (String a : sample) {
            for (String b : sample) {
                if (!a.equals(b)) {
                    assertFalse(TableKeys.licenses(b).startsWith(TableKeys.tenant(a) + TableKeys.SEPARATOR), a + " / " + b);
                    assertFalse(TableKeys.tenant(b).equals(TableKeys.licenses(a)), a + " / " + b);
                }
            }
        }
    }

    @Test
    void theAttackOfTheIssueIsRefused() {
        assertFalse(TenantIds.isValid("X#LICENSES"));
        assertThrows(IllegalArgumentException.class, () -> TableKeys.tenant("X#LICENSES"));
        assertEquals("TENANT#X#LICENSES", TableKeys.licenses("X"));
    }

    @Test
    void secretNamesKeepTheTenantAsOneUnchangedPart() {
        for (String id : generatedIds()) {
            if (TenantIds.isValid(id)) {
                String part = SecretsManagerVault.safe(id);
                assertEquals(id, part);
                assertTrue(part.matches("[A-Za-z0-9_+=.@-]+"), part); // Secrets Manager's name characters, without '/'
            } else {
                assertThrows(IllegalArgumentException.class, () -> SecretsManagerVault.safe(id), id);
            }
        }
    }

    /** The tenant a partition key belongs to: the text after TENANT# up to the next separator. */
    private static String ownerOf(String partitionKey) {
        String rest = partitionKey.substring("TENANT#".length());
        int end = rest.indexOf(TableKeys.SEPARATOR);
        return end < 0 ? rest : rest.substring(0, end);
    }
}
