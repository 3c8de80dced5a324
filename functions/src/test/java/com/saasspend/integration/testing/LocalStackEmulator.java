package com.saasspend.integration.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** LocalStack through Testcontainers, for machines with a Docker engine and no AWS_ENDPOINT_URL. */
final class LocalStackEmulator {
    private static LocalStackContainer container;

    private LocalStackEmulator() {}

    static synchronized boolean startIfDockerAvailable() {
        if (container != null) {
            return true;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return false;
        }
        container = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.9"))
                .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SECRETSMANAGER,
                        LocalStackContainer.Service.SQS, LocalStackContainer.EnabledService.named("events"));
        container.start();
        // The SDK reads these system properties like the environment variables moto runs use.
        System.setProperty("aws.endpointUrl", container.getEndpoint().toString());
        System.setProperty("aws.region", container.getRegion());
        System.setProperty("aws.accessKeyId", container.getAccessKey());
        System.setProperty("aws.secretAccessKey", container.getSecretKey());
        return true;
    }
}
