package com.saasspend.atlassian.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the official OpenAPI documents are: system property {@code atlassian.specs.dir} (set by the
 * parent pom for surefire and failsafe), else env {@code ATLASSIAN_SPECS_DIR}, else {@code ../shared/specs/atlassian}
 * next to the repository root. They are read in place, never copied into the repository.
 */
final class Specs {
    private Specs() {}

    static Path dir() {
        List<String> looked = new ArrayList<>();
        String prop = System.getProperty("atlassian.specs.dir");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).normalize();
            if (Files.isDirectory(p)) return p;
            looked.add(p + " (system property atlassian.specs.dir)");
        }
        String env = System.getenv("ATLASSIAN_SPECS_DIR");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env).normalize();
            if (Files.isDirectory(p)) return p;
            looked.add(p + " (env ATLASSIAN_SPECS_DIR)");
        }
        // Repository root = the nearest ancestor of the working directory holding infra/atlassian-sim.
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("infra/atlassian-sim"))) {
                Path p = d.resolve("../shared/specs/atlassian").normalize();
                if (Files.isDirectory(p)) return p;
                looked.add(p + " (../shared/specs/atlassian relative to repository root " + d + ")");
                break;
            }
        }
        throw new IllegalStateException("Atlassian OpenAPI specs not found. Looked in: " + String.join("; ", looked)
                + ". Set -Datlassian.specs.dir=... or ATLASSIAN_SPECS_DIR.");
    }

    static Path file(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException("Spec file missing: " + p);
        return p;
    }
}
