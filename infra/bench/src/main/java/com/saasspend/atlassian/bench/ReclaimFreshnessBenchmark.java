package com.saasspend.atlassian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.saasspend.atlassian.sim.DemoCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 6, through the local stack ({@code infra/local}: template.yaml's functions behind its API gateway on moto,
 * with its own simulator): a tenant connects the demo org over HTTP and waits for its first sync; then, per run, a user
 * holding a Jira seat through groups the product may change is reclaimed ({@code POST /reclaims}) and
 * {@code GET /licenses} is polled until that product's assigned seats drop. Freshness: from the POST's response to
 * the first GET showing the freed seat.
 */
public final class ReclaimFreshnessBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAIN = "com.saasspend.atlassian.local.LocalStack";
    static final long POLL_MILLIS = 20;
    static final String PRODUCT = "jira-software";

    public record Run(String accountId, int groups, long reclaimMillis, long freshMillis, int polls, long seatsBefore, long seatsAfter) {}

    public record Result(List<Run> runs, long stackStartMillis, long firstSyncMillis) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String api;
    private String token;

    /** {@code stackDir}: local-stack.jar with its lib/ beside it; {@code stateDir}: the stack's keys and tokens. */
    public static Result measure(Path stackDir, Path stateDir, int runs, Path log) {
        return new ReclaimFreshnessBenchmark().run(stackDir, stateDir, runs, log);
    }

    private Result run(Path stackDir, Path stateDir, int runs, Path log) {
        String jar = stackDir.resolve("local-stack.jar").toString();
        List<String> options = List.of("--port", Integer.toString(freePort()), "--control-port", Integer.toString(freePort()),
                "--sim-port", Integer.toString(freePort()), "--state-dir", stateDir.toString(), "--stack-name", "bench-local");
        Map<String, String> env = exports(command(jar, "env", options));
        String tenant = "bench-freshness";
        List<String> tokenArgs = new ArrayList<>(List.of(tenant));
        tokenArgs.addAll(options);
        token = command(jar, "token", tokenArgs).trim();
        api = "http://127.0.0.1:" + options.get(1);
        String control = "http://127.0.0.1:" + options.get(3);

        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaBinary(), "-XX:+UseSerialGC", "-jar", jar, "run"));
        cmd.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        Process stack;
        try {
            stack = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            waitFor("the local stack to be ready", 180, () -> get(control + "/health").statusCode() == 200 ? "up" : null);
            long started = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[freshness] local stack up in %,d ms at %s%n", started, api);

            // Reclaim opens once the org and the Jira and Confluence sites are connected.
            String site = "{\"siteUrl\":\"https://" + DemoCredentials.SITE_HOST + "\",\"email\":\"" + DemoCredentials.SITE_ADMIN_EMAIL
                    + "\",\"apiToken\":\"" + DemoCredentials.SITE_API_TOKEN + "\"}";
            long t1 = System.nanoTime();
            connect("atlassian", "{\"orgId\":\"" + DemoCredentials.ORG_ID + "\",\"apiKey\":\"" + DemoCredentials.ORG_API_KEY + "\"}");
            connect("jira", site);
            connect("confluence", site);
            waitFor("the first sync", 600, () -> {
                JsonNode licenses = json(send("GET", "/licenses", null, Map.of()));
                return licenses.hasNonNull("lastSyncAt") ? "synced" : null;
            });
            long firstSync = (System.nanoTime() - t1) / 1_000_000;
            System.out.printf("[freshness] first sync of the demo org done %,d ms after connecting%n", firstSync);

            List<Run> results = new ArrayList<>();
            for (JsonNode user : json(send("GET", "/users?product=" + PRODUCT + "&limit=200", null, Map.of())).path("users")) {
                if (results.size() == runs) {
                    break;
                }
                Run r = reclaim(user.path("accountId").asText());
                if (r != null) {
                    results.add(r);
                    System.out.printf("[freshness] run %d: reclaim of %s (%d groups) answered in %,d ms; GET /licenses showed the seat"
                                    + " freed %,d ms later (%d polls; %s seats %d → %d)%n", results.size(), r.accountId(), r.groups(),
                            r.reclaimMillis(), r.freshMillis(), r.polls(), PRODUCT, r.seatsBefore(), r.seatsAfter());
                }
            }
            if (results.isEmpty()) {
                throw new IllegalStateException("no " + PRODUCT + " user of the demo org could be reclaimed through groups");
            }
            return new Result(results, started, firstSync);
        } finally {
            stack.destroy();
            try {
                if (!stack.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    stack.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void connect(String type, String body) {
        HttpResponse<String> response = send("POST", "/integrations/" + type, body, Map.of());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("connecting " + type + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Reclaims the user's seat if every group granting it may be changed here; null otherwise. */
    private Run reclaim(String accountId) {
        JsonNode groups = json(send("GET", "/users/" + accountId + "/access-groups", null, Map.of())).path("groups");
        List<String> granting = new ArrayList<>();
        for (JsonNode g : groups) {
            boolean grants = false;
            for (JsonNode grant : g.path("grants")) {
                grants |= PRODUCT.equals(grant.path("productKey").asText());
            }
            if (grants) {
                if (!g.path("canChangeHere").asBoolean() || g.hasNonNull("reclaimBlockedReason")) {
                    return null;
                }
                granting.add(g.path("id").asText());
            }
        }
        if (granting.isEmpty()) {
            return null;
        }
        long before = seats();
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("accountId", accountId, "groupIds", granting));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> response = send("POST", "/reclaims", body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        long answered = System.nanoTime();
        if (response.statusCode() == 409 && response.body().contains("reclaim_not_enabled")) {
            throw new IllegalStateException("reclaim is not enabled for the tenant: " + response.body());
        }
        if (response.statusCode() != 201) {
            System.out.println("[freshness] reclaim of " + accountId + " answered " + response.statusCode() + ": " + response.body());
            return null;
        }
        int polls = 0;
        long after;
        while (true) {
            polls++;
            after = seats();
            if (after < before) {
                break;
            }
            if (System.nanoTime() - answered > 120_000_000_000L) {
                throw new IllegalStateException("GET /licenses still showed " + after + " " + PRODUCT + " seats 120 s after the reclaim");
            }
            sleep(POLL_MILLIS);
        }
        long fresh = System.nanoTime();
        return new Run(accountId, granting.size(), (answered - t0) / 1_000_000, (fresh - answered) / 1_000_000, polls, before, after);
    }

    private long seats() {
        for (JsonNode p : json(send("GET", "/licenses", null, Map.of())).path("products")) {
            if (PRODUCT.equals(p.path("product").asText())) {
                return p.path("assigned").asLong();
            }
        }
        throw new IllegalStateException("GET /licenses lists no " + PRODUCT);
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.request().uri().getPath() + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(String what, int seconds, java.util.function.Supplier<String> check) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (check.get() != null) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not up yet
            }
            sleep(100);
        }
        throw new IllegalStateException("gave up waiting for " + what + " after " + seconds + " s");
    }

    /** Runs a LocalStack command word (env, token) and answers what it printed. */
    private static String command(String jar, String word, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaBinary(), "-XX:+UseSerialGC", "-cp", jar, MAIN, word));
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("LocalStack " + word + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final Pattern EXPORT = Pattern.compile("^export ([A-Za-z_][A-Za-z0-9_]*)='(.*)'$");

    /** The "export NAME='value'" lines of {@code LocalStack env}. */
    static Map<String, String> exports(String text) {
        Map<String, String> env = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = EXPORT.matcher(line.trim());
            if (m.matches()) {
                env.put(m.group(1), m.group(2).replace("'\\''", "'"));
            }
        }
        if (env.isEmpty()) {
            throw new IllegalStateException("LocalStack env printed no exports: " + text);
        }
        return env;
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean available(Path stackDir) {
        return Files.isRegularFile(stackDir.resolve("local-stack.jar"));
    }
}
