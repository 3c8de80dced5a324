package com.saasspend.integration.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes sure the integration tests talk to an AWS emulator, never to AWS. The test command starts moto and exports
 * AWS_ENDPOINT_URL; the SDK honours it, so production code needs no override. Without it, and with a Docker engine
 * present, LocalStack is started through Testcontainers ({@link LocalStackEmulator}); otherwise the tests fail with
 * the command to run.
 */
public final class AwsEmulator implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (System.getenv("AWS_ENDPOINT_URL") != null || System.getProperty("aws.endpointUrl") != null) {
            return;
        }
        if (LocalStackEmulator.startIfDockerAvailable()) {
            return;
        }
        throw new IllegalStateException("No AWS emulator: AWS_ENDPOINT_URL is not set and no Docker engine is available. "
                + "Run the tests with `make test`, which starts moto and sets AWS_ENDPOINT_URL.");
    }
}
