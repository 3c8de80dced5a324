package com.saasspend.atlassian.local;

import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.integration.aws.AwsClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The product on one machine, from template.yaml: the template's table, bus and queues on the AWS emulator (moto),
 * its HttpApi routes behind a local JWT authorizer, its EventBridge rules delivering to its functions, its schedules
 * firing them, and the Atlassian simulator the functions talk to. The functions run in this JVM, built by their
 * no-arg constructors from the environment, as in Lambda. Started by infra/scripts/run ({@code make run}).
 */
public final class LocalStack implements AutoCloseable {
    /** moto's account. */
    static final String ACCOUNT_ID = "123456789012";
    static final String DEMO_TENANT = "tenant-demo";

    private final LocalStackOptions options;
    private final SamTemplate template;
    private final TemplateValues values;
    private final List<AutoCloseable> running = new ArrayList<>();
    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private EventBridgeClient events;
    private AtlassianSimulator simulator;
    private String simulatorUrl;
    private LocalJwtAuthority authority;
    private Map<String, String> resources = Map.of();
    private Map<String, LambdaFunction> functions = Map.of();
    private HttpApiGateway gateway;
    private EventRuleRouter router;
    private Scheduler scheduler;
    private ControlServer control;
    private WebConsole web;
    /** How long each start phase took, for the banner (startup time is something we keep an eye on). */
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private long phaseStarted = System.nanoTime();

    private void phase(String name) {
        long now = System.nanoTime();
        phases.put(name, (now - phaseStarted) / 1_000_000);
        phaseStarted = now;
    }

    /** The functions' metric lines (also in the stack log, as Lambda would write them), summed for GET /. */
    private final MetricsSummary metrics = new MetricsSummary();

    private LocalStack(LocalStackOptions options, SamTemplate template) {
        this.options = options;
        this.template = template;
        this.values = values(options, template);
        com.saasspend.integration.common.Metrics.listen(metrics);
        running.add(() -> com.saasspend.integration.common.Metrics.unlisten(metrics));
    }

    private static TemplateValues values(LocalStackOptions options, SamTemplate template) {
        return new TemplateValues(template, options.stackName(), region(), ACCOUNT_ID, System.getenv("AWS_ENDPOINT_URL"),
                options.parameterOverrides());
    }

    private static String region() {
        return Objects.requireNonNullElse(System.getenv("AWS_REGION"), "us-east-1");
    }

    public static void main(String[] args) {
        // Quiet Jetty/Javalin: the stack prints its own lines; the functions print theirs.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String command = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : "run";
        try {
            switch (command) {
                case "env" -> printEnvironment(LocalStackOptions.parse(rest, System.getenv()));
                case "token" -> {
                    String tenant = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : DEMO_TENANT;
                    String email = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : "admin@" + tenant + ".example";
                    LocalStackOptions options = LocalStackOptions.parse(rest, System.getenv());
                    System.out.println(authority(options).mint(tenant, email, LocalJwtAuthority.DEFAULT_TTL));
                }
                case "run" -> run(LocalStackOptions.parse(rest, System.getenv()));
                case "help", "--help", "-h" -> System.out.println(LocalStackOptions.USAGE);
                default -> throw new IllegalArgumentException("Unknown command " + command + "\n" + LocalStackOptions.USAGE);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(LocalStackOptions given) {
        // The web console (infra/scripts/run sets its directory) is an origin of its own, which CORS must allow.
        String webDir = System.getenv(WebConsole.DIR_VARIABLE);
        boolean withWeb = webDir != null && !webDir.isBlank();
        String webPortValue = System.getenv(WebConsole.PORT_VARIABLE);
        int webPort = webPortValue == null || webPortValue.isBlank() ? WebConsole.DEFAULT_PORT : Integer.parseInt(webPortValue.trim());
        LocalStackOptions options = withWeb ? given.withFrontEndOrigin(WebConsole.origin(webPort)) : given;
        LocalStack stack = new LocalStack(options, SamTemplate.load(options.template()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            InvocationLog.info("stopping");
            stack.close();
        }, "local-stack-shutdown"));
        try {
            stack.start();
            if (withWeb) {
                stack.serveWebConsole(Path.of(webDir), webPort);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        stack.printBanner(sinceJvmStart);
    }

    /** Starts everything (the simulator too, unless a simulator URL is given); returns when all ports answer. */
    public static LocalStack start(LocalStackOptions options, SamTemplate template) {
        LocalStack stack = new LocalStack(options, template);
        try {
            stack.start();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void start() {
        requireEmulator();
        sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.builder().build()).build();
        AwsClients clients = AwsClients.fromEnvironment();
        dynamo = clients.dynamoDb();
        events = clients.eventBridge();
        // The simulator starts while the emulator's resources are created: the two take about as long.
        CompletableFuture<AtlassianSimulator> startingSimulator = options.simulatorUrl() != null ? null
                : CompletableFuture.supplyAsync(() -> AtlassianSimulator.start(options.simulatorPort(), LocalWorld.load(options.simulatorSeed())));
        authority = authority(options);
        phase("key");
        resources = new LocalResources(template, values, dynamo, events, sqs).createAll();
        phase("resources");
        if (startingSimulator != null) {
            try {
                simulator = startingSimulator.join();
            } catch (CompletionException e) {
                throw new IllegalStateException("the Atlassian simulator did not start on port " + options.simulatorPort()
                        + ": " + e.getCause().getMessage(), e.getCause());
            }
            running.add(simulator);
            simulatorUrl = simulator.baseUrl();
        } else {
            simulatorUrl = options.effectiveSimulatorUrl();
        }
        phase("simulator");
        checkEnvironment(requiredEnvironment(template, values, simulatorUrl), System.getenv());

        Map<String, LambdaFunction> byId = new LinkedHashMap<>();
        for (SamFunction function : template.functions()) {
            if (!function.isJava()) {
                InvocationLog.info("skipping " + function.logicalId() + ": runtime " + function.runtime() + " is not Java");
                continue;
            }
            byId.put(function.logicalId(), new LambdaFunction(function, values.physicalName(function.logicalId()),
                    values.attribute(function.logicalId(), "Arn"), LocalStack.class.getClassLoader()));
        }
        functions = byId;

        router = new EventRuleRouter(template, values, events, sqs);
        router.install(List.copyOf(functions.values()));
        router.start();
        running.add(router);
        phase("rules");

        scheduler = new Scheduler(Scheduler.fromTemplate(List.copyOf(functions.values())), values, Clock.systemUTC());
        scheduler.start(options.scheduleEvery());
        running.add(scheduler);

        List<HttpRoute> routes = template.httpRoutes().stream().filter(r -> functions.containsKey(r.functionLogicalId())).toList();
        String apiLogicalId = routes.stream().map(HttpRoute::apiLogicalId).filter(Objects::nonNull).findFirst().orElse(null);
        CorsPolicy cors = CorsPolicy.from(template.httpApiProperties(apiLogicalId).path("CorsConfiguration"), values,
                options.frontEndOrigins());
        gateway = new HttpApiGateway(new RouteTable(routes), functions, HttpApiGateway.authorizationOf(template, routes), cors,
                authority, new ApiGatewayEvents.Api(ACCOUNT_ID, "local", "127.0.0.1"), Clock.systemUTC());
        gateway.start(options.apiPort());
        running.add(gateway);

        control = new ControlServer(this, events).start(options.controlPort());
        running.add(control);
        phase("servers");

        if (options.persistentKey()) {
            writeToken(DEMO_TENANT, authority.mint(DEMO_TENANT, "admin@acme.example", LocalJwtAuthority.DEFAULT_TTL));
        }
        if (options.prewarm()) {
            Thread warm = new Thread(() -> functions.values().forEach(LambdaFunction::prewarm), "prewarm");
            warm.setDaemon(true);
            warm.start();
        }
    }

    /** Every invocation goes to the emulator: refuse to run against real AWS. */
    private static void requireEmulator() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (System.getenv("AWS_REGION") == null) {
            throw new IllegalStateException("AWS_REGION is not set: infra/scripts/run exports it with the emulator's URL");
        }
        String host = endpoint == null ? null : URI.create(endpoint).getHost();
        if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1"))) {
            throw new IllegalStateException("AWS_ENDPOINT_URL must point at the local emulator (it is "
                    + (endpoint == null ? "unset" : endpoint) + "): start moto first (infra/scripts/run does)");
        }
    }

    private static LocalJwtAuthority authority(LocalStackOptions options) {
        return options.persistentKey()
                ? LocalJwtAuthority.persistent(options.stateDir().resolve("jwt-signing-key.json"), options.jwtIssuer(), options.jwtAudience())
                : LocalJwtAuthority.ephemeral(options.jwtIssuer(), options.jwtAudience());
    }

    /**
     * What the functions read from the environment: every function's template variables (Globals overlaid with its
     * own), resolved to this stack's names, and where the Atlassian APIs are (the simulator). One JVM has one
     * environment, so two functions giving one variable different values is refused.
     */
    public static Map<String, String> requiredEnvironment(SamTemplate template, TemplateValues values, String simulatorUrl) {
        Map<String, String> env = new TreeMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        for (SamFunction function : template.functions()) {
            values.environment(function.logicalId()).forEach((name, value) -> {
                String previous = env.putIfAbsent(name, value);
                if (previous != null && !previous.equals(value)) {
                    throw new IllegalStateException("Functions " + setBy.get(name) + " and " + function.logicalId()
                            + " set " + name + " differently; the local stack runs all functions in one JVM with one environment");
                }
                setBy.putIfAbsent(name, function.logicalId());
            });
        }
        env.putAll(SimulatorRouting.environment(simulatorUrl));
        return env;
    }

    /** The same, from options (the simulator URL the options name). */
    public static Map<String, String> requiredEnvironment(LocalStackOptions options) {
        SamTemplate template = SamTemplate.load(options.template());
        return requiredEnvironment(template, values(options, template), options.effectiveSimulatorUrl());
    }

    static void checkEnvironment(Map<String, String> required, Map<String, String> actual) {
        Map<String, String> wrong = required.entrySet().stream()
                .filter(e -> !e.getValue().equals(actual.get(e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the functions read their configuration from the environment, which lacks:\n"
                    + exports(wrong) + "(infra/scripts/run sets these; by hand: eval \"$(java -cp local-stack.jar "
                    + LocalStack.class.getName() + " env [same options])\")");
        }
    }

    private static void printEnvironment(LocalStackOptions options) {
        System.out.print(exports(requiredEnvironment(options)));
    }

    static String exports(Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        env.forEach((name, value) -> out.append("export ").append(name).append("='")
                .append(value.replace("'", "'\\''")).append("'\n"));
        return out.toString();
    }

    private void writeToken(String tenant, String token) {
        try {
            Files.createDirectories(options.stateDir());
            Files.writeString(options.stateDir().resolve("token-" + tenant), token + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference front end on its own port, signed in as the demo tenant with a token minted at each page load. */
    WebConsole serveWebConsole(Path dir, int port) {
        boolean demoSeed = simulator != null && options.simulatorSeed() == null;
        web = WebConsole.start(dir, port, this::apiUrl, () -> authority.mint(DEMO_TENANT, "admin@acme.example", LocalJwtAuthority.DEFAULT_TTL),
                demoSeed ? Walkthrough.demoForms() : Map.of());
        running.add(web);
        return web;
    }

    // ------------------------------------------------------------------ what tests and the control port read

    public String apiUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + control.port();
    }

    public String simulatorUrl() {
        return simulatorUrl;
    }

    public LocalJwtAuthority authority() {
        return authority;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public EventRuleRouter router() {
        return router;
    }

    public TemplateValues values() {
        return values;
    }

    /** Logical id → local name (queue URL for queues) of the template's tables, buses and queues. */
    public Map<String, String> resources() {
        return resources;
    }

    String defaultBusName() {
        return template.resourcesOfType("AWS::Events::EventBus").keySet().stream().findFirst()
                .map(values::physicalName).orElse("default");
    }

    Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("api", apiUrl());
        out.put("control", controlUrl());
        out.put("simulator", simulatorUrl);
        out.put("awsEndpoint", System.getenv("AWS_ENDPOINT_URL"));
        out.put("stackName", values.stackName());
        out.put("resources", resources);
        out.put("routes", gateway.routes().routes().stream().map(r -> r.routeKey() + " → " + r.functionLogicalId()).toList());
        out.put("eventRules", router.routes().stream().map(r -> Map.of("rule", r.ruleName(), "bus", r.busName(),
                "pattern", r.pattern(), "function", r.function().definition().logicalId())).toList());
        out.put("schedules", scheduler.describe());
        out.put("scheduleEvery", options.scheduleEvery() == null ? null : options.scheduleEvery().toString());
        out.put("jwt", Map.of("issuer", authority.issuer(), "audience", authority.audience()));
        out.put("metrics", metrics.snapshot());
        return out;
    }

    private void printBanner(long startupMillis) {
        Set<String> routeKeys = gateway.routes().routes().stream().map(HttpRoute::routeKey).collect(Collectors.toSet());
        Walkthrough.Facts facts = new Walkthrough.Facts(routeKeys, !router.routes().isEmpty(), !scheduler.schedules().isEmpty());
        String tokenFile = options.stateDir().resolve("token-" + DEMO_TENANT).toString();
        StringBuilder out = new StringBuilder("\n");
        if (web != null) {
            out.append("  Web console            ").append(web.url()).append("  (License page, Reclaim slider; signed in as ")
                    .append(DEMO_TENANT).append(")\n");
        }
        out.append("  Local stack ready in ").append(startupMillis).append(" ms after JVM start");
        String runStarted = System.getenv("LOCAL_RUN_STARTED_MS");
        if (runStarted != null && runStarted.matches("\\d+")) {
            out.append(", ").append(System.currentTimeMillis() - Long.parseLong(runStarted)).append(" ms after `make run`");
        }
        out.append(" (stack ").append(values.stackName()).append("; ")
                .append(phases.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms").collect(Collectors.joining(", ")))
                .append(")\n");
        out.append("  API (template routes)  ").append(apiUrl()).append('\n');
        gateway.routes().routes().forEach(r -> out.append("      ").append(r.routeKey()).append(" → ").append(r.functionLogicalId()).append('\n'));
        out.append("  Control                ").append(controlUrl()).append("  (POST /tick, POST /tokens?tenant=T, POST /events, GET / with metric counters)\n");
        out.append("  Atlassian simulator    ").append(simulatorUrl).append("  (demo org ").append(com.saasspend.atlassian.sim.DemoCredentials.ORG_ID)
                .append(simulator == null ? ", external" : options.simulatorSeed() == null
                        ? ", in-process, demo seed with Acme's domains verified" : ", in-process, seed " + options.simulatorSeed()).append(")\n");
        out.append("  AWS emulator (moto)    ").append(System.getenv("AWS_ENDPOINT_URL")).append('\n');
        resources.forEach((id, name) -> out.append("      ").append(id).append(" = ").append(name).append('\n'));
        router.routes().forEach(r -> out.append("  Event rule             ").append(r.busName()).append(' ').append(r.pattern())
                .append(" → ").append(r.function().definition().logicalId()).append('\n'));
        scheduler.schedules().forEach(s -> out.append("  Schedule               ").append(s.expression())
                .append(options.scheduleEvery() != null ? " (locally every " + options.scheduleEvery().toSeconds() + " s)" : "")
                .append(" → ").append(s.function().definition().logicalId()).append('\n'));
        out.append("  Token (tenant ").append(DEMO_TENANT).append(", 12 h) in ").append(tokenFile)
                .append("; another tenant: ./infra/scripts/run token TENANT\n");
        out.append("  ").append(authority.mint(DEMO_TENANT, "admin@acme.example", LocalJwtAuthority.DEFAULT_TTL)).append("\n\n");
        out.append("  Walkthrough (copy-paste):\n");
        Walkthrough.render(facts, apiUrl(), controlUrl(), "$(cat " + tokenFile + ")").forEach(l -> out.append("    ").append(l).append('\n'));
        out.append("\n  Ctrl-C stops everything.\n");
        System.out.println(out);
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + running.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        running.clear();
    }
}
