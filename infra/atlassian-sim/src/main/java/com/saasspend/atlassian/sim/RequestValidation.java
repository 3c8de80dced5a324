package com.saasspend.atlassian.sim;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks each request a product route receives against the official document of its API: path and
 * method, path and query parameters (unknown query parameters included), header parameters, content
 * type and body. Exceptions are the named whitelist rules of {@link SpecDocuments#whitelist()}.
 */
final class RequestValidation {
    private static final Logger LOG = LoggerFactory.getLogger(RequestValidation.class);
    private static final Pattern TRELLO_CREDENTIALS = Pattern.compile("(^|&)(key|token)=[^&]*");

    private RequestValidation() {}

    /** The violation, or null when the document allows the request. */
    static SpecViolation check(Gateway.Family family, Context ctx) {
        SpecDocuments doc = SpecDocuments.of(family);
        Request request = toValidatorRequest(family, ctx);
        ValidationReport report = doc.validator().validateRequest(request);
        if (!report.hasErrors()) return null;
        List<String> messages = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) continue;
            StringBuilder line = new StringBuilder(m.getKey()).append(": ");
            // Schema messages of a parameter do not name it; the context does.
            m.getContext().flatMap(c -> c.getParameter()).ifPresent(p -> line.append("[").append(p.getIn()).append(" parameter '").append(p.getName()).append("'] "));
            line.append(m.getMessage());
            for (ValidationReport.Message nested : m.getNestedMessages()) line.append(" / ").append(nested.getMessage());
            messages.add(line.toString());
        }
        String query = ctx.queryString();
        // Trello's credentials travel in the query: never into a log or a test report.
        if (query != null) query = TRELLO_CREDENTIALS.matcher(query).replaceAll("$1$2=REDACTED");
        SpecViolation v = new SpecViolation(SpecViolations.nextSeq(), doc.file,
                ctx.method().name() + " " + ctx.path() + (query == null ? "" : "?" + query), List.copyOf(messages));
        // Loud on purpose: in the local stack this log line is the only sign that the product sent a wrong request.
        LOG.error("REQUEST OUTSIDE THE OFFICIAL ATLASSIAN SPEC (answered 400): {}", v.describe());
        return v;
    }

    /** The request as the document sees it: our /site/{host}, /trello and /bitbucket mount points removed. */
    static Request toValidatorRequest(Gateway.Family family, Context ctx) {
        SimpleRequest.Builder b = new SimpleRequest.Builder(ctx.method().name(), decodePath(documentPath(family, ctx.path())));
        for (Map.Entry<String, String> h : ctx.headerMap().entrySet()) b.withHeader(h.getKey(), h.getValue());
        for (Map.Entry<String, List<String>> q : ctx.queryParamMap().entrySet()) b.withQueryParam(q.getKey(), q.getValue());
        String body = ctx.body();
        if (!body.isEmpty()) b.withBody(body);
        return b.build();
    }

    /** A route's path in its document's form: mount point and the document's base path removed. */
    static String documentTemplate(Gateway.Family family, String routePath) {
        String path = documentPath(family, routePath);
        String base = SpecDocuments.of(family).basePath;
        return base.equals("/") || !path.startsWith(base) ? path : path.substring(base.length());
    }

    static String documentPath(Gateway.Family family, String path) {
        return switch (family) {
            case ADMIN -> path; // the document's basePath /admin is our mount point too
            case JIRA, CONFLUENCE -> path.startsWith("/site/") ? path.substring(path.indexOf('/', "/site/".length())) : path;
            case TRELLO -> path.substring("/trello".length());
            case BITBUCKET -> path.substring("/bitbucket".length());
        };
    }

    /** Percent-decoding only: a '+' in a path is a plus, not a space. */
    private static String decodePath(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
