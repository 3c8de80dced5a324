package com.saasspend.integration.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * template.yaml as data. Jackson YAML drops CloudFormation short tags (!Ref, !Sub) and keeps their values, which is
 * all the tests need: the resources, their properties and the functions' handlers.
 */
public final class Template {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonNode cached;

    private Template() {}

    public static Path path() {
        String configured = System.getenv("TEMPLATE_PATH");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
    }

    public static synchronized JsonNode root() {
        if (cached == null) {
            try {
                cached = YAML.readTree(path().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    public static JsonNode resource(String logicalId) {
        JsonNode resource = root().path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalStateException("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    /** Every resource of the given type, by logical id, in template order. */
    public static Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        root().path("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }
}
