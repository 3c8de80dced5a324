package com.saasspend.atlassian.sim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON building blocks: ordered maps that drop null values, and the timestamp formats the APIs print. */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** An ordered object from key/value pairs; null values are left out (optional fields are omitted, not null). */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static List<Object> list() {
        return new ArrayList<>();
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return MAPPER.createObjectNode();
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new ApiError(400, "ADMIN-400-24", "Request body is not valid JSON");
        }
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** ISO-8601 UTC with milliseconds, e.g. 2024-01-01T00:00:00.000Z (admin v2 examples). */
    static String millis(Instant t) {
        return t == null ? null : DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(t);
    }

    /** yyyy-MM-dd'T'HH:mm:ss'Z' (v1 last-active-dates). */
    static String seconds(Instant t) {
        return t == null ? null : DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC).format(t);
    }

    /** yyyy-MM-dd */
    static String date(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC).format(t);
    }

    /** Jira style: 2024-01-01T00:00:00.000+0000 */
    static String jira(Instant t) {
        return t == null ? null : DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC).format(t);
    }
}
