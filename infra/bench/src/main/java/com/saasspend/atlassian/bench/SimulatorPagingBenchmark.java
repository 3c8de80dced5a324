package com.saasspend.atlassian.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pages through every user (POST users/search, limit 100, expand productAccess+groups) and every
 * group (POST groups/search, limit 100) of a generated 100,000-user / 2,000-group org over HTTP with
 * the JDK HttpClient, several times, and prints per-run times with median and spread.
 * Args: [runs=5] [users=100000] [groups=2000]. {@link Benchmarks} runs {@link #measure} on the org it generated
 * for figure 4, so the whole command generates the large org once.
 */
public final class SimulatorPagingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One listing paged through: pages, rows, time. */
    public record Pass(int pages, int rows, long millis) {}

    /** One run: every user, then every group. */
    public record Run(Pass users, Pass groups) {
        public long millis() {
            return users.millis() + groups.millis();
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int groups = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;

        long t0 = System.nanoTime();
        World world = WorldGenerator.generate(users, groups, 42);
        long genMillis = (System.nanoTime() - t0) / 1_000_000;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
        System.out.printf("generated %,d users / %,d groups in %,d ms (heap in use after GC ~%,d MB)%n", users, groups, genMillis, heapMb);

        try (AtlassianSimulator sim = AtlassianSimulator.start(0, world)) {
            List<Run> results = measure(sim.baseUrl(), runs);
            System.out.println("users/search  " + summary(results.stream().map(r -> r.users().millis()).toList()));
            System.out.println("groups/search " + summary(results.stream().map(r -> r.groups().millis()).toList()));
        }
    }

    /** Pages through every user and every group of the demo org at {@code baseUrl}, {@code runs} times after a warm-up page. */
    public static List<Run> measure(String baseUrl, int runs) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = baseUrl + "/admin/v2/orgs/" + DemoCredentials.ORG_ID + "/directories/-/";
        page(http, base + "users/search", "{\"limit\":100}"); // warm-up (JIT, connection)
        List<Run> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Pass u = page(http, base + "users/search", "{\"limit\":100,\"expand\":[\"productAccess\",\"groups\"]}");
            Pass g = page(http, base + "groups/search", "{\"limit\":100,\"expand\":[\"counts.users\"]}");
            results.add(new Run(u, g));
            System.out.printf("[sim-paging] run %d: users %,d rows / %,d pages in %,d ms; groups %,d rows / %,d pages in %,d ms%n",
                    run, u.rows(), u.pages(), u.millis(), g.rows(), g.pages(), g.millis());
        }
        return results;
    }

    private static Pass page(HttpClient http, String url, String firstBody) throws Exception {
        long start = System.nanoTime();
        int pages = 0;
        int rows = 0;
        String body = firstBody;
        while (body != null) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + DemoCredentials.ORG_API_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) throw new IllegalStateException(url + " -> " + res.statusCode() + " " + res.body());
            JsonNode page = JSON.readTree(res.body());
            pages++;
            rows += page.path("data").size();
            String next = page.path("links").path("next").asText(null);
            body = next == null ? null : "{\"cursor\":\"" + next + "\"}";
        }
        return new Pass(pages, rows, (System.nanoTime() - start) / 1_000_000);
    }

    private static String summary(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("median %,d ms, min %,d ms, max %,d ms (spread %,d ms over %d runs)",
                median, sorted.get(0), sorted.get(sorted.size() - 1), sorted.get(sorted.size() - 1) - sorted.get(0), sorted.size());
    }
}
