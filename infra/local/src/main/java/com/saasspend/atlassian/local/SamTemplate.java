package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * template.yaml as the local stack reads it: resources, parameters, the functions with their handlers and events.
 * Jackson YAML drops CloudFormation short tags (!Ref, !Sub, !GetAtt) and keeps their values; {@link TemplateValues}
 * turns those values into local names. Nothing here is specific to this product's functions or routes.
 */
public final class SamTemplate {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String FUNCTION = "AWS::Serverless::Function";
    static final String HTTP_API = "AWS::Serverless::HttpApi";

    private final JsonNode root;

    public SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate load(Path path) {
        try {
            return new SamTemplate(YAML.readTree(path.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    public static SamTemplate parse(String yaml) {
        try {
            return new SamTemplate(YAML.readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TEMPLATE_PATH, else the first template.yaml in the working directory or above it. */
    public static Path locate() {
        String configured = System.getenv("TEMPLATE_PATH");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("template.yaml not found in " + Path.of("").toAbsolutePath() + " or above it (set TEMPLATE_PATH)");
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode resource(String logicalId) {
        JsonNode node = root.path("Resources").path(logicalId);
        return node.isMissingNode() ? MissingNode.getInstance() : node;
    }

    public boolean hasResource(String logicalId) {
        return root.path("Resources").has(logicalId);
    }

    public String resourceType(String logicalId) {
        return resource(logicalId).path("Type").asText("");
    }

    public boolean hasParameter(String name) {
        return root.path("Parameters").has(name);
    }

    /** Declared parameter defaults (parameters without a default are absent). */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        root.path("Parameters").fields().forEachRemaining(e -> {
            JsonNode value = e.getValue().path("Default");
            if (!value.isMissingNode() && !value.isNull()) {
                defaults.put(e.getKey(), value.asText());
            }
        });
        return defaults;
    }

    /** Every resource of the given type, by logical id, in template order. */
    public Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        root.path("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** A function's property, else the same property under Globals.Function (SAM's inheritance for scalars). */
    JsonNode functionProperty(String logicalId, String name) {
        JsonNode own = resource(logicalId).path("Properties").path(name);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(name) : own;
    }

    public List<SamFunction> functions() {
        List<SamFunction> functions = new ArrayList<>();
        resourcesOfType(FUNCTION).forEach((id, node) -> {
            JsonNode props = node.path("Properties");
            List<SamFunction.Event> events = new ArrayList<>();
            props.path("Events").fields().forEachRemaining(e -> events.add(new SamFunction.Event(
                    e.getKey(), e.getValue().path("Type").asText(""), e.getValue().path("Properties"))));
            functions.add(new SamFunction(
                    id,
                    functionProperty(id, "Handler").asText(""),
                    functionProperty(id, "Runtime").asText(""),
                    functionProperty(id, "Timeout").asInt(3),
                    functionProperty(id, "MemorySize").asInt(128),
                    events));
        });
        return functions;
    }

    public Optional<SamFunction> function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    /**
     * The environment a function's code sees, unresolved: Globals.Function.Environment.Variables overlaid with the
     * function's own (SAM merges maps key by key).
     */
    public Map<String, JsonNode> environment(String functionLogicalId) {
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        root.path("Globals").path("Function").path("Environment").path("Variables").fields()
                .forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
        resource(functionLogicalId).path("Properties").path("Environment").path("Variables").fields()
                .forEachRemaining(e -> vars.put(e.getKey(), e.getValue()));
        return vars;
    }

    /** Every HttpApi event of every function, as API Gateway routes. */
    public List<HttpRoute> httpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        for (SamFunction function : functions()) {
            for (SamFunction.Event event : function.eventsOfType("HttpApi")) {
                JsonNode props = event.properties();
                String method = props.path("Method").asText("ANY").toUpperCase(Locale.ROOT);
                String path = props.path("Path").asText("$default");
                String apiId = props.path("ApiId").asText(null);
                String authorizer = props.path("Auth").path("Authorizer").asText(null);
                routes.add(new HttpRoute(method, path, function.logicalId(), event.name(), apiId, authorizer));
            }
        }
        return routes;
    }

    /** The HttpApi resource's properties (or Globals.HttpApi for SAM's implicit API when the route names none). */
    public JsonNode httpApiProperties(String apiLogicalId) {
        if (apiLogicalId != null && hasResource(apiLogicalId)) {
            return resource(apiLogicalId).path("Properties");
        }
        return root.path("Globals").path("HttpApi");
    }
}
