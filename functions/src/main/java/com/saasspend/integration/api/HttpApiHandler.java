package com.saasspend.integration.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.saasspend.integration.atlassian.InvocationDeadline;
import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.Refusal;
import com.saasspend.integration.domain.TenantIds;
import com.saasspend.integration.domain.UpstreamFailure;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The shared edge of every HttpApi function: turns the API Gateway v2 event into an {@link ApiRequest}, finds the
 * route, and turns any outcome into a response. Client mistakes become 4xx problem+json; anything unexpected becomes a
 * 500 without a stack trace, logged with the request id.
 */
public abstract class HttpApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /**
     * API Gateway allows 10 MB; our largest request, 5,000 account or action ids (bulk plans and approvals) of up to 128
     * characters, needs about 660 KB.
     */
    static final int MAX_BODY_BYTES = 1_000_000;

    private static final Log LOG = Log.of(HttpApiHandler.class);

    private final String tenantClaim;
    private final Map<String, Function<ApiRequest, ApiResponse>> routes;

    protected HttpApiHandler(String tenantClaim, Map<String, Function<ApiRequest, ApiResponse>> routes) {
        this.tenantClaim = tenantClaim;
        this.routes = Map.copyOf(routes);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context != null ? context.getAwsRequestId() : null;
        Log.begin(context != null ? context.getFunctionName() : null, requestId, null);
        // The API Gateway request id: the access log's key, and what every event this request publishes carries.
        String apiRequestId = event != null && event.getRequestContext() != null ? event.getRequestContext().getRequestId() : null;
        if (apiRequestId != null && !apiRequestId.isBlank()) {
            Log.put("correlationId", apiRequestId);
        }
        String routeKey = event != null && event.getRouteKey() != null ? event.getRouteKey() : "";
        InvocationDeadline.enter(context);
        ApiResponse response = null;
        try {
            ApiRequest request = toRequest(event, requestId);
            Log.context(requestId, request.tenantId());
            LOG.debug("request", "route", routeKey);
            Function<ApiRequest, ApiResponse> route = routes.get(request.routeKey());
            if (route == null) {
                throw ApiProblem.notFound("route_not_found", "No such operation: " + request.routeKey() + ".");
            }
            response = route.apply(request);
        } catch (Refusal refusal) {
            ApiProblem problem = Refusals.toProblem(refusal);
            refused(routeKey, problem.code());
            response = ProblemResponses.of(problem, requestId);
            if (refusal.retryAfterSeconds() != null) {
                response = response.withHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
            }
        } catch (UpstreamFailure failure) {
            LOG.warn("Atlassian failed", "kind", failure.kind(), "status", failure.status());
            Refusal refusal = Refusal.fromUnavailable(failure, "handled the request");
            response = ProblemResponses.of(Refusals.toProblem(refusal), requestId);
            if (refusal.retryAfterSeconds() != null) {
                response = response.withHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
            }
        } catch (ApiProblem problem) {
            if (problem.status() >= 500) {
                LOG.warn("request failed upstream", "code", problem.code(), "detail", problem.detail());
            } else {
                refused(routeKey, problem.code());
            }
            response = ProblemResponses.of(problem, requestId);
        } catch (RuntimeException e) {
            LOG.error("unhandled error", e);
            response = ProblemResponses.internalError(requestId);
        } finally {
            // One line per request, with its correlation id: where a chain of events starts in the logs.
            LOG.info("request handled", "route", routeKey, "status", response != null ? response.status() : "none");
            Log.clearContext();
            InvocationDeadline.clear();
        }
        return toEvent(response);
    }

    /** A request of {@code routeKey} was refused with a 4xx {@code code}: subclasses count the refusals ops watch. */
    protected void refused(String routeKey, String code) {}

    private ApiRequest toRequest(APIGatewayV2HTTPEvent event, String requestId) {
        String tenant = claims(event).map(c -> c.get(tenantClaim)).filter(t -> !t.isBlank()).orElse(null);
        if (tenant == null) {
            throw new ApiProblem(401, "unauthenticated", "Unauthenticated",
                    "The request carries no tenant: sign in again (the token lacks the '" + tenantClaim + "' claim).");
        }
        if (!TenantIds.isValid(tenant)) {
            // The tenant id becomes part of table keys and secret names: refused here, before any of them is built.
            // The value is not echoed (it is not a tenant id, so it may be anything).
            throw new ApiProblem(401, "tenant_claim_invalid", "Unauthenticated",
                    "The token's '" + tenantClaim + "' claim is not a valid tenant id: it must be " + TenantIds.RULE + ".");
        }
        Map<String, String> claims = claims(event).orElse(Map.of());
        String actor = Optional.ofNullable(claims.get("email")).orElse(claims.getOrDefault("sub", "unknown"));
        String routeKey = event.getRouteKey() != null ? event.getRouteKey() : "";
        return new ApiRequest(routeKey,
                orEmpty(event.getPathParameters()),
                orEmpty(event.getQueryStringParameters()),
                orEmpty(event.getHeaders()),
                body(event),
                tenant,
                actor,
                requestId);
    }

    private static Optional<Map<String, String>> claims(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getJwt)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT::getClaims);
    }

    private static String body(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        if (raw == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw ApiProblem.badRequest("body_not_readable", "The request body could not be decoded.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiProblem(413, "body_too_large", "Request body too large",
                    "The request body is " + bytes.length + " bytes; at most " + MAX_BODY_BYTES + " are accepted.");
        }
        try {
            // Strict: a body that is not UTF-8 is refused rather than read with replacement characters.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            throw ApiProblem.badRequest("body_not_utf8", "The request body is not valid UTF-8 text.");
        }
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static APIGatewayV2HTTPResponse toEvent(ApiResponse response) {
        Map<String, String> headers = new HashMap<>(response.headers());
        if (response.contentType() != null) {
            headers.put("Content-Type", response.contentType());
        }
        headers.put("Cache-Control", "no-store");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
