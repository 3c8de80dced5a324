package com.saasspend.integration.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.licenses.LicenseService;
import com.saasspend.integration.domain.reclaim.jobs.JobSelection;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJob;
import com.saasspend.integration.domain.reclaim.jobs.ReclaimJobService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The bodies of the bulk reclaim routes, validated field by field (unknown fields refused), and the job's answer. */
final class ReclaimJobRequests {
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9:_.-]{1,128}");
    private static final Pattern PRODUCT = Pattern.compile("[a-z0-9:._/-]{1,200}");
    private static final Set<String> STATUSES = Set.of("active", "inactive", "never");
    static final int MAX_GROUPS = ReclaimRequests.MAX_GROUPS;
    static final int MAX_EXCLUSIONS = 1_000;

    private ReclaimJobRequests() {}

    static JobSelection parsePlan(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        unknownFields(body, Set.of("accountIds", "filter", "grantingProduct", "groupIds"), "", errors);
        List<String> accountIds = null;
        JobSelection.Filter filter = null;
        boolean hasIds = present(body, "accountIds");
        boolean hasFilter = present(body, "filter");
        if (hasIds == hasFilter) {
            errors.add(new ApiProblem.FieldError(hasIds ? "filter" : "accountIds",
                    "give either accountIds (up to " + JobSelection.MAX_USERS + ") or a filter, not " + (hasIds ? "both" : "neither")));
        } else if (hasIds) {
            accountIds = ids(body.get("accountIds"), "accountIds", 1, JobSelection.MAX_USERS, ReclaimRequests.ACCOUNT_ID, errors);
        } else {
            filter = filter(body.get("filter"), errors);
        }
        String grantingProduct = null;
        List<String> groupIds = null;
        if (present(body, "grantingProduct") && present(body, "groupIds")) {
            errors.add(new ApiProblem.FieldError("groupIds", "give either grantingProduct or groupIds, not both"));
        } else if (present(body, "groupIds")) {
            groupIds = ids(body.get("groupIds"), "groupIds", 1, MAX_GROUPS, GROUP_ID, errors);
        } else if (present(body, "grantingProduct")) {
            grantingProduct = text(body.get("grantingProduct"), "grantingProduct", PRODUCT, errors);
        } else if (filter != null && filter.product() != null) {
            // "Everyone inactive on Confluence": the groups that grant the filtered product.
            grantingProduct = filter.product();
        } else {
            errors.add(new ApiProblem.FieldError("grantingProduct", "is required (a product key such as confluence), or groupIds"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return new JobSelection(accountIds, filter, grantingProduct, groupIds);
    }

    private static JobSelection.Filter filter(JsonNode node, List<ApiProblem.FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new ApiProblem.FieldError("filter", "must be an object"));
            return null;
        }
        unknownFields(node, Set.of("product", "status", "inactiveForDays", "search", "excludeGroupIds", "excludeAccountIds"), "filter.", errors);
        String product = present(node, "product") ? text(node.get("product"), "filter.product", PRODUCT, errors) : null;
        String status = null;
        if (present(node, "status")) {
            status = node.get("status").isTextual() && STATUSES.contains(node.get("status").asText()) ? node.get("status").asText() : null;
            if (status == null) {
                errors.add(new ApiProblem.FieldError("filter.status", "must be one of active, inactive, never"));
            }
        }
        Integer days = null;
        if (present(node, "inactiveForDays")) {
            JsonNode d = node.get("inactiveForDays");
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 3650) {
                errors.add(new ApiProblem.FieldError("filter.inactiveForDays", "must be a whole number of days from 1 to 3650"));
            } else {
                days = d.asInt();
            }
        }
        String search = present(node, "search") ? search(node.get("search"), errors) : null;
        List<String> excludeGroups = present(node, "excludeGroupIds")
                ? ids(node.get("excludeGroupIds"), "filter.excludeGroupIds", 0, MAX_EXCLUSIONS, GROUP_ID, errors) : List.of();
        List<String> excludeAccounts = present(node, "excludeAccountIds")
                ? ids(node.get("excludeAccountIds"), "filter.excludeAccountIds", 0, MAX_EXCLUSIONS, ReclaimRequests.ACCOUNT_ID, errors) : List.of();
        return new JobSelection.Filter(product, status, days, search, excludeGroups, excludeAccounts);
    }

    /** The License page's search text, limited as GET /users limits its {@code q}; empty filters nothing, so it is none. */
    private static String search(JsonNode node, List<ApiProblem.FieldError> errors) {
        if (!node.isTextual() || node.asText().length() > LicenseService.MAX_SEARCH_LENGTH) {
            errors.add(new ApiProblem.FieldError("filter.search", "must be text of at most " + LicenseService.MAX_SEARCH_LENGTH
                    + " characters (a name, a last name or an email prefix, as the License page searches)"));
            return null;
        }
        return node.asText().isEmpty() ? null : node.asText();
    }

    static String parseStart(JsonNode body) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        unknownFields(body, Set.of("planId"), "", errors);
        JsonNode plan = body.get("planId");
        if (plan == null || plan.isNull()) {
            errors.add(new ApiProblem.FieldError("planId", "is required: the id POST /reclaim-jobs/plan answered"));
        } else if (!plan.isTextual() || plan.asText().length() > 100) {
            errors.add(new ApiProblem.FieldError("planId", "must be a plan id"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
        return plan.asText();
    }

    /** The job as the API shows it: its counters with what remains, seats and money so far, the estimate. */
    static Map<String, Object> body(ReclaimJob job, Long secondsLeft) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("kind", job.kind());
        body.put("status", job.status());
        body.put("planId", job.planId());
        if (job.undoOf() != null) {
            body.put("undoOf", job.undoOf());
        }
        if (job.undoJobId() != null) {
            body.put("undoJobId", job.undoJobId());
        }
        if (job.requestedBy() != null) {
            body.put("requestedBy", job.requestedBy());
        }
        body.put("createdAt", job.createdAt().toString());
        if (job.finishedAt() != null) {
            body.put("finishedAt", job.finishedAt().toString());
        }
        body.put("cancelRequested", job.cancelRequested());
        ReclaimJob.Counts c = job.counts();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("total", c.total());
        counts.put("done", c.done());
        counts.put("freed", c.freed());
        counts.put("failed", c.failed());
        counts.put("skipped", c.skipped());
        counts.put("cancelled", c.cancelled());
        counts.put("remaining", c.remaining());
        body.put("counts", counts);
        body.put(ReclaimJob.UNDO.equals(job.kind()) ? "seatsRestored" : "seatsFreed", c.seats());
        if (c.monthlyCost() != null) {
            body.put("monthlyCostFreed", c.monthlyCost());
        }
        if (secondsLeft != null) {
            body.put("estimatedSecondsLeft", secondsLeft);
        }
        return body;
    }

    static Map<String, Object> view(ReclaimJobService.View view) {
        Map<String, Object> body = body(view.job(), view.secondsLeft());
        body.put("results", view.results().items());
        body.put("nextCursor", PageCursors.encode(view.results().nextCursor()));
        return body;
    }

    private static boolean present(JsonNode node, String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<ApiProblem.FieldError> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new ApiProblem.FieldError(prefix + name, "is not a field here; expected " + String.join(", ", known.stream().sorted().toList())));
            }
        }
    }

    private static String text(JsonNode node, String field, Pattern pattern, List<ApiProblem.FieldError> errors) {
        if (!node.isTextual() || !pattern.matcher(node.asText()).matches()) {
            errors.add(new ApiProblem.FieldError(field, "must be a product key such as confluence or jira-software"));
            return null;
        }
        return node.asText();
    }

    private static List<String> ids(JsonNode node, String field, int min, int max, Pattern pattern, List<ApiProblem.FieldError> errors) {
        if (!node.isArray() || node.size() < min || node.size() > max) {
            errors.add(new ApiProblem.FieldError(field, "must be a list of " + min + " to " + max + " ids"));
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode id = node.get(i);
            if (!id.isTextual() || !pattern.matcher(id.asText()).matches()) {
                errors.add(new ApiProblem.FieldError(field + "[" + i + "]", "is not a valid id"));
            } else if (!seen.add(id.asText())) {
                errors.add(new ApiProblem.FieldError(field + "[" + i + "]", "is listed twice"));
            } else {
                ids.add(id.asText());
            }
            if (errors.size() > 20) {
                break;
            }
        }
        return ids;
    }
}
