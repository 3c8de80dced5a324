package com.saasspend.integration.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.reclaim.ReclaimRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The bodies and headers of the reclaim routes, validated field by field; unknown fields are refused. */
final class ReclaimRequests {
    /** Atlassian account ids: "712020:uuid", 24 hex chars, or "qm:..." for customers. */
    static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9_:|-]{1,128}");
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9:_.-]{1,128}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    /** A reclaim must finish inside the API's 29 s: each group is one Atlassian call (with retries). */
    static final int MAX_GROUPS = 20;
    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;

    private ReclaimRequests() {}

    static ReclaimRequest parse(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("accountId") && !name.equals("groupIds")) {
                errors.add(new ApiProblem.FieldError(name, "is not a field of a reclaim; expected accountId, groupIds"));
            }
        }
        JsonNode account = body.get("accountId");
        String accountId = null;
        if (account == null || account.isNull()) {
            errors.add(new ApiProblem.FieldError("accountId", "is required: the Atlassian account id of the user"));
        } else if (!account.isTextual() || !ACCOUNT_ID.matcher(account.asText()).matches()) {
            errors.add(new ApiProblem.FieldError("accountId", "must be an Atlassian account id"));
        } else {
            accountId = account.asText();
        }
        JsonNode groups = body.get("groupIds");
        List<String> groupIds = new ArrayList<>();
        if (groups == null || groups.isNull()) {
            errors.add(new ApiProblem.FieldError("groupIds", "is required: the ids of the access groups to remove the user from"));
        } else if (!groups.isArray() || groups.isEmpty() || groups.size() > MAX_GROUPS) {
            errors.add(new ApiProblem.FieldError("groupIds", "must be a list of 1 to " + MAX_GROUPS + " group ids"));
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < groups.size(); i++) {
                JsonNode id = groups.get(i);
                if (!id.isTextual() || !GROUP_ID.matcher(id.asText()).matches()) {
                    errors.add(new ApiProblem.FieldError("groupIds[" + i + "]", "must be a group id"));
                } else if (!seen.add(id.asText())) {
                    errors.add(new ApiProblem.FieldError("groupIds[" + i + "]", "is listed twice"));
                } else {
                    groupIds.add(id.asText());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new ReclaimRequest(accountId, groupIds);
    }

    static String idempotencyKey(ApiRequest request) {
        String key = request.header("idempotency-key").map(String::trim).orElse("");
        if (key.isEmpty()) {
            throw new ApiProblem(400, "idempotency_key_missing", "Idempotency-Key required",
                    "A reclaim changes Atlassian: send an Idempotency-Key header (e.g. a UUID) so a retry cannot remove twice.");
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldError("Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters")));
        }
        return key;
    }

    static String accountIdPath(ApiRequest request) {
        String accountId = request.path("accountId");
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            // An id that cannot exist is simply not found.
            throw ApiProblem.notFound("user_not_found", "No user with this account id is in your synced Atlassian organization.");
        }
        return accountId;
    }

}
