package com.saasspend.atlassian.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Faults injected on demand: rate limits per credential, added latency, forced 5xx (next N calls or a
 * share of calls matching a path pattern), cursor expiry and listings whose cursor never advances. Configured from tests through
 * {@link AtlassianSimulator#faults()}, over HTTP at {@code /_sim/faults}, or at start-up from options.
 * All methods are thread-safe.
 */
public final class Faults {

    /** Cursors live this long unless changed. The real TTL is UNCONFIRMED; 30 minutes outlives any sane sync page gap. */
    public static final Duration DEFAULT_CURSOR_TTL = Duration.ofMinutes(30);

    /** Wildcard for {@link #rateLimit}: the limit applies to every credential, each with its own budget. */
    public static final String ANY_KEY = "*";

    private record RateRule(String key, int calls, Duration window) {}

    private static final class Window {
        Instant start;
        int used;
    }

    private static final class FailRule {
        final Pattern path;
        final int status;
        int remaining;          // for "next N calls"; -1 when share-based
        final double share;     // for "share of calls"; 0 when count-based

        FailRule(Pattern path, int status, int remaining, double share) {
            this.path = path;
            this.status = status;
            this.remaining = remaining;
            this.share = share;
        }
    }

    /** Result of a rate-limit check; headers are sent on every response of a limited credential. */
    record RateDecision(boolean exceeded, int limit, int remaining, Instant reset) {}

    private final List<RateRule> rateRules = new ArrayList<>();
    private final Map<String, Window> windows = new HashMap<>();
    private final List<FailRule> failRules = new ArrayList<>();
    private final Random random = new Random(7);
    private long latencyMillis;
    private boolean adminRetryAfter;
    private Duration cursorTtl = DEFAULT_CURSOR_TTL;
    private Instant cursorsValidFrom = Instant.EPOCH;
    private Clock clock = Clock.systemUTC();
    private final List<Pattern> stuckCursorPaths = new ArrayList<>();
    /** "METHOD path" -> the page a stuck listing answers again and again. */
    private final Map<String, String> stuckPages = new HashMap<>();

    Faults() {}

    synchronized void setClock(Clock clock) {
        this.clock = clock;
    }

    /**
     * At most {@code calls} requests per {@code windowSeconds} (fixed window) for the credential
     * {@code keyOrAny} (an org API key, an account API token, a Trello token/key) or {@link #ANY_KEY}.
     * Further calls get 429 with X-RateLimit-Limit/-Remaining/-Reset (and Retry-After where the API documents it).
     */
    public synchronized Faults rateLimit(String keyOrAny, int calls, int windowSeconds) {
        rateRules.add(new RateRule(keyOrAny, calls, Duration.ofSeconds(windowSeconds)));
        return this;
    }

    /** Adds this many milliseconds to every API call. */
    public synchronized Faults latencyMillis(long millis) {
        this.latencyMillis = millis;
        return this;
    }

    /** The next {@code count} calls whose path matches {@code pathRegex} (find, not full match) fail with {@code status}. */
    public synchronized Faults failNext(int count, int status, String pathRegex) {
        failRules.add(new FailRule(Pattern.compile(pathRegex), status, count, 0));
        return this;
    }

    /** A share (0..1) of calls matching {@code pathRegex} fail with {@code status}; deterministic pseudo-random sequence. */
    public synchronized Faults failShare(double share, int status, String pathRegex) {
        failRules.add(new FailRule(Pattern.compile(pathRegex), status, -1, share));
        return this;
    }

    /** Every cursor issued so far becomes invalid (400 ADMIN-400-1 invalid cursor); new ones work. */
    public synchronized Faults expireCursors() {
        cursorsValidFrom = clock.instant().plusNanos(1);
        return this;
    }

    public synchronized Faults cursorTtl(Duration ttl) {
        this.cursorTtl = ttl;
        return this;
    }

    /**
     * Whether admin-API 429s carry Retry-After. The admin docs only promise X-RateLimit-* headers, so
     * the default is off; Jira, Confluence and Trello 429s always carry it.
     */
    public synchronized Faults adminRetryAfter(boolean send) {
        this.adminRetryAfter = send;
        return this;
    }

    /**
     * Listings whose path matches {@code pathRegex} (find, not full match) answer with a next cursor or link that never
     * advances: the same page, with the same next, again and again (see {@link StuckCursor}).
     */
    public synchronized Faults stuckCursor(String pathRegex) {
        stuckCursorPaths.add(Pattern.compile(pathRegex));
        return this;
    }

    // ------------------------------------------------------------------ membership faults (reclaim and undo)

    /** A membership fault for the next {@code remaining} calls on one group ({@code groupId}) or on any (null). */
    private static final class MembershipRule {
        final String groupId;
        int remaining;

        MembershipRule(String groupId, int remaining) {
            this.groupId = groupId;
            this.remaining = remaining;
        }
    }

    private final List<MembershipRule> licenseLimitOnAdd = new ArrayList<>();
    private final List<MembershipRule> notFoundOnRemove = new ArrayList<>();

    /**
     * The next {@code count} membership adds (on {@code groupIdOrNull}, or any group when null) answer 409 ADMIN-409-3,
     * "license limit exceeded", as Atlassian does when an app the group grants is at its user limit; nothing changes.
     */
    public synchronized Faults licenseLimitOnAdd(int count, String groupIdOrNull) {
        licenseLimitOnAdd.add(new MembershipRule(groupIdOrNull, count));
        return this;
    }

    /**
     * The next {@code count} membership removals (on {@code groupIdOrNull}, or any group) answer 404 ADMIN-404-8 and
     * remove nothing: the user stays a member, as an answer Atlassian got wrong (or from a stale replica) would leave it.
     */
    public synchronized Faults notFoundOnRemove(int count, String groupIdOrNull) {
        notFoundOnRemove.add(new MembershipRule(groupIdOrNull, count));
        return this;
    }

    synchronized boolean takeLicenseLimitOnAdd(String groupId) {
        return take(licenseLimitOnAdd, groupId);
    }

    synchronized boolean takeNotFoundOnRemove(String groupId) {
        return take(notFoundOnRemove, groupId);
    }

    private static boolean take(List<MembershipRule> rules, String groupId) {
        for (Iterator<MembershipRule> it = rules.iterator(); it.hasNext(); ) {
            MembershipRule r = it.next();
            if (r.groupId != null && !r.groupId.equals(groupId)) continue;
            if (--r.remaining <= 0) it.remove();
            return true;
        }
        return false;
    }

    private static List<Object> describeMembership(List<MembershipRule> rules) {
        List<Object> out = new ArrayList<>();
        for (MembershipRule r : rules) out.add(Json.obj("groupId", r.groupId, "remaining", r.remaining));
        return out;
    }

    /** Removes every fault and rate limit, resets cursor TTL; issued cursors stay valid. */
    public synchronized Faults clear() {
        licenseLimitOnAdd.clear();
        notFoundOnRemove.clear();
        rateRules.clear();
        windows.clear();
        failRules.clear();
        latencyMillis = 0;
        adminRetryAfter = false;
        cursorTtl = DEFAULT_CURSOR_TTL;
        stuckCursorPaths.clear();
        stuckPages.clear();
        return this;
    }

    // ------------------------------------------------------------------ used by the gateway

    synchronized long latency() {
        return latencyMillis;
    }

    synchronized boolean sendsAdminRetryAfter() {
        return adminRetryAfter;
    }

    /** Status to fail this call with, or null. Count-based rules are consumed. */
    synchronized Integer injectedFailure(String path) {
        for (Iterator<FailRule> it = failRules.iterator(); it.hasNext(); ) {
            FailRule r = it.next();
            if (!r.path.matcher(path).find()) continue;
            if (r.remaining > 0) {
                if (--r.remaining == 0) it.remove();
                return r.status;
            }
            if (r.remaining < 0 && random.nextDouble() < r.share) return r.status;
        }
        return null;
    }

    /** Counts the call against the credential's budget; null when no rule covers the credential. */
    synchronized RateDecision rateCheck(String credential) {
        RateDecision strictest = null;
        Instant now = clock.instant();
        for (int i = 0; i < rateRules.size(); i++) {
            RateRule rule = rateRules.get(i);
            if (!rule.key.equals(ANY_KEY) && !rule.key.equals(credential)) continue;
            Window w = windows.computeIfAbsent(i + "|" + credential, k -> new Window());
            if (w.start == null || !now.isBefore(w.start.plus(rule.window))) {
                w.start = now;
                w.used = 0;
            }
            Instant reset = w.start.plus(rule.window);
            RateDecision d;
            if (w.used >= rule.calls) {
                d = new RateDecision(true, rule.calls, 0, reset);
            } else {
                w.used++;
                d = new RateDecision(false, rule.calls, rule.calls - w.used, reset);
            }
            if (strictest == null || d.exceeded() || (!strictest.exceeded() && d.remaining() < strictest.remaining())) strictest = d;
            if (d.exceeded()) break;
        }
        return strictest;
    }

    synchronized boolean isStuck(String path) {
        for (Pattern p : stuckCursorPaths) if (p.matcher(path).find()) return true;
        return false;
    }

    synchronized String stuckPage(String key) {
        return stuckPages.get(key);
    }

    synchronized void rememberStuckPage(String key, String body) {
        stuckPages.putIfAbsent(key, body);
    }

    synchronized boolean cursorValid(Instant issuedAt) {
        Instant now = clock.instant();
        return !issuedAt.isBefore(cursorsValidFrom) && !now.isAfter(issuedAt.plus(cursorTtl));
    }

    synchronized Duration cursorTtl() {
        return cursorTtl;
    }

    /** Current configuration, for GET /_sim/faults. */
    synchronized Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> rl = new ArrayList<>();
        for (RateRule r : rateRules) rl.add(Json.obj("key", r.key, "calls", r.calls, "windowSeconds", r.window.toSeconds()));
        List<Object> fr = new ArrayList<>();
        for (FailRule r : failRules)
            fr.add(Json.obj("pathRegex", r.path.pattern(), "status", r.status,
                    "remaining", r.remaining >= 0 ? r.remaining : null, "share", r.remaining < 0 ? r.share : null));
        m.put("rateLimits", rl);
        m.put("failures", fr);
        m.put("latencyMillis", latencyMillis);
        m.put("adminRetryAfter", adminRetryAfter);
        m.put("cursorTtlSeconds", cursorTtl.toSeconds());
        m.put("cursorsValidFrom", cursorsValidFrom.toString());
        m.put("stuckCursor", stuckCursorPaths.stream().map(Pattern::pattern).toList());
        m.put("licenseLimitOnAdd", describeMembership(licenseLimitOnAdd));
        m.put("notFoundOnRemove", describeMembership(notFoundOnRemove));
        return m;
    }
}
