package com.saasspend.atlassian.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The reference front end (infra/web, built into infra/web/dist) on its own origin, as the SaaS front end is: the API
 * sees cross-origin requests with preflights and a bearer token. {@code /config.js} tells the page where the API is
 * and signs it in with a freshly minted local token (the local signing key's, never a real secret).
 */
public final class WebConsole implements AutoCloseable {
    /** Where the built page is (infra/scripts/run sets it), and its port; unset: no web console. */
    public static final String DIR_VARIABLE = "LOCAL_WEB_DIR";
    public static final String PORT_VARIABLE = "LOCAL_WEB_PORT";
    public static final int DEFAULT_PORT = 5173;
    /** The build writes flat files only: nothing but a plain file name is served, so no path leaves the directory. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "png", "image/png", "svg", "image/svg+xml", "map", "application/json");

    private final Javalin app;
    private final Path dir;

    private WebConsole(Path dir, Supplier<String> apiUrl, Supplier<String> token, Map<String, Map<String, String>> demoForms) {
        this.dir = dir;
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
        });
        app.get("/config.js", ctx -> {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("apiUrl", apiUrl.get());
            config.put("token", token.get());
            if (!demoForms.isEmpty()) {
                config.put("demo", demoForms);
            }
            noStore(ctx).contentType(TYPES.get("js")).result("window.APP_CONFIG = " + json(config) + ";\n");
        });
        app.get("/", ctx -> serve(ctx, "index.html"));
        app.get("/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    /**
     * Serves {@code dir} on 127.0.0.1:{@code port} (0: a free port). The API's URL and the token are asked for at each
     * page load, so the page outlives token expiry and may start before the API does.
     */
    public static WebConsole start(Path dir, int port, Supplier<String> apiUrl, Supplier<String> token) {
        return start(dir, port, apiUrl, token, Map.of());
    }

    /**
     * Also offers, per connect form (integration type → field → value), a button filling in the simulator's demo
     * credentials: fake values only the simulator accepts, so a newcomer can connect without looking them up.
     */
    public static WebConsole start(Path dir, int port, Supplier<String> apiUrl, Supplier<String> token,
                                   Map<String, Map<String, String>> demoForms) {
        if (!Files.isRegularFile(dir.resolve("index.html")) || !Files.isRegularFile(dir.resolve("app.js"))) {
            throw new IllegalStateException("the web console is not built in " + dir
                    + " (index.html, app.js): cd infra/web && npm ci && npm run build");
        }
        WebConsole console = new WebConsole(dir, apiUrl, token, demoForms);
        console.app.start("127.0.0.1", port);
        return console;
    }

    private void serve(Context ctx, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!FILE_NAME.matcher(name).matches() || !Files.isRegularFile(file)) {
            ctx.status(404).contentType("text/plain").result("Not Found");
            return;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        noStore(ctx).contentType(TYPES.getOrDefault(extension, "application/octet-stream")).result(Files.readAllBytes(file));
    }

    /** A rebuilt page shows on the next reload. */
    private static Context noStore(Context ctx) {
        return ctx.header("Cache-Control", "no-store");
    }

    private static String json(Object value) {
        try {
            // In a script: "</" must not end it early.
            return ApiGatewayEvents.JSON.writeValueAsString(value).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return app.port();
    }

    /** The page's origin, which the API's CORS must allow. */
    public String url() {
        return origin(port());
    }

    public static String origin(int port) {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        app.stop();
    }
}
