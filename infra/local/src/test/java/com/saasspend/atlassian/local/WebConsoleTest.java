package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebConsoleTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** A built page in dir/dist (dir itself holds what must not be served). */
    private Path built() throws Exception {
        Path dist = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(dist.resolve("index.html"), "<!doctype html><title>page</title>");
        Files.writeString(dist.resolve("app.js"), "console.log('app')");
        Files.writeString(dist.resolve("app.css"), "body{}");
        Files.writeString(dist.resolve(".hidden"), "no");
        return dist;
    }

    private static HttpResponse<String> get(WebConsole web, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(web.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndItsFilesWithTheirTypes() throws Exception {
        try (WebConsole web = WebConsole.start(built(), 0, () -> "http://127.0.0.1:3000", () -> "t")) {
            HttpResponse<String> index = get(web, "/");
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains("<title>page</title>"));
            assertTrue(index.headers().firstValue("content-type").orElse("").startsWith("text/html"));
            assertEquals("no-store", index.headers().firstValue("cache-control").orElse(""));
            assertTrue(get(web, "/app.js").headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
            assertTrue(get(web, "/app.css").headers().firstValue("content-type").orElse("").startsWith("text/css"));
        }
    }

    @Test
    void configJsCarriesTheApiUrlAndAFreshTokenAtEveryLoad() throws Exception {
        AtomicInteger minted = new AtomicInteger();
        try (WebConsole web = WebConsole.start(built(), 0, () -> "http://127.0.0.1:3999", () -> "token-" + minted.incrementAndGet())) {
            assertEquals("window.APP_CONFIG = {\"apiUrl\":\"http://127.0.0.1:3999\",\"token\":\"token-1\"};\n", get(web, "/config.js").body());
            assertTrue(get(web, "/config.js").body().contains("\"token-2\""));
        }
    }

    @Test
    void configJsOffersTheDemoOrgsValuesOnlyWhenGiven() throws Exception {
        try (WebConsole plain = WebConsole.start(built(), 0, () -> "http://127.0.0.1:3000", () -> "t");
             WebConsole demo = WebConsole.start(built(), 0, () -> "http://127.0.0.1:3000", () -> "t", Walkthrough.demoForms())) {
            assertFalse(get(plain, "/config.js").body().contains("\"demo\""));
            String config = get(demo, "/config.js").body();
            assertTrue(config.contains("\"orgId\":\"" + com.saasspend.atlassian.sim.DemoCredentials.ORG_ID + "\""), config);
            assertTrue(config.contains("\"siteUrl\":\"https://" + com.saasspend.atlassian.sim.DemoCredentials.SITE_HOST + "\""), config);
        }
    }

    @Test
    void configJsCannotBeEndedEarlyByWhatItCarries() throws Exception {
        try (WebConsole web = WebConsole.start(built(), 0, () -> "http://x/</script><script>alert(1)</script>", () -> "t")) {
            assertTrue(!get(web, "/config.js").body().contains("</script>"));
        }
    }

    @Test
    void servesNothingOutsideItsDirectoryNorMissingFiles() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "SECRET-CONTENT");
        try (WebConsole web = WebConsole.start(built(), 0, () -> "http://127.0.0.1:3000", () -> "t")) {
            for (String path : List.of("/..%2Fsecret.txt", "/dist/..%2F..%2Fsecret.txt", "/%2E%2E/secret.txt", "/.hidden", "/missing.js")) {
                HttpResponse<String> answer = get(web, path);
                assertTrue(answer.statusCode() == 404 || answer.statusCode() == 400, path + " answered " + answer.statusCode());
                assertFalse(answer.body().contains("SECRET-CONTENT") || answer.body().equals("no"), path);
            }
        }
    }

    @Test
    void refusesToStartWhenThePageIsNotBuilt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WebConsole.start(dir, 0, () -> "http://127.0.0.1:3000", () -> "t"));
        assertTrue(e.getMessage().contains("npm run build"), e.getMessage());
    }

    @Test
    void addingTheConsolesOriginKeepsTheOthersAndAddsItOnce() {
        LocalStackOptions options = LocalStackOptions.parse(java.util.List.of("--frontend-origin", "http://localhost:8080"), java.util.Map.of());
        LocalStackOptions withWeb = options.withFrontEndOrigin(WebConsole.origin(5173)).withFrontEndOrigin(WebConsole.origin(5173));
        assertEquals(java.util.List.of("http://localhost:8080", "http://127.0.0.1:5173"), withWeb.frontEndOrigins());
    }
}
