package com.saasspend.atlassian.sim;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo world's simulator as a test fixture. {@link #perClass()} (a static {@code @RegisterExtension} field): one
 * simulator for the class, started before its first test, its faults cleared before each test, closed after the last.
 * {@link #perTest()} (an instance field): a fresh simulator and world for every test.
 */
final class DemoSimulator implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean perTest;
    private AtlassianSimulator sim;

    private DemoSimulator(boolean perTest) {
        this.perTest = perTest;
    }

    static DemoSimulator perClass() {
        return new DemoSimulator(false);
    }

    static DemoSimulator perTest() {
        return new DemoSimulator(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            sim = AtlassianSimulator.start(0, WorldSeed.demo());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            sim = AtlassianSimulator.start(0, WorldSeed.demo());
        } else {
            sim.faults().clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void close() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }

    private AtlassianSimulator sim() {
        if (sim == null) {
            throw new IllegalStateException("the simulator runs only inside a test (register DemoSimulator with @RegisterExtension)");
        }
        return sim;
    }

    String baseUrl() {
        return sim().baseUrl();
    }

    World world() {
        return sim().world();
    }

    Faults faults() {
        return sim().faults();
    }

    List<RecordedRequest> requests() {
        return sim().requests();
    }

    List<SpecViolation> takeSpecViolations() {
        return sim().takeSpecViolations();
    }
}
