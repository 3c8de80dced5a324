package com.saasspend.atlassian.sim;

import java.util.List;

/**
 * A request the simulator received that the official Atlassian OpenAPI document of its API does not
 * allow. The simulator answered it 400; {@link SpecViolationsExtension} fails the test that sent it.
 *
 * @param seq      unique per JVM, so two identical requests stay two violations
 * @param document the document's file name, e.g. {@code admin-organization.openapi.json}
 * @param request  method and path as received, with the query string
 * @param messages each violation: validator key and message
 */
public record SpecViolation(long seq, String document, String request, List<String> messages) {

    /** One line per violation, naming the request and the document. */
    public String describe() {
        return request + " is outside " + document + ":\n      " + String.join("\n      ", messages);
    }
}
