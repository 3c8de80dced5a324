package com.saasspend.integration.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.atlassian.AtlassianEndpoints;
import com.saasspend.integration.domain.Credential;
import com.saasspend.integration.domain.IntegrationType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The connect and rotate bodies of each integration type, validated field by field. Unknown fields are refused (a
 * typo must not silently drop a setting); secrets are never echoed in an error.
 */
final class ConnectRequests {
    private static final Pattern ORG_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{8,1024}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,189}\\.[^@\\s]{2,63}");
    /** Trello's spec types every id, the enterprise's included, as TrelloID: ^[0-9a-fA-F]{24}$. */
    private static final Pattern TRELLO_ID = Pattern.compile("[0-9a-fA-F]{24}");
    private static final Pattern WORKSPACE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,61}");

    private enum Kind { SECRET, SETTING, DATE, SITE }

    private record Rule(Kind kind, boolean required, Pattern pattern, String hint) {}

    private static final Map<IntegrationType, Map<String, Rule>> RULES = Map.of(
            IntegrationType.ATLASSIAN, fields(
                    "orgId", new Rule(Kind.SETTING, true, ORG_ID, "the organization ID from admin.atlassian.com"),
                    "apiKey", new Rule(Kind.SECRET, true, TOKEN, "an organization API key (without scopes)"),
                    "apiKeyExpiresOn", new Rule(Kind.DATE, false, null, "the key's expiry date, YYYY-MM-DD")),
            IntegrationType.JIRA, siteFields(),
            IntegrationType.CONFLUENCE, siteFields(),
            IntegrationType.TRELLO, fields(
                    "apiKey", new Rule(Kind.SECRET, true, TOKEN, "the Trello Power-Up API key"),
                    "token", new Rule(Kind.SECRET, true, TOKEN, "a Trello token of an enterprise admin"),
                    "enterpriseId", new Rule(Kind.SETTING, true, TRELLO_ID, "the Trello enterprise id: 24 hexadecimal characters, e.g. 5abbe4b7ddc1b351ef961414"),
                    "expiresOn", new Rule(Kind.DATE, false, null, "the token's expiry date, YYYY-MM-DD")),
            IntegrationType.BITBUCKET, fields(
                    "workspace", new Rule(Kind.SETTING, true, WORKSPACE, "the Bitbucket workspace slug"),
                    "email", new Rule(Kind.SECRET, true, EMAIL, "the admin's Atlassian account email"),
                    "apiToken", new Rule(Kind.SECRET, true, TOKEN, "an Atlassian API token of that account"),
                    "expiresOn", new Rule(Kind.DATE, false, null, "the token's expiry date, YYYY-MM-DD")));

    private ConnectRequests() {}

    private static Map<String, Rule> siteFields() {
        return fields(
                "siteUrl", new Rule(Kind.SITE, true, null, "the site URL, e.g. https://your-site.atlassian.net"),
                "email", new Rule(Kind.SECRET, true, EMAIL, "the site admin's Atlassian account email"),
                "apiToken", new Rule(Kind.SECRET, true, TOKEN, "an Atlassian API token of that account"),
                "expiresOn", new Rule(Kind.DATE, false, null, "the token's expiry date, YYYY-MM-DD"));
    }

    private static Map<String, Rule> fields(Object... pairs) {
        Map<String, Rule> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Rule) pairs[i + 1]);
        }
        return map;
    }

    static Credential parse(IntegrationType type, JsonNode body) {
        Map<String, Rule> rules = RULES.get(type);
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        Map<String, String> settings = new HashMap<>();
        Map<String, String> secret = new HashMap<>();
        LocalDate expiresOn = null;

        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!rules.containsKey(name)) {
                errors.add(new ApiProblem.FieldError(name, "is not a field of a " + type.id() + " connection; expected "
                        + String.join(", ", rules.keySet())));
            }
        }
        for (Map.Entry<String, Rule> entry : rules.entrySet()) {
            String name = entry.getKey();
            Rule rule = entry.getValue();
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                if (rule.required()) {
                    errors.add(new ApiProblem.FieldError(name, "is required: " + rule.hint()));
                }
                continue;
            }
            if (!value.isTextual()) {
                errors.add(new ApiProblem.FieldError(name, "must be a string: " + rule.hint()));
                continue;
            }
            String text = value.asText().trim();
            switch (rule.kind()) {
                case DATE -> {
                    try {
                        expiresOn = LocalDate.parse(text);
                    } catch (DateTimeParseException e) {
                        errors.add(new ApiProblem.FieldError(name, "must be a date: " + rule.hint()));
                    }
                }
                case SITE -> AtlassianEndpoints.siteHost(text).ifPresentOrElse(
                        host -> settings.put("site", host),
                        () -> errors.add(new ApiProblem.FieldError(name,
                                "must be an Atlassian Cloud site URL like https://your-site.atlassian.net (https, no port, path or credentials)")));
                case SETTING, SECRET -> {
                    if (!rule.pattern().matcher(text).matches()) {
                        // Never quote a rejected secret back.
                        errors.add(new ApiProblem.FieldError(name, "is not valid: " + rule.hint()));
                    } else if (rule.kind() == Kind.SETTING) {
                        settings.put(name, text);
                    } else {
                        secret.put(name, text);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        // Product credentials keep the admin email as a visible setting too (it names whose token it is).
        if (secret.containsKey("email")) {
            settings.put("email", secret.get("email"));
        }
        if (type == IntegrationType.JIRA || type == IntegrationType.CONFLUENCE) {
            secret.put("site", settings.get("site"));
        }
        if (type == IntegrationType.ATLASSIAN) {
            secret.put("orgId", settings.get("orgId"));
        }
        return new Credential(type, settings, secret, expiresOn);
    }
}
