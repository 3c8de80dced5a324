package com.saasspend.atlassian.local;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway HTTP API route selection over the template's routes: a request goes to the most specific matching route
 * (literal segments beat {param}, which beats {greedy+}; an exact method beats ANY), then to $default, else no route
 * (API Gateway answers 404 {"message":"Not Found"}). Path parameters come back URL-decoded.
 */
public final class RouteTable {

    public record Match(HttpRoute route, Map<String, String> pathParameters) {}

    private record Compiled(HttpRoute route, List<Segment> segments) {}

    private record Segment(String literal, String variable, boolean greedy) {
        static Segment parse(String text) {
            if (text.startsWith("{") && text.endsWith("}")) {
                String name = text.substring(1, text.length() - 1);
                return name.endsWith("+") ? new Segment(null, name.substring(0, name.length() - 1), true) : new Segment(null, name, false);
            }
            return new Segment(text, null, false);
        }

        /** Higher is more specific. */
        int rank() {
            return literal != null ? 2 : greedy ? 0 : 1;
        }
    }

    private final List<Compiled> routes = new ArrayList<>();

    public RouteTable(List<HttpRoute> routes) {
        for (HttpRoute route : routes) {
            List<Segment> segments = "$default".equals(route.path()) ? List.of()
                    : Arrays.stream(route.path().substring(1).split("/", -1)).map(Segment::parse).toList();
            this.routes.add(new Compiled(route, segments));
        }
    }

    public List<HttpRoute> routes() {
        return routes.stream().map(Compiled::route).toList();
    }

    /** The route API Gateway would choose for this request, if any. {@code rawPath} as received (still encoded). */
    public Optional<Match> match(String method, String rawPath) {
        String[] requestSegments = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : rawPath.split("/", -1);
        Match best = null;
        int[] bestScore = null;
        for (Compiled compiled : routes) {
            if (compiled.segments().isEmpty() || !methodMatches(compiled.route().method(), method)) {
                continue;
            }
            Map<String, String> params = bind(compiled.segments(), requestSegments);
            if (params == null) {
                continue;
            }
            int[] score = score(compiled);
            if (bestScore == null || SCORE_ORDER.compare(score, bestScore) > 0) {
                best = new Match(compiled.route(), params);
                bestScore = score;
            }
        }
        if (best != null) {
            return Optional.of(best);
        }
        return routes.stream().filter(c -> "$default".equals(c.route().path())).findFirst()
                .map(c -> new Match(c.route(), Map.of()));
    }

    private static boolean methodMatches(String routeMethod, String method) {
        return "ANY".equals(routeMethod) || routeMethod.equalsIgnoreCase(method);
    }

    private static Map<String, String> bind(List<Segment> route, String[] request) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < route.size(); i++) {
            Segment segment = route.get(i);
            if (segment.greedy()) {
                if (i >= request.length) {
                    return null;
                }
                String rest = String.join("/", Arrays.copyOfRange(request, i, request.length));
                if (rest.isEmpty()) {
                    return null;
                }
                params.put(segment.variable(), decode(rest));
                return params;
            }
            if (i >= request.length) {
                return null;
            }
            String value = request[i];
            if (segment.literal() != null) {
                if (!segment.literal().equals(value)) {
                    return null;
                }
            } else {
                if (value.isEmpty()) {
                    return null; // API Gateway never binds an empty path parameter
                }
                params.put(segment.variable(), decode(value));
            }
        }
        return route.size() == request.length ? params : null;
    }

    /** Per-segment specificity, then the exact-method bonus: compared lexicographically. */
    private static int[] score(Compiled compiled) {
        int[] score = new int[compiled.segments().size() + 1];
        for (int i = 0; i < compiled.segments().size(); i++) {
            score[i] = compiled.segments().get(i).rank();
        }
        score[score.length - 1] = "ANY".equals(compiled.route().method()) ? 0 : 1;
        return score;
    }

    private static final Comparator<int[]> SCORE_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.length - 1, b.length - 1); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length); // longer literal-rich path: more specific
        }
        return Integer.compare(a[a.length - 1], b[b.length - 1]);
    };

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
