package com.saasspend.integration.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;

/**
 * Reads a request body as a JSON object, or answers the 4xx the caller deserves: 415 unless the content type is
 * exactly application/json (parameters allowed, a charset only if UTF-8), 400 for anything that is not one JSON
 * object within our limits (nesting, number size, trailing data), never a 500.
 */
final class JsonBodies {
    /** Our bodies are 3 levels deep at most; far below Jackson's default of 1,000. */
    static final int MAX_DEPTH = 16;
    /** Digits of one number: a seat price or a day count needs a handful, never Jackson's default of 1,000. */
    static final int MAX_NUMBER_LENGTH = 64;

    private static final ObjectReader READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(HttpApiHandler.MAX_BODY_BYTES)
                            .build())
                    .build())
            // Decimals stay exact: 1e400 is a (too large) number, not Infinity, and 0.1 stays 0.1.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // One document per body: "{} {}" or "{}x" is refused, not read as its first object.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    private JsonBodies() {}

    static JsonNode object(ApiRequest request) {
        requireJsonContentType(request.header("content-type").orElse(""));
        if (request.body() == null || request.body().isBlank()) {
            throw ApiProblem.badRequest("body_missing", "The request needs a JSON object as its body.");
        }
        JsonNode node;
        try {
            node = READER.readTree(request.body());
        } catch (StreamConstraintsException e) {
            throw ApiProblem.badRequest("body_too_complex", "The body nests deeper than " + MAX_DEPTH
                    + " levels or holds a number longer than " + MAX_NUMBER_LENGTH + " characters.");
        } catch (JsonProcessingException e) {
            // Jackson's message can quote the input, which may hold a key: say where, not what.
            JsonLocation at = e.getLocation();
            throw ApiProblem.badRequest("body_not_json", "The body is not valid JSON"
                    + (at == null ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")."));
        } catch (RuntimeException e) {
            // A number Jackson cannot represent (an exponent beyond int range): the body is not one we can read.
            throw ApiProblem.badRequest("body_not_json", "The body holds a value that cannot be read as JSON.");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.badRequest("body_not_object", "The body must be a JSON object.");
        }
        return node;
    }

    /** "application/json", any case, with optional parameters; "application/jsonx" or "application/json-seq" are not it. */
    static void requireJsonContentType(String contentType) {
        String[] parts = contentType.split(";");
        boolean json = parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json");
        for (int i = 1; json && i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            String name = parameter[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("charset")) {
                String charset = parameter.length < 2 ? "" : parameter[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
                json = charset.equals("utf-8") || charset.equals("utf8");
            }
        }
        if (!json) {
            throw new ApiProblem(415, "unsupported_media_type", "Unsupported media type",
                    "Send the body as application/json (UTF-8).");
        }
    }
}
