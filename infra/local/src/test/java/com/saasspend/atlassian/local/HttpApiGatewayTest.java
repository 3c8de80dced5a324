package com.saasspend.atlassian.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.saasspend.atlassian.local.testing.EchoHttpHandler;
import com.saasspend.atlassian.local.testing.SlowHandler;
import com.saasspend.atlassian.local.testing.TestTemplates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's API Gateway behaviour on a test template whose routes all go to {@link EchoHttpHandler}. */
class HttpApiGatewayTest {
    private static final String ISSUER = "https://issuer.test/";
    private static final String AUDIENCE = "aud-test";
    private static LocalJwtAuthority authority;
    /** Another key pair (RSA key generation is slow: two keys serve the whole class). */
    private static LocalJwtAuthority otherKey;
    private static HttpApiGateway gateway;

    @BeforeAll
    static void setUp() {
        SamTemplate template = TestTemplates.echoApi();
        TemplateValues values = new TemplateValues(template, "t", "us-east-1", "123456789012", null, Map.of());
        authority = LocalJwtAuthority.ephemeral(ISSUER, AUDIENCE);
        otherKey = LocalJwtAuthority.ephemeral(ISSUER, AUDIENCE);
        Map<String, LambdaFunction> functions = new LinkedHashMap<>();
        for (SamFunction f : template.functions()) {
            functions.put(f.logicalId(), new LambdaFunction(f, "t-" + f.logicalId(), "arn", HttpApiGatewayTest.class.getClassLoader()));
        }
        List<HttpRoute> routes = template.httpRoutes();
        gateway = new HttpApiGateway(new RouteTable(routes), functions, HttpApiGateway.authorizationOf(template, routes),
                CorsPolicy.from(template.httpApiProperties("Api").path("CorsConfiguration"), values, List.of("http://localhost:5173")),
                authority, new ApiGatewayEvents.Api("123456789012", "local", "127.0.0.1"), Clock.systemUTC());
    }

    @AfterAll
    static void tearDown() {
        gateway.close();
    }

    @BeforeEach
    void forget() {
        EchoHttpHandler.LAST.set(null);
    }

    private static GatewayRequest request(String method, String path, String query, String body, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new GatewayRequest(method, path, query, list, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "127.0.0.1", "HTTP/1.1");
    }

    private static String bearer() {
        return "Bearer " + authority.mint("tenant-a", "admin@a.example", Duration.ofHours(1));
    }

    @Test
    void theFunctionGetsTheEventApiGatewayBuilds() {
        ApiGatewayEvents.HttpResponse response = gateway.handle(request("POST", "/things/42/created", "q=1&q=2&x=a%20b",
                "{\"name\":\"n\"}",
                "Authorization", bearer(), "Content-Type", "application/json", "X-Multi", "a", "X-Multi", "b",
                "Cookie", "c1=v1; c2=v2", "User-Agent", "test-agent"));
        assertEquals(201, response.status());
        APIGatewayV2HTTPEvent event = EchoHttpHandler.LAST.get();
        assertEquals("2.0", event.getVersion());
        assertEquals("POST /things/{id}/created", event.getRouteKey());
        assertEquals("/things/42/created", event.getRawPath());
        assertEquals("q=1&q=2&x=a%20b", event.getRawQueryString());
        assertEquals(Map.of("id", "42"), event.getPathParameters());
        assertEquals(Map.of("q", "1,2", "x", "a b"), event.getQueryStringParameters());
        assertEquals("application/json", event.getHeaders().get("content-type"), "header names lower-cased");
        assertEquals("a,b", event.getHeaders().get("x-multi"), "repeated headers joined");
        assertFalse(event.getHeaders().containsKey("cookie"), "cookies move out of the headers");
        assertEquals(List.of("c1=v1", "c2=v2"), event.getCookies());
        assertEquals("{\"name\":\"n\"}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertEquals("POST", context.getHttp().getMethod());
        assertEquals("/things/42/created", context.getHttp().getPath());
        assertEquals("test-agent", context.getHttp().getUserAgent());
        assertEquals("POST /things/{id}/created", context.getRouteKey());
        assertEquals("$default", context.getStage());
        assertEquals(EchoHttpHandler.LAST_REQUEST_ID.get(), context.getRequestId());
        Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
        assertEquals("tenant-a", claims.get("tenant_id"));
        assertEquals("admin@a.example", claims.get("email"));
        assertEquals(ISSUER, claims.get("iss"));
        assertTrue(claims.get("exp").matches("\\d+"), "numeric claims as strings, as API Gateway hands them");
        assertEquals(List.of(context.getRequestId()), response.headers().get("apigw-requestid"));
    }

    @Test
    void theFunctionsResponseIsMappedBack() {
        ApiGatewayEvents.HttpResponse response = gateway.handle(request("GET", "/things", null, null, "Authorization", bearer()));
        assertEquals(200, response.status());
        assertEquals("{\"ok\":true}", response.bodyText());
        assertEquals(List.of("GET /things"), response.headers().get("X-Route"));
        assertEquals(List.of("a=1; Path=/"), response.headers().get("set-cookie"));
    }

    @Test
    void binaryBodiesArriveBase64Encoded() {
        gateway.handle(request("POST", "/things/1/created", null, "raw-bytes", "Authorization", bearer(),
                "Content-Type", "application/octet-stream"));
        APIGatewayV2HTTPEvent event = EchoHttpHandler.LAST.get();
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals("raw-bytes".getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(event.getBody()));
    }

    @Test
    void anUnknownRouteIs404LikeApiGateway() {
        ApiGatewayEvents.HttpResponse response = gateway.handle(request("GET", "/unknown", null, null, "Authorization", bearer()));
        assertEquals(404, response.status());
        assertEquals("{\"message\":\"Not Found\"}", response.bodyText());
        assertEquals(404, gateway.handle(request("DELETE", "/things", null, null, "Authorization", bearer())).status());
        assertNull(EchoHttpHandler.LAST.get());
    }

    @Test
    void withoutAValidTokenTheAuthorizerAnswers401() throws Exception {
        assertUnauthorized(request("GET", "/things", null, null));
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer not-a-jwt"));
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Basic dXNlcjpwYXNz"));
        // Signed by another key, then the right key but the wrong issuer, or expired.
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer " + otherKey.mint("tenant-a")));
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer "
                + new LocalJwtAuthority(keyOf(authority), "https://other/", AUDIENCE, Clock.systemUTC()).mint("tenant-a")));
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer " + signedBySameKeyButExpired()));
        assertNull(EchoHttpHandler.LAST.get(), "the function never ran");
    }

    private static String signedBySameKeyButExpired() {
        LocalJwtAuthority past = new LocalJwtAuthority(keyOf(authority), ISSUER, AUDIENCE,
                Clock.fixed(Instant.now().minus(Duration.ofHours(3)), java.time.ZoneOffset.UTC));
        return past.mint("tenant-a", "a@a.example", Duration.ofHours(1));
    }

    private static com.nimbusds.jose.jwk.RSAKey keyOf(LocalJwtAuthority authority) {
        try {
            var field = LocalJwtAuthority.class.getDeclaredField("key");
            field.setAccessible(true);
            return (com.nimbusds.jose.jwk.RSAKey) field.get(authority);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTokenWithTheWrongAudienceOrAlgorithmIsRefused() throws Exception {
        var key = keyOf(authority);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("s").issuer(ISSUER).audience("someone-else")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).claim("tenant_id", "t").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer " + jwt.serialize()));
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("s").issuer(ISSUER).audience(AUDIENCE)
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build());
        forged.sign(new RSASSASigner(keyOf(otherKey))); // another key claiming this key's id
        assertUnauthorized(request("GET", "/things", null, null, "Authorization", "Bearer " + forged.serialize()));
    }

    private static void assertUnauthorized(GatewayRequest request) {
        ApiGatewayEvents.HttpResponse response = gateway.handle(request);
        assertEquals(401, response.status());
        assertEquals("{\"message\":\"Unauthorized\"}", response.bodyText());
    }

    @Test
    void aRouteWithAuthorizerNoneNeedsNoToken() {
        assertEquals(200, gateway.handle(request("GET", "/open", null, null)).status());
        assertNull(EchoHttpHandler.LAST.get().getRequestContext().getAuthorizer());
    }

    @Test
    void aFailingFunctionIs500WithApiGatewaysBody() {
        ApiGatewayEvents.HttpResponse response = gateway.handle(request("GET", "/boom", null, null, "Authorization", bearer()));
        assertEquals(500, response.status());
        assertEquals("{\"message\":\"Internal Server Error\"}", response.bodyText());
    }

    @Test
    void corsFollowsTheApisConfigurationAndReplacesTheFunctionsHeaders() {
        ApiGatewayEvents.HttpResponse preflight = gateway.handle(request("OPTIONS", "/things", null, null,
                "Origin", "https://app.example.com", "Access-Control-Request-Method", "GET"));
        assertEquals(204, preflight.status());
        assertEquals(List.of("https://app.example.com"), preflight.headers().get("access-control-allow-origin"));
        assertEquals(List.of("GET,POST"), preflight.headers().get("access-control-allow-methods"));
        assertEquals(List.of("600"), preflight.headers().get("access-control-max-age"));

        ApiGatewayEvents.HttpResponse local = gateway.handle(request("GET", "/things", null, null,
                "Authorization", bearer(), "Origin", "http://localhost:5173"));
        assertEquals(List.of("http://localhost:5173"), local.headers().get("access-control-allow-origin"));
        assertFalse(local.headers().containsKey("Access-Control-Allow-Origin"), "the function's own CORS header is dropped");

        ApiGatewayEvents.HttpResponse foreign = gateway.handle(request("GET", "/things", null, null,
                "Authorization", bearer(), "Origin", "https://evil.example"));
        assertFalse(foreign.headers().containsKey("access-control-allow-origin"));
    }

    @Test
    void overHttpTheRawPathQueryAndHeadersReachTheFunction() throws Exception {
        try (HttpApiGateway served = new HttpApiGateway(gateway.routes(), functionsOf(), HttpApiGateway.authorizationOf(
                TestTemplates.echoApi(), gateway.routes().routes()), CorsPolicy.NONE, authority,
                new ApiGatewayEvents.Api("123456789012", "local", "127.0.0.1"), Clock.systemUTC()).start(0)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + served.port() + "/things/a%2Fb?x=1"))
                    .header("Authorization", bearer()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("{\"ok\":true}", response.body());
            APIGatewayV2HTTPEvent event = EchoHttpHandler.LAST.get();
            assertEquals("/things/a%2Fb", event.getRawPath());
            assertEquals(Map.of("id", "a/b"), event.getPathParameters());
            assertEquals("x=1", event.getRawQueryString());
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + served.port() + "/"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertEquals("{\"message\":\"Not Found\"}", missing.body());
        }
    }

    private static Map<String, LambdaFunction> functionsOf() {
        Map<String, LambdaFunction> functions = new LinkedHashMap<>();
        for (SamFunction f : TestTemplates.echoApi().functions()) {
            functions.put(f.logicalId(), new LambdaFunction(f, f.logicalId(), "arn", HttpApiGatewayTest.class.getClassLoader()));
        }
        return functions;
    }

    @Test
    void aFunctionPastItsTimeoutIsStoppedAndTheClientGets503() throws Exception {
        SlowHandler.FINISHED.set(false);
        ApiGatewayEvents.HttpResponse response = gateway.handle(request("GET", "/slow", null, null, "Authorization", bearer()));
        assertEquals(503, response.status());
        assertEquals("{\"message\":\"Service Unavailable\"}", response.bodyText());
        Thread invocation = SlowHandler.THREAD.get();
        invocation.join(5_000);
        assertFalse(invocation.isAlive(), "the function kept running after the gateway answered");
        assertFalse(SlowHandler.FINISHED.get());
    }

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    /** A token signed by the gateway's key with the given header and claims, checked at NOW. */
    private static boolean acceptedAtNow(JWSHeader header, JWTClaimsSet claims) throws Exception {
        var key = keyOf(authority);
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(key));
        LocalJwtAuthority atNow = new LocalJwtAuthority(key, ISSUER, AUDIENCE, Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        return atNow.verify(jwt.serialize()).isPresent();
    }

    private static JWTClaimsSet.Builder validClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("s")
                .expirationTime(Date.from(NOW.plusSeconds(300))).claim("tenant_id", "t");
    }

    /** What API Gateway documents for JWT authorizers of HTTP APIs: kid required, exp/nbf/iat against now, no skew. */
    @Test
    void jwtChecksFollowApiGatewaysDocumentedRules() throws Exception {
        var key = keyOf(authority);
        JWSHeader withKid = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build();
        assertTrue(acceptedAtNow(withKid, validClaims().build()));
        // kid: must name the key that signed the token.
        assertFalse(acceptedAtNow(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), validClaims().build()), "no kid");
        assertFalse(acceptedAtNow(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("other").build(), validClaims().build()), "unknown kid");
        // exp after now, nbf and iat not after now: one second either way, no skew.
        assertFalse(acceptedAtNow(withKid, validClaims().expirationTime(Date.from(NOW.minusSeconds(1))).build()), "expired 1 s ago");
        assertFalse(acceptedAtNow(withKid, validClaims().expirationTime(Date.from(NOW)).build()), "expires now");
        assertFalse(acceptedAtNow(withKid, validClaims().expirationTime(null).build()), "no exp");
        assertFalse(acceptedAtNow(withKid, validClaims().notBeforeTime(Date.from(NOW.plusSeconds(1))).build()), "nbf in 1 s");
        assertTrue(acceptedAtNow(withKid, validClaims().notBeforeTime(Date.from(NOW)).build()), "nbf now");
        assertFalse(acceptedAtNow(withKid, validClaims().issueTime(Date.from(NOW.plusSeconds(1))).build()), "iat in 1 s");
        assertTrue(acceptedAtNow(withKid, validClaims().issueTime(Date.from(NOW.minusSeconds(1))).build()), "iat 1 s ago");
        // aud, or client_id only when aud is absent.
        assertTrue(acceptedAtNow(withKid, validClaims().audience((String) null).claim("client_id", AUDIENCE).build()), "client_id");
        assertFalse(acceptedAtNow(withKid, validClaims().audience((String) null).claim("client_id", "other").build()), "other client_id");
        assertFalse(acceptedAtNow(withKid, validClaims().audience("other").claim("client_id", AUDIENCE).build()), "aud wins over client_id");
        assertFalse(acceptedAtNow(withKid, validClaims().audience((String) null).build()), "neither aud nor client_id");
        // Only RSA algorithms are supported: RS384 passes, the signature still has to be the key's.
        assertTrue(acceptedAtNow(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(), validClaims().build()), "RS384");
    }
}
