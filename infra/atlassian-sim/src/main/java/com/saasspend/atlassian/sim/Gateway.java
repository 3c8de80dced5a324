package com.saasspend.atlassian.sim;

import com.saasspend.atlassian.sim.Model.AccountToken;
import com.saasspend.atlassian.sim.Model.ApiKey;
import com.saasspend.atlassian.sim.Model.Org;
import com.saasspend.atlassian.sim.Model.TrelloToken;
import com.saasspend.atlassian.sim.Model.User;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What sits in front of every product route: first the check of the request against the official
 * document of its API (a violation is recorded and answered 400: the request is wrong whatever
 * Atlassian's edge would have done with it); then, in the order Atlassian's edge would apply them,
 * added latency, injected failures, authentication, per-credential rate limiting; then the handler,
 * whose {@link ApiError}s are rendered in the family's documented error body.
 */
final class Gateway {

    /** An API family: its own credential scheme, rate-limit headers and 429 body. */
    enum Family { ADMIN, JIRA, CONFLUENCE, TRELLO, BITBUCKET }

    /** Renders an error in one documented body shape. */
    interface ErrorDialect {
        Object body(int status, String code, String message, Context ctx);
    }

    record AdminPrincipal(Org org, ApiKey key) {}

    record AccountPrincipal(Org org, User user, AccountToken token) {}

    record TrelloPrincipal(Org org, User user, TrelloToken token) {}

    static final String PRINCIPAL = "sim.principal";
    private static final DateTimeFormatter JIRA_RESET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmX").withZone(ZoneOffset.UTC);

    final Javalin app;
    final World world;
    final Faults faults;
    final CursorStore cursors;
    private final Consumer<SpecViolation> violations;

    Gateway(Javalin app, World world, Faults faults, CursorStore cursors, Consumer<SpecViolation> violations) {
        this.app = app;
        this.world = world;
        this.faults = faults;
        this.cursors = cursors;
        this.violations = violations;
    }

    void route(HandlerType method, String path, Family family, ErrorDialect dialect, Handler handler) {
        SpecDocuments.of(family).serves(RequestValidation.documentTemplate(family, path));
        app.addHttpHandler(method, path, ctx -> {
            try {
                SpecViolation violation = RequestValidation.check(family, ctx);
                if (violation != null) {
                    violations.accept(violation);
                    throw new ApiError(400, null, "Request outside Atlassian's official OpenAPI document " + violation.document()
                            + " (Atlassian simulator): " + String.join("; ", violation.messages()));
                }
                long latency = faults.latency();
                if (latency > 0) Thread.sleep(latency);
                Integer injected = faults.injectedFailure(ctx.path());
                if (injected != null) throw new ApiError(injected, injected >= 500 ? "ADMIN-500-1" : null, "Simulated failure (injected fault)");
                String credential = authenticate(family, ctx);
                Faults.RateDecision rate = faults.rateCheck(credential);
                if (rate != null) {
                    applyRateHeaders(family, ctx, rate);
                    if (rate.exceeded()) {
                        rateLimited(family, dialect, ctx, rate);
                        return;
                    }
                }
                if (faults.isStuck(ctx.path())) StuckCursor.serve(family, ctx, handler, faults);
                else handler.handle(ctx);
            } catch (ApiError e) {
                ctx.status(e.status);
                ctx.json(dialect.body(e.status, e.code, e.getMessage(), ctx));
            }
        });
    }

    // ------------------------------------------------------------------ authentication

    private String authenticate(Family family, Context ctx) {
        return switch (family) {
            case ADMIN -> authenticateAdmin(ctx);
            case JIRA, CONFLUENCE, BITBUCKET -> authenticateBasic(ctx);
            case TRELLO -> authenticateTrello(ctx);
        };
    }

    /** Bearer org API key. Unknown, revoked and expired keys all get 401 (expired/revoked body is UNCONFIRMED; we mirror unknown). */
    private String authenticateAdmin(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) throw unauthenticated();
        String secret = header.substring(7).trim();
        AdminPrincipal p = world.read(() -> {
            ApiKey key = world.apiKey(secret);
            if (key == null || key.revoked || !world.now().isBefore(key.expiresAt)) return null;
            return new AdminPrincipal(world.orgOfApiKey(key), key);
        });
        if (p == null) throw unauthenticated();
        ctx.attribute(PRINCIPAL, p);
        return secret;
    }

    /** Basic base64(email:api-token), as Jira, Confluence and Bitbucket accept from scripts. */
    private String authenticateBasic(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) throw unauthenticated();
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthenticated();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) throw unauthenticated();
        String email = decoded.substring(0, colon);
        String token = decoded.substring(colon + 1);
        AccountPrincipal p = world.read(() -> {
            AccountToken t = world.accountToken(email, token);
            if (t == null || t.revoked || (t.expiresAt != null && !world.now().isBefore(t.expiresAt))) return null;
            User u = world.findUser(t.accountId);
            if (u == null || !"active".equals(u.accountStatus)) return null;
            return new AccountPrincipal(world.orgOfAccount(u.accountId), u, t);
        });
        if (p == null) throw unauthenticated();
        ctx.attribute(PRINCIPAL, p);
        return token;
    }

    /** Trello: key and token query parameters; Trello tells an unknown key apart from a bad token. */
    private String authenticateTrello(Context ctx) {
        String key = ctx.queryParam("key");
        String token = ctx.queryParam("token");
        if (key == null || !world.read(() -> world.isTrelloApiKey(key))) throw new ApiError(401, "invalid key");
        if (token == null) throw new ApiError(401, "unauthorized permission requested");
        TrelloPrincipal p = world.read(() -> {
            TrelloToken t = world.trelloToken(key, token);
            if (t == null || t.revoked) return null;
            User u = world.findUser(t.accountId);
            return u == null ? null : new TrelloPrincipal(world.orgOfAccount(u.accountId), u, t);
        });
        if (p == null) throw new ApiError(401, "invalid token");
        ctx.attribute(PRINCIPAL, p);
        return token;
    }

    private static ApiError unauthenticated() {
        return new ApiError(401, "Client must be authenticated to access this resource.");
    }

    // ------------------------------------------------------------------ rate limiting

    private void applyRateHeaders(Family family, Context ctx, Faults.RateDecision rate) {
        ctx.header("X-RateLimit-Limit", Integer.toString(rate.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(rate.remaining()));
        // Admin documents ISO 8601 UTC; Jira documents yyyy-MM-ddTHH:mmZ.
        boolean site = family == Family.JIRA || family == Family.CONFLUENCE;
        ctx.header("X-RateLimit-Reset", site ? JIRA_RESET.format(rate.reset()) : rate.reset().toString());
        if (site && rate.limit() > 0 && rate.remaining() < rate.limit() * 0.2) ctx.header("X-RateLimit-NearLimit", "true");
    }

    private void rateLimited(Family family, ErrorDialect dialect, Context ctx, Faults.RateDecision rate) {
        long retryAfter = Math.max(1, (long) Math.ceil(Duration.between(Instant.now(), rate.reset()).toMillis() / 1000.0));
        boolean sendRetryAfter = switch (family) {
            case JIRA, CONFLUENCE, TRELLO -> true;
            case ADMIN -> faults.sendsAdminRetryAfter();
            case BITBUCKET -> false; // Bitbucket's 429 headers are UNCONFIRMED: send only X-RateLimit-*.
        };
        if (sendRetryAfter) ctx.header("Retry-After", Long.toString(retryAfter));
        if (family == Family.JIRA) ctx.header("RateLimit-Reason", "jira-burst-based");
        ctx.status(429);
        if (family == Family.TRELLO) {
            ctx.json(Json.obj("error", "API_TOKEN_LIMIT_EXCEEDED", "message", "Rate limit exceeded"));
        } else {
            ctx.json(dialect.body(429, "ADMIN-429-1", "Rate limit exceeded", ctx));
        }
    }

    // ------------------------------------------------------------------ shared helpers for route classes

    static <T> T principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    /** scheme://host[:port] as the client addressed us, so links work through whatever name it used. */
    static String origin(Context ctx) {
        return ctx.scheme() + "://" + ctx.host();
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }

    static String errorId() {
        return UUID.randomUUID().toString();
    }
}
