package com.saasspend.atlassian.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the local stack runs: command-line options, each with an environment variable the script or the developer may
 * set instead (the option wins).
 */
public record LocalStackOptions(
        Path template,
        String stackName,
        int apiPort,
        int controlPort,
        int simulatorPort,
        String simulatorUrl,
        Path simulatorSeed,
        Duration scheduleEvery,
        Path stateDir,
        List<String> frontEndOrigins,
        Map<String, String> parameterOverrides,
        String jwtIssuer,
        String jwtAudience,
        boolean persistentKey,
        boolean prewarm) {

    public static final String USAGE = """
            LocalStack [run|env|token TENANT [EMAIL]] [options]
              run (default)               start the stack; needs the environment printed by 'env'
              env                         print the 'export' lines the functions need (eval them before 'run')
              token TENANT [EMAIL]        print a 12-hour bearer token for TENANT, signed with the stack's key
            options (environment variable in brackets):
              --template PATH             [TEMPLATE_PATH] default: template.yaml here or above
              --stack-name NAME           [LOCAL_STACK_NAME] default saasspend-local; prefixes local resource names
              --port N                    [LOCAL_API_PORT] API gateway port, default 3000
              --control-port N            [LOCAL_CONTROL_PORT] control port (tokens, tick, events), default 3001
              --sim-port N                [LOCAL_SIM_PORT] Atlassian simulator port, in-process, default 8081
              --sim-url URL               [LOCAL_SIM_URL] use a simulator already running there instead
              --sim-seed PATH             [LOCAL_SIM_SEED] simulator world (default: demo seed, Acme's domains verified)
              --schedule-every DURATION   [LOCAL_SCHEDULE_EVERY] fire schedules this often (60s, 5m) instead of their rate
              --state-dir DIR             [LOCAL_STATE_DIR] signing key and token files, default .local
              --frontend-origin ORIGIN    [LOCAL_FRONTEND_ORIGIN] also allowed by CORS (comma-separated)
              --parameter NAME=VALUE      [LOCAL_PARAMETER_OVERRIDES "A=1 B=2"] template parameter values
              --jwt-issuer ISS            [LOCAL_JWT_ISSUER] default %s
              --jwt-audience AUD          [LOCAL_JWT_AUDIENCE] default %s
            environment only: LOCAL_WEB_DIR (serve the built web console from there, on LOCAL_WEB_PORT, default 5173)
            """.formatted(LocalJwtAuthority.DEFAULT_ISSUER, LocalJwtAuthority.DEFAULT_AUDIENCE);

    /** Options for tests: free ports, a fresh key, a unique stack name, template as given. */
    public static LocalStackOptions forTests(Path template, String stackName, String simulatorUrl, Path stateDir) {
        return new LocalStackOptions(template, stackName, 0, 0, 0, simulatorUrl, null, null, stateDir, List.of(), Map.of(),
                LocalJwtAuthority.DEFAULT_ISSUER, LocalJwtAuthority.DEFAULT_AUDIENCE, false, false);
    }

    /** These options with one more origin allowed by CORS (the web console's). */
    public LocalStackOptions withFrontEndOrigin(String origin) {
        List<String> origins = new ArrayList<>(frontEndOrigins);
        if (!origins.contains(origin)) {
            origins.add(origin);
        }
        return new LocalStackOptions(template, stackName, apiPort, controlPort, simulatorPort, simulatorUrl, simulatorSeed, scheduleEvery,
                stateDir, List.copyOf(origins), parameterOverrides, jwtIssuer, jwtAudience, persistentKey, prewarm);
    }

    /** Parses options (not the command word) over the environment's defaults. */
    public static LocalStackOptions parse(List<String> args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> parameters = new ArrayList<>();
        for (String pair : env.getOrDefault("LOCAL_PARAMETER_OVERRIDES", "").trim().split("\\s+")) {
            if (!pair.isBlank()) {
                parameters.add(pair);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument " + option + "\n" + USAGE);
            }
            String name = option.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
                }
                value = args.get(++i);
            }
            if (name.equals("parameter")) {
                parameters.add(value);
            } else {
                values.put(name, value);
            }
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String pair : parameters) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--parameter takes NAME=VALUE, not " + pair);
            }
            overrides.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        String template = pick(values, "template", env, "TEMPLATE_PATH", null);
        String every = pick(values, "schedule-every", env, "LOCAL_SCHEDULE_EVERY", null);
        String origins = pick(values, "frontend-origin", env, "LOCAL_FRONTEND_ORIGIN", "");
        List<String> known = List.of("template", "stack-name", "port", "control-port", "sim-port", "sim-url", "sim-seed", "schedule-every",
                "state-dir", "frontend-origin", "jwt-issuer", "jwt-audience");
        values.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException("Unknown option --" + k + "\n" + USAGE);
        });
        return new LocalStackOptions(
                template != null ? Path.of(template) : SamTemplate.locate(),
                pick(values, "stack-name", env, "LOCAL_STACK_NAME", "saasspend-local"),
                Integer.parseInt(pick(values, "port", env, "LOCAL_API_PORT", "3000")),
                Integer.parseInt(pick(values, "control-port", env, "LOCAL_CONTROL_PORT", "3001")),
                Integer.parseInt(pick(values, "sim-port", env, "LOCAL_SIM_PORT", "8081")),
                pick(values, "sim-url", env, "LOCAL_SIM_URL", null),
                Optional.ofNullable(pick(values, "sim-seed", env, "LOCAL_SIM_SEED", null)).map(Path::of).orElse(null),
                every == null || every.isBlank() ? null : ScheduleRate.parseDuration(every),
                Path.of(pick(values, "state-dir", env, "LOCAL_STATE_DIR", ".local")),
                List.of(origins.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList(),
                overrides,
                pick(values, "jwt-issuer", env, "LOCAL_JWT_ISSUER", LocalJwtAuthority.DEFAULT_ISSUER),
                pick(values, "jwt-audience", env, "LOCAL_JWT_AUDIENCE", LocalJwtAuthority.DEFAULT_AUDIENCE),
                true,
                true);
    }

    private static String pick(Map<String, String> values, String option, Map<String, String> env, String variable, String fallback) {
        String value = values.get(option);
        if (value == null || value.isBlank()) {
            value = env.get(variable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The simulator's base URL the functions are pointed at. */
    public String effectiveSimulatorUrl() {
        return simulatorUrl != null ? simulatorUrl.replaceAll("/+$", "") : "http://127.0.0.1:" + simulatorPort;
    }
}
