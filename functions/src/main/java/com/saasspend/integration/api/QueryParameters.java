package com.saasspend.integration.api;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Query-string parameters checked one by one, collecting every problem into one 400. */
final class QueryParameters {
    /** Up to 18 ASCII digits, so the value always fits a long before the range check. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,18}");

    private final ApiRequest request;
    private final List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();

    QueryParameters(ApiRequest request, Set<String> allowed) {
        this.request = request;
        request.queryParameters().keySet().stream().filter(k -> !allowed.contains(k)).sorted()
                .forEach(k -> errors.add(new ApiProblem.FieldError(k, "is not a parameter of this operation; expected "
                        + String.join(", ", allowed.stream().sorted().toList()))));
    }

    /** A free-text parameter; an empty one filters nothing, so it counts as absent. */
    String text(String name, int maxLength) {
        String value = request.query(name).filter(v -> !v.isEmpty()).orElse(null);
        if (value != null && value.length() > maxLength) {
            errors.add(new ApiProblem.FieldError(name, "is longer than " + maxLength + " characters"));
            return null;
        }
        return value;
    }

    String oneOf(String name, Set<String> values) {
        String value = request.query(name).orElse(null);
        if (value != null && !values.contains(value)) {
            errors.add(new ApiProblem.FieldError(name, "must be one of " + String.join(", ", values.stream().sorted().toList())));
            return null;
        }
        return value;
    }

    Integer integer(String name, int min, int max, Integer fallback) {
        String value = request.query(name).orElse(null);
        if (value == null) {
            return fallback;
        }
        // ASCII digits only: Integer.parseInt also reads other scripts' digits ("\u0665") and a leading '+'.
        if (WHOLE_NUMBER.matcher(value).matches()) {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return (int) parsed;
            }
        }
        errors.add(new ApiProblem.FieldError(name, "must be a whole number from " + min + " to " + max));
        return fallback;
    }

    /** An ISO calendar date ({@code 2026-11-30}); absent gives null. */
    java.time.LocalDate date(String name) {
        String value = request.query(name).orElse(null);
        if (value == null) {
            return null;
        }
        if (value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            try {
                java.time.LocalDate date = java.time.LocalDate.parse(value);
                // Year 0 parses, but is no calendar date to a client (Python's date, JSON Schema's format: date).
                if (date.getYear() >= 1) {
                    return date;
                }
            } catch (java.time.format.DateTimeParseException invalid) {
                // reported below
            }
        }
        errors.add(new ApiProblem.FieldError(name, "must be a date as yyyy-MM-dd (e.g. 2026-11-30)"));
        return null;
    }

    /** Throws the collected problems, if any. */
    void check() {
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
    }
}
