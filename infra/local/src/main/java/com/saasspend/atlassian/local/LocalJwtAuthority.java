package com.saasspend.atlassian.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The local identity provider and API Gateway JWT authorizer in one: an RS256 key pair that signs tokens for any
 * tenant, and the verification API Gateway documents for HTTP API JWT authorizers before a route runs (an RSA
 * signature by the key its kid names, issuer, audience or client_id, exp, nbf, iat; no clock skew). The key can be kept in a file so tokens stay valid across restarts of the local stack.
 */
public final class LocalJwtAuthority {
    public static final String DEFAULT_ISSUER = "https://auth.saasspend.local/";
    public static final String DEFAULT_AUDIENCE = "saasspend-local-frontend";
    public static final Duration DEFAULT_TTL = Duration.ofHours(12);

    private final RSAKey key;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public LocalJwtAuthority(RSAKey key, String issuer, String audience, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        JWSKeySelector<SecurityContext> byKid = new JWSVerificationKeySelector<>(
                Set.copyOf(JWSAlgorithm.Family.RSA), new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())));
        // API Gateway: "kid - The token must have a header claim that matches the key in the jwks_uri that signed the
        // token". Without a kid, Nimbus would try every key of the set; API Gateway refuses the token.
        processor.setJWSKeySelector((header, context) ->
                header.getKeyID() == null ? List.of() : byKid.selectJWSKeys(header, context));
        processor.setJWTClaimsSetVerifier(this::verifyClaims);
    }

    /**
     * The claims API Gateway evaluates, as documented for HTTP API JWT authorizers, with no clock skew allowed: iss
     * equals the issuer; aud (or client_id, only when aud is absent) is one of the audiences; exp is after now; nbf
     * and iat, when present, are not after now.
     */
    private void verifyClaims(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("iss does not match the authorizer's issuer");
        }
        List<String> audiences = claims.getAudience();
        boolean audienceMatches;
        if (audiences != null && !audiences.isEmpty()) {
            audienceMatches = audiences.contains(audience);
        } else {
            Object clientId = claims.getClaim("client_id");
            audienceMatches = audience.equals(clientId);
        }
        if (!audienceMatches) {
            throw new BadJWTException("neither aud nor client_id matches the authorizer's audience");
        }
        Date now = Date.from(clock.instant());
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().after(now)) {
            throw new BadJWTException("exp is missing or not after the current time");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            throw new BadJWTException("nbf is after the current time");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().after(now)) {
            throw new BadJWTException("iat is after the current time");
        }
    }

    /** A fresh key pair for this run only (tests). */
    public static LocalJwtAuthority ephemeral(String issuer, String audience) {
        return new LocalJwtAuthority(generate(), issuer, audience, Clock.systemUTC());
    }

    /** The key kept in {@code keyFile} (created, owner-readable only, on first use). */
    public static LocalJwtAuthority persistent(Path keyFile, String issuer, String audience) {
        try {
            RSAKey key;
            if (Files.isRegularFile(keyFile)) {
                key = RSAKey.parse(Files.readString(keyFile));
            } else {
                key = generate();
                Files.createDirectories(keyFile.toAbsolutePath().getParent());
                Files.writeString(keyFile, key.toJSONString());
                try {
                    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the file stays as created
                }
            }
            return new LocalJwtAuthority(key, issuer, audience, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(keyFile + " is not an RSA JWK; delete it to get a new key", e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** A token as the front end would hold one for a user of {@code tenantId}. */
    public String mint(String tenantId, String email, Duration ttl) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("local-user-" + tenantId)
                .issuer(issuer)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("email", email)
                .claim("tenant_id", tenantId)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public String mint(String tenantId) {
        return mint(tenantId, "admin@" + tenantId + ".example", DEFAULT_TTL);
    }

    /** The verified claims of a bearer token, or empty when API Gateway would answer 401. */
    public Optional<Map<String, Object>> verify(String token) {
        try {
            return Optional.of(processor.process(token, null).toJSONObject());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The public key set, for tools that verify tokens themselves. */
    public Map<String, Object> publicJwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }

    /** The authorizer's view of a token's claims: API Gateway hands every claim to the function as a string. */
    public static Map<String, String> claimsAsStrings(Map<String, Object> claims) {
        Map<String, String> flat = new java.util.LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (value instanceof List<?> list) {
                flat.put(name, "[" + String.join(" ", list.stream().map(String::valueOf).toList()) + "]");
            } else if (value != null) {
                flat.put(name, String.valueOf(value));
            }
        });
        return flat;
    }

    /** Scopes as API Gateway reads them: the space-separated "scope" claim or the "scp" list. */
    public static List<String> scopes(Map<String, Object> claims) {
        Object scope = claims.containsKey("scope") ? claims.get("scope") : claims.get("scp");
        if (scope instanceof String s && !s.isBlank()) {
            return List.of(s.trim().split("\\s+"));
        }
        if (scope instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return null;
    }
}
