package com.saasspend.integration.common;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one ObjectMapper of the Lambda jar: building a mapper is costly, so every class shares this one. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // Atlassian adds fields over time; an unknown field must never break a sync.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Dates travel as ISO-8601 text, as Atlassian sends them and the front end reads them.
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {}
}
