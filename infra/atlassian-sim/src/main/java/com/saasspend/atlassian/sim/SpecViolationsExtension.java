package com.saasspend.atlassian.sim;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when any Atlassian simulator in the JVM received a request outside the official documents
 * while it ran, even if the product swallowed the simulator's 400. After each test, and after each class
 * (for requests sent from {@code @BeforeAll}/{@code @AfterAll}). Registered for every test through JUnit's
 * extension autodetection: this jar's {@code META-INF/services/org.junit.jupiter.api.extension.Extension},
 * switched on by {@code junit.jupiter.extensions.autodetection.enabled=true} in each module's
 * {@code src/test/resources/junit-platform.properties}.
 */
public final class SpecViolationsExtension implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        failOnViolations();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failOnViolations();
    }

    /** Throws when a violation is unreported; reports each violation once. */
    public static void failOnViolations() {
        SpecViolations.Drained drained = SpecViolations.drain();
        if (!drained.isEmpty()) throw new AssertionError(drained.describe());
    }
}
