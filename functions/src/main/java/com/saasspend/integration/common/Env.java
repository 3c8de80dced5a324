package com.saasspend.integration.common;

import java.util.Map;
import java.util.Optional;

/** Reads the function's configuration from environment variables; a missing required one fails at init, not mid-request. */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String required(String name) {
        String value = vars.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Environment variable " + name + " is not set");
        }
        return value;
    }

    public String optional(String name, String fallback) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public Optional<String> find(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
