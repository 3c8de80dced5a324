package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.saasspend.integration.domain.CredentialVault;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/** The 5-minute secret cache: a warm instance reads once, and a 401 makes it forget so a rotation is seen at once. */
class SecretsManagerVaultTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicReference<String> stored = new AtomicReference<>("{\"apiKey\":\"old-key-123\"}");
    private final SecretsManagerClient secrets = new SecretsManagerClient() {
        @Override public String serviceName() { return "secretsmanager"; }
        @Override public void close() {}

        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
            reads.incrementAndGet();
            return GetSecretValueResponse.builder().name(request.secretId()).secretString(stored.get()).build();
        }
    };
    private final SecretsManagerVault vault = new SecretsManagerVault(secrets, "prefix", Clock.systemUTC());

    @Test
    void aForgottenSecretIsReadAfreshAndTheRotationSeen() {
        assertEquals("old-key-123", vault.read("s").get("apiKey"));
        stored.set("{\"apiKey\":\"new-key-456\"}");
        assertEquals("old-key-123", vault.read("s").get("apiKey"), "cached: the rotation is not seen yet");
        assertEquals(1, reads.get());

        vault.forget("s");
        assertEquals("new-key-456", vault.read("s").get("apiKey"));
        assertEquals(2, reads.get());
    }

    @Test
    void afterA401TheVaultSaysWhetherANewerCredentialIsStored() {
        vault.read("s");
        assertEquals(false, CredentialVault.newerThanUsed(vault, "s", used -> "old-key-123".equals(used.get("apiKey"))),
                "the stored key is the one Atlassian refused: no retry");
        stored.set("{\"apiKey\":\"new-key-456\"}");
        assertEquals(true, CredentialVault.newerThanUsed(vault, "s", used -> "old-key-123".equals(used.get("apiKey"))));
        assertEquals(3, reads.get(), "each check read the secret afresh");
    }
}
