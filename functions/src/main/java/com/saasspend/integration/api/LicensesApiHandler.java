package com.saasspend.integration.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.domain.licenses.LicenseReader;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.licenses.SettingsChange;
import com.saasspend.integration.domain.savings.SavingsService;
import com.saasspend.integration.wiring.Services;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The License page: GET /licenses, GET /users, GET /users/export, GET /users/{accountId}, the tenant's settings, and the savings. */
public final class LicensesApiHandler extends HttpApiHandler {
    private static final Set<String> STATUSES = Set.of("active", "inactive", "never");
    /** {@code -lastActive}: most recently active first. */
    private static final Map<String, LicenseReader.UserOrder> SORTS = Map.of("name", LicenseReader.UserOrder.NAME,
            "lastActive", LicenseReader.UserOrder.LAST_ACTIVE_ASC, "-lastActive", LicenseReader.UserOrder.LAST_ACTIVE_DESC);

    /** Lambda's entry point: wires the real adapters once per instance (and once per SnapStart snapshot). */
    public LicensesApiHandler() {
        this(Services.fromEnvironment());
    }

    /** The function as the composition root builds it, with its SnapStart priming registered. */
    public LicensesApiHandler(Services services) {
        super(services.tenantClaim(), routes(services));
        SnapStartPriming.licenses(this, services);
    }

    private static Map<String, Function<ApiRequest, ApiResponse>> routes(Services services) {
        LicenseService licenses = services.licenseService();
        SavingsService savings = services.savingsService();
        Clock clock = services.clock();
        return Map.of(
                "GET /savings", request -> ApiResponse.json(200, savings.savings(request.tenantId())),
                "GET /savings/history", request -> savingsHistory(savings, request, clock),
                "GET /licenses", request -> ApiResponse.json(200, licenses.overview(request.tenantId())),
                "GET /users", request -> users(licenses, request),
                "GET /users/export", request -> export(licenses, request),
                "GET /users/{accountId}", request -> ApiResponse.json(200, licenses.user(request.tenantId(), accountId(request))),
                "GET /settings", request -> ApiResponse.json(200, licenses.settings(request.tenantId())),
                "PUT /settings", request -> {
                    JsonNode body = JsonBodies.object(request);
                    return ApiResponse.json(200, licenses.updateSettings(request.tenantId(), parseSettings(body)));
                });
    }

    private static ApiResponse users(LicenseService licenses, ApiRequest request) {
        QueryParameters query = new QueryParameters(request, Set.of("product", "status", "inactiveForDays", "q", "sort", "cursor", "limit"));
        Integer limit = query.integer("limit", 1, LicenseService.MAX_LIMIT, 50);
        String cursor = query.text("cursor", 600);
        LicenseService.UserQuery filters = filters(query, cursor, limit);
        LicenseService.UserPage page = licenses.users(request.tenantId(), filters);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users", page.users());
        body.put("inactivityDays", page.inactivityDays());
        body.put("nextCursor", PageCursors.encode(page.nextAfter()));
        body.put("seats", page.seats());
        return ApiResponse.json(200, body);
    }

    /** The filters and sort GET /users and GET /users/export share; checks every parameter of the request. */
    private static LicenseService.UserQuery filters(QueryParameters query, String cursor, int limit) {
        String product = query.text("product", 200);
        String status = query.oneOf("status", STATUSES);
        Integer days = query.integer("inactiveForDays", 1, 3650, null);
        String search = query.text("q", LicenseService.MAX_SEARCH_LENGTH);
        String sort = query.oneOf("sort", SORTS.keySet());
        query.check();
        return new LicenseService.UserQuery(product, status, days, search, sort == null ? null : SORTS.get(sort),
                PageCursors.decode(cursor), limit);
    }

    /**
     * What one export may hold, as it costs in the Lambda response (6 MB in all, with headers and envelope): the
     * rest is left to the envelope and JSON escaping the cost already counts.
     */
    static final long MAX_EXPORT_COST = 5_500_000;
    /** Time kept back from the invocation's end to build and return the response (API Gateway waits 29 s at most). */
    static final long EXPORT_MARGIN_MILLIS = 4_000;

    /**
     * GET /users/export: the whole filtered list as CSV in the response body, read page by page from the listing's
     * index. A list too large for one response (or for the invocation's time) is refused whole: no truncated file.
     */
    private static ApiResponse export(LicenseService licenses, ApiRequest request) {
        QueryParameters query = new QueryParameters(request, Set.of("product", "status", "inactiveForDays", "q", "sort"));
        LicenseService.UserQuery filters = filters(query, null, LicenseService.MAX_LIMIT);
        UserCsv csv = new UserCsv(MAX_EXPORT_COST);
        boolean complete = licenses.forEachUser(request.tenantId(), filters, row -> !timeNearlyOut() && csv.add(row));
        if (!complete) {
            throw new ApiProblem(413, "export_too_large", "Export too large",
                    "The list has more users than one export can carry (" + csv.rows() + " fit); narrow it with product, "
                            + "status or q and export each part.");
        }
        return new ApiResponse(200, "text/csv; charset=utf-8", csv.text(),
                Map.of("Content-Disposition", "attachment; filename=\"users.csv\""));
    }

    private static boolean timeNearlyOut() {
        java.util.OptionalLong remaining = InvocationDeadline.remainingMillis();
        return remaining.isPresent() && remaining.getAsLong() < EXPORT_MARGIN_MILLIS;
    }

    /** {@code from}/{@code to}: ISO dates, inclusive; by default the 30 days up to today (UTC). */
    private static ApiResponse savingsHistory(SavingsService savings, ApiRequest request, Clock clock) {
        QueryParameters query = new QueryParameters(request, Set.of("from", "to"));
        LocalDate from = query.date("from");
        LocalDate to = query.date("to");
        query.check();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate end = to != null ? to : from != null && from.isAfter(today) ? from : today;
        LocalDate start = from != null ? from : max(end.minusDays(29), LocalDate.of(1, 1, 1));
        return ApiResponse.json(200, savings.history(request.tenantId(), start, end));
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static String accountId(ApiRequest request) {
        String id = request.path("accountId");
        if (!id.matches("[A-Za-z0-9_:|-]{1,128}")) {
            throw ApiProblem.badRequest("invalid_account_id", "An Atlassian account id has 1 to 128 letters, digits or _ | - : characters.");
        }
        return id;
    }

    /** The settings a PUT names: a field left out keeps its stored value, a null seat price removes that product's. */
    static SettingsChange parseSettings(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!Set.of("inactivityDays", "seatPrices", "policiesPaused").contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "is not a setting; expected inactivityDays, seatPrices, policiesPaused"));
            }
        });
        Integer days = null;
        JsonNode daysNode = body.get("inactivityDays");
        if (daysNode != null && !(daysNode.isInt() && daysNode.asInt() >= 1 && daysNode.asInt() <= 3650)) {
            errors.add(new ApiProblem.FieldError("inactivityDays", "must be a whole number of days from 1 to 3650"));
        } else if (daysNode != null) {
            days = daysNode.asInt();
        }
        Map<String, BigDecimal> prices = new HashMap<>();
        JsonNode pricesNode = body.get("seatPrices");
        if (pricesNode != null && !pricesNode.isObject()) {
            errors.add(new ApiProblem.FieldError("seatPrices", "must be an object of product key to monthly price (null removes one)"));
        } else if (pricesNode != null) {
            if (pricesNode.size() > 50) {
                errors.add(new ApiProblem.FieldError("seatPrices", "has more than 50 products"));
            }
            pricesNode.fields().forEachRemaining(e -> {
                boolean validKey = e.getKey().matches("[a-z0-9-]{1,40}");
                // At most 4 decimals: what a price needs, and what DynamoDB can store exactly (1e-400 is refused).
                boolean validPrice = e.getValue().isNull() || e.getValue().isNumber() && e.getValue().decimalValue().signum() >= 0
                        && e.getValue().decimalValue().compareTo(BigDecimal.valueOf(100_000)) <= 0
                        && e.getValue().decimalValue().stripTrailingZeros().scale() <= 4;
                if (!validKey || !validPrice) {
                    errors.add(new ApiProblem.FieldError("seatPrices." + (validKey ? e.getKey() : "?"),
                            "must map a product key (e.g. jira-software) to a monthly price from 0 to 100000, at most 4 decimals, or to null to remove its price"));
                } else {
                    prices.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().decimalValue());
                }
            });
        }
        // The reclaim policies' kill switch: true stops every evaluation and due reclaim of the tenant.
        JsonNode pausedNode = body.get("policiesPaused");
        if (pausedNode != null && !pausedNode.isBoolean()) {
            errors.add(new ApiProblem.FieldError("policiesPaused", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new SettingsChange(days, prices, pausedNode == null ? null : pausedNode.booleanValue());
    }
}
