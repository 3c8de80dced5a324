package com.saasspend.atlassian.sim;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.whitelist.StatusType;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.allOf;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.isRequest;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.isResponse;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageHasKey;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.messageContainsRegexp;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.pathContainsRegexp;
import static com.atlassian.oai.validator.whitelist.rule.WhitelistRules.responseStatusTypeIs;

/**
 * The official Atlassian OpenAPI documents (read in place from {@link Specs#dir()}, never copied), one
 * swagger-request-validator per document. Parsing the large documents takes seconds, so each is parsed
 * once per JVM and shared by every simulator (tests start many) and by {@code SpecConformanceTest}.
 */
enum SpecDocuments {
    ADMIN("admin-organization.openapi.json", "/admin"),
    JIRA("jira-platform-v3.swagger-v3.v3.json", "/"),
    CONFLUENCE("confluence-v1.swagger.v3.json", "/"),
    TRELLO("trello.swagger.v3.json", "/1"),
    BITBUCKET("bitbucket-2.0.codegen-normalized.openapi.yaml", "/2.0");

    /** The document's file in the specs directory. */
    final String file;
    /** The path prefix of the document's servers, which its paths leave out. */
    final String basePath;

    SpecDocuments(String file, String basePath) {
        this.file = file;
        this.basePath = basePath;
    }

    private static final Map<SpecDocuments, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    /** Per document, the path templates (document form, e.g. {@code /v2/orgs/{orgId}/workspaces}) the simulator serves. */
    private static final Map<SpecDocuments, Set<String>> SERVED = new ConcurrentHashMap<>();

    /**
     * Declares that the simulator serves {@code template} (a route path in the document's form) from this
     * document. Only the document's paths that could match a served route are kept: the validator finds a
     * request's operation by trying every path of the document with freshly compiled patterns, which costs
     * milliseconds per request on Jira's 417 paths; on the few kept it costs microseconds, with the same answer
     * (a request reaching a route can only match a path overlapping that route). Routes are registered by
     * every simulator before it loads the documents, so the set is complete when a validator is built.
     */
    void serves(String template) {
        SERVED.computeIfAbsent(this, d -> ConcurrentHashMap.newKeySet()).add(template);
    }

    static SpecDocuments of(Gateway.Family family) {
        return switch (family) {
            case ADMIN -> ADMIN;
            case JIRA -> JIRA;
            case CONFLUENCE -> CONFLUENCE;
            case TRELLO -> TRELLO;
            case BITBUCKET -> BITBUCKET;
        };
    }

    /** This document's validator, parsed on first use and then shared by the whole JVM. */
    OpenApiInteractionValidator validator() {
        return VALIDATORS.computeIfAbsent(this, d -> OpenApiInteractionValidator
                .createFor(d.parse())
                .withBasePathOverride(d.basePath)
                .withLevelResolver(LevelResolver.create()
                        // Off by default in the validator; a query parameter the document does not know is a wrong request.
                        .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.ERROR)
                        .build())
                .withWhitelist(d.whitelist())
                .build());
    }

    /**
     * Parses every document not parsed yet, in parallel, and waits: a simulator calls it at start so the
     * seconds of parsing fall into the test's setup, never into a request the product has timed.
     */
    static void preload() {
        CompletableFuture.allOf(Arrays.stream(values())
                        .filter(d -> !VALIDATORS.containsKey(d))
                        .map(d -> CompletableFuture.runAsync(d::validator))
                        .toArray(CompletableFuture[]::new))
                .join();
    }

    /**
     * Parser complaints each document is known to produce. The validator refuses to load a document
     * with any parser message, so we parse it ourselves and accept exactly these (anything else fails):
     * <ul>
     *   <li>admin: the copy carries a top-level {@code _meta} provenance key added by the snapshot tool.</li>
     *   <li>Trello: upstream defects: an array schema without {@code items}, a path parameter declared
     *       only in the path, and two repeated operationIds on notification-channel settings.</li>
     *   <li>Bitbucket: swagger-codegen kept titles with spaces as schema names (e.g. "A pull request task").</li>
     * </ul>
     */
    private static final Map<SpecDocuments, List<String>> KNOWN_PARSE_MESSAGES = Map.of(
            ADMIN, List.of("attribute _meta is unexpected"),
            TRELLO, List.of("attribute components\\.schemas\\.Notification\\.items is missing",
                    "paths\\.'/cards/\\{idCard\\}/customFields'\\. Declared path parameter idCard needs to be defined as a path parameter in path or operation level",
                    "attribute paths\\.'/members/\\{id\\}/notificationsChannelSettings/\\{channel\\}(/\\{blockedKeys\\})?'\\(put\\)\\.operationId is repeated"),
            BITBUCKET, List.of("components\\.schemas\\.Schema name [A-Za-z ]+ doesn't adhere to regular expression .*"),
            JIRA, List.of(),
            CONFLUENCE, List.of());

    OpenAPI parse() {
        String content = servedPathsOnly(read(), SERVED.getOrDefault(this, Set.of()));
        ParseOptions options = new ParseOptions();
        // The validator's own loading options: resolve every $ref (responses included), keep allOf/anyOf as written.
        options.setResolve(true);
        options.setResolveFully(true);
        options.setResolveCombinators(false);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(content, null, options);
        List<String> unexpected = new ArrayList<>();
        for (String m : result.getMessages() == null ? List.<String>of() : result.getMessages())
            if (KNOWN_PARSE_MESSAGES.get(this).stream().noneMatch(m::matches)) unexpected.add(m);
        if (result.getOpenAPI() == null || !unexpected.isEmpty())
            throw new IllegalStateException("Spec " + file + " did not parse cleanly: " + unexpected);
        return result.getOpenAPI();
    }

    /** The document as published, with the one repair it needs to load at all. */
    String read() {
        String content;
        try {
            content = Files.readString(Specs.file(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (this == BITBUCKET) {
            // Repair of a conversion defect: swagger-codegen turned the Swagger 2 discriminator of the base
            // "object" schema into propertyName "Type_", a property no schema has, which makes every Bitbucket
            // schema invalid ("discriminator.propertyName must be the name of a defined property"). Restoring
            // "type" sends the validator into endless allOf/discriminator recursion (the subtypes allOf "object"),
            // so the discriminator is dropped; "object" still requires "type", which every body carries.
            String broken = "      discriminator:\n        propertyName: Type_\n";
            if (!content.contains(broken)) throw new IllegalStateException("Bitbucket spec changed: discriminator defect not found");
            content = content.replace(broken, "");
        }
        return content;
    }

    /**
     * The document reduced to the paths overlapping a served route (see {@link #serves}); everything else
     * (components, security, servers) stays. Fails when a served route has no path in the document: every
     * simulator route must be an operation Atlassian documents.
     */
    String servedPathsOnly(String content, Set<String> served) {
        try {
            ObjectMapper mapper = file.endsWith(".yaml") ? new YAMLMapper() : new ObjectMapper();
            ObjectNode root = (ObjectNode) mapper.readTree(content);
            ObjectNode paths = (ObjectNode) root.path("paths");
            Set<String> matched = new HashSet<>();
            for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
                String path = it.next();
                boolean keep = false;
                for (String t : served) if (overlap(t, path)) { keep = true; matched.add(t); }
                if (!keep) it.remove();
            }
            Set<String> undocumented = new TreeSet<>(served);
            undocumented.removeAll(matched);
            if (!undocumented.isEmpty())
                throw new IllegalStateException("Simulator routes with no path in " + file + ": " + undocumented);
            return new ObjectMapper().writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether some concrete path could match both templates: same segments, where a {parameter} matches anything. */
    static boolean overlap(String a, String b) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        if (x.length != y.length) return false;
        for (int i = 0; i < x.length; i++)
            if (!x[i].equals(y[i]) && !isParameter(x[i]) && !isParameter(y[i])) return false;
        return true;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    /**
     * Narrow exceptions, each for a defect of a document or a limit of the validator (not of the simulator
     * or the product).
     *
     * <p>Requests (what the product sends; see {@link RequestValidation}):
     * <ul>
     *   <li>Every document: security requirements. The simulator authenticates every request itself and
     *       answers 401 in each family's documented body (tests send missing and wrong credentials on
     *       purpose); the validator could only check that some credential is present.</li>
     *   <li>Trello: its credentials are the {@code key} and {@code token} query parameters (security schemes
     *       APIKey/APIToken "in: query"), which the validator does not count as declared parameters.</li>
     *   <li>Bitbucket: {@code pagelen} on the workspace members and permissions listings. The document's
     *       pagination narrative makes it a global page-size setting of every paginated collection ("Globally,
     *       the minimum length is 10 and the maximum is 100"; its own example next link carries
     *       {@code pagelen=1&page=2}) and declares it on some listings, but not on these two.</li>
     *   <li>Trello: the validator parses {@code id}/{@code idMember} path parameters declared as
     *       {@code oneOf[TrelloID, string]} as JSON and fails on every plain id.</li>
     * </ul>
     *
     * <p>Responses (what the simulator answers; checked by {@code SpecConformanceTest}):
     * <ul>
     *   <li>The Trello document declares no error responses for any operation, yet Trello answers
     *       401/404/400/429: so only "status unknown" on 4xx Trello responses is tolerated.</li>
     *   <li>The Bitbucket document was normalized by swagger-codegen, which emptied the {@code error}
     *       object's properties (upstream has message/detail) but kept {@code additionalProperties: false};
     *       so the documented {@code {"type":"error","error":{"message":...}}} body is only tolerated
     *       for that additionalProperties complaint on 4xx Bitbucket responses.</li>
     *   <li>The Jira and Confluence documents declare their 4xx statuses with no body; the bodies
     *       ({@code {"errorMessages":[],"errors":{}}} and {@code {"statusCode",...,"message"}}) are only
     *       described in each document's narrative, so "no body expected" on their 4xx is tolerated.</li>
     *   <li>The admin document's v1 {@code User} schema declares {@code discriminator: account_type} but
     *       defines no schemas named atlassian/customer/app for it to select, so every managed account
     *       fails the discriminator lookup; only that discriminator complaint on GET /v1/orgs/{orgId}/users is tolerated.</li>
     *   <li>The admin document declares the v2 membership/suspend/restore error statuses without any
     *       body; the simulator sends the v2 {@code Errors} body there, so "no body expected" on 4xx
     *       of those operations is tolerated.</li>
     *   <li>Validator limitation: v1 admin errors are {@code allOf[ApplicationError, {code: enum}]}; the
     *       validator checks each allOf part with additionalProperties:false injected, so the second part
     *       rejects id/status/title/detail. Tolerated only for that allOf complaint on 4xx of the v1 org,
     *       users and domains operations; {@code OrganizationsBehaviourTest} asserts the error codes itself.
     *       The events-stream's 400 is a {@code oneOf} of four such allOf models, so every branch fails the same
     *       way: tolerated for that oneOf complaint on events-stream's 4xx; {@code AuditEventsTest} asserts the codes.</li>
     *   <li>Trello documents PUT .../deactivated as 200 without a body; Trello answers with the JSON of
     *       the changed object, and so does the simulator.</li>
     * </ul>
     */
    ValidationErrorsWhitelist whitelist() {
        ValidationErrorsWhitelist w = ValidationErrorsWhitelist.create()
                .withRule("simulator-authenticates-itself", allOf(isRequest(), messageHasKey("validation.request.security.missing")))
                .withRule("simulator-authenticates-itself-invalid", allOf(isRequest(), messageHasKey("validation.request.security.invalid")));
        return switch (this) {
            case TRELLO -> w
                    .withRule("trello-credentials-are-query-parameters", allOf(isRequest(),
                            messageHasKey("validation.request.parameter.query.unexpected"), messageContainsRegexp(".*Query parameter '(key|token)' is unexpected.*")))
                    .withRule("trello-spec-declares-no-error-responses", allOf(isResponse(), responseStatusTypeIs(StatusType.CLIENT_ERROR),
                            messageHasKey("validation.response.status.unknown")))
                    .withRule("validator-parses-oneOf-path-parameters-as-json", allOf(isRequest(),
                            messageHasKey("validation.request.parameter.schema.invalidJson"),
                            pathContainsRegexp("^/(members/\\{id\\}|organizations/\\{id\\}/members/\\{idMember\\}/deactivated)$")))
                    .withRule("trello-deactivated-200-declared-without-body", allOf(isResponse(), responseStatusTypeIs(StatusType.SUCCESS),
                            messageHasKey("validation.response.body.unexpected"),
                            pathContainsRegexp("^/organizations/\\{id\\}/members/\\{idMember\\}/deactivated$")));
            case BITBUCKET -> w
                    .withRule("bitbucket-pagelen-is-global-pagination", allOf(isRequest(),
                            messageHasKey("validation.request.parameter.query.unexpected"), messageContainsRegexp(".*Query parameter 'pagelen' is unexpected.*"),
                            pathContainsRegexp("^/workspaces/\\{workspace\\}/(members|permissions)$")))
                    .withRule("bitbucket-codegen-emptied-error-schema", allOf(isResponse(), responseStatusTypeIs(StatusType.CLIENT_ERROR),
                    messageHasKey("validation.response.body.schema.additionalProperties")));
            case JIRA, CONFLUENCE -> w.withRule("jira-confluence-error-statuses-declared-without-body", allOf(isResponse(),
                    responseStatusTypeIs(StatusType.CLIENT_ERROR), messageHasKey("validation.response.body.unexpected")));
            case ADMIN -> w
                    .withRule("validator-injects-additionalProperties-into-allOf-error-parts", allOf(isResponse(),
                            responseStatusTypeIs(StatusType.CLIENT_ERROR), messageHasKey("validation.response.body.schema.allOf"),
                            pathContainsRegexp("^/v1/orgs(/\\{orgId\\}(/users|/domains|/events-stream|/event-actions)?)?$")))
                    .withRule("validator-injects-additionalProperties-into-oneOf-of-allOf-error-parts", allOf(isResponse(),
                            responseStatusTypeIs(StatusType.CLIENT_ERROR), messageHasKey("validation.response.body.schema.oneOf"),
                            pathContainsRegexp("^/v1/orgs/\\{orgId\\}/events-stream$")))
                    .withRule("admin-v1-user-discriminator-names-no-subschemas", allOf(isResponse(),
                            messageHasKey("validation.response.body.schema.discriminator"), pathContainsRegexp("^/v1/orgs/\\{orgId\\}/users$")))
                    .withRule("admin-v2-write-errors-declared-without-body", allOf(isResponse(), responseStatusTypeIs(StatusType.CLIENT_ERROR),
                            messageHasKey("validation.response.body.unexpected"),
                            pathContainsRegexp("^/v2/orgs/\\{orgId\\}/directories/\\{directoryId\\}/(groups/\\{groupId\\}/memberships|users/\\{accountId\\}/(suspend|restore))")));
        };
    }
}
