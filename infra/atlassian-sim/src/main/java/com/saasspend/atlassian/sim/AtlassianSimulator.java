package com.saasspend.atlassian.sim;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An in-process Atlassian Cloud on one loopback HTTP port:
 * <ul>
 *   <li>{@code /admin/v1/...}, {@code /admin/v2/...} — Organizations API (api.atlassian.com/admin)</li>
 *   <li>{@code /site/{host}/rest/api/3/...}, {@code /site/{host}/wiki/rest/api/...} — Jira and Confluence
 *       ({host} e.g. acme.atlassian.net; bare paths also work with an *.atlassian.net Host header)</li>
 *   <li>{@code /trello/1/...} — Trello (api.trello.com/1)</li>
 *   <li>{@code /bitbucket/2.0/...} — Bitbucket (api.bitbucket.org/2.0)</li>
 *   <li>{@code /_sim/...} — control: faults, request log, world mutations</li>
 * </ul>
 * Every request to a product route is checked against Atlassian's official OpenAPI document of its API
 * ({@link SpecDocuments}); one outside it is answered 400, logged, and recorded both here
 * ({@link #specViolations()}) and JVM-wide for {@link SpecViolationsExtension}, which fails the test
 * that sent it even when the product swallowed the 400. Thread-safe; close it to free the port.
 */
public final class AtlassianSimulator implements AutoCloseable {

    private final Javalin app;
    private final World world;
    private final Faults faults;
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SpecViolation> violations = new ConcurrentLinkedQueue<>();

    private AtlassianSimulator(World world, Faults faults) {
        this.world = world;
        this.faults = faults;
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.router.ignoreTrailingSlashes = true;
        });
        CursorStore cursors = new CursorStore(faults);
        Gateway gateway = new Gateway(app, world, faults, cursors, this::recordViolation);
        new AdminApi(gateway).register();
        new SiteApi(gateway).register();
        new TrelloApi(gateway).register();
        new BitbucketApi(gateway).register();
        new ControlApi(app, this).register();
        // Parsing the documents takes seconds, once per JVM (after the routes: they say which paths to keep):
        // pay it here, not inside the first timed request.
        SpecDocuments.preload();
        // The request log is what tests assert on ("3 calls, 1 retried 429"); control calls are not part of it.
        app.after(ctx -> {
            if (!ctx.path().startsWith("/_sim")) requests.add(new RecordedRequest(ctx.method().name(), ctx.path(), ctx.statusCode(), world.now()));
        });
    }

    /** Starts on 127.0.0.1:{port} (0 picks a free port) serving {@code world}. */
    public static AtlassianSimulator start(int port, World world) {
        return start(port, world, new Faults());
    }

    /** Starts with faults configured up front (e.g. from command-line options). */
    public static AtlassianSimulator start(int port, World world, Faults faults) {
        AtlassianSimulator sim = new AtlassianSimulator(world, faults);
        sim.app.start("127.0.0.1", port);
        return sim;
    }

    /** "http://127.0.0.1:PORT" — append /admin, /site/{host}, /trello or /bitbucket. */
    public String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    public int port() {
        return app.port();
    }

    public World world() {
        return world;
    }

    public Faults faults() {
        return faults;
    }

    /** Every answered API call so far, oldest first. */
    public List<RecordedRequest> requests() {
        return new ArrayList<>(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    private void recordViolation(SpecViolation v) {
        // Bounded like the JVM-wide list: the local stack runs for hours.
        if (violations.size() >= SpecViolations.MAX_KEPT) violations.poll();
        violations.add(v);
        SpecViolations.record(v);
    }

    /** Every request this simulator answered 400 because the official document does not allow it, oldest first (the last 1,000). */
    public List<SpecViolation> specViolations() {
        return new ArrayList<>(violations);
    }

    /**
     * For a test that sends a request outside the documents on purpose: returns this simulator's violations
     * not yet reported to a test, and marks them answered for, so they fail no test. Every other violation
     * fails the test that sent it.
     */
    public List<SpecViolation> takeSpecViolations() {
        List<SpecViolation> taken = new ArrayList<>();
        for (SpecViolation v : violations) if (SpecViolations.acknowledge(v)) taken.add(v);
        return taken;
    }

    @Override
    public void close() {
        app.stop();
    }
}
