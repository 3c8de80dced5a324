package com.saasspend.integration.domain.policies;

import com.saasspend.integration.domain.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** What a valid policy is. Every offending field is named at once, under the stable code {@code invalid_policy}. */
public final class PolicyRules {
    public static final String INVALID = "invalid_policy";
    public static final int MAX_POLICIES = 20;
    public static final int MAX_PRODUCTS = 10;
    public static final int MAX_EXCLUSIONS = 500;
    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 3650;
    public static final int MAX_GRACE_DAYS = 90;
    public static final int DEFAULT_GRACE_DAYS = 14;
    public static final int MAX_RECLAIMS_PER_RUN = 500;
    public static final int DEFAULT_RECLAIMS_PER_RUN = 50;
    private static final Pattern PRODUCT_KEY = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9:._-]{1,128}");

    private PolicyRules() {}

    /** The policy a draft describes, or a {@link Refusal} INVALID naming each wrong field. */
    public static Policy validate(PolicyDraft draft, String id, Instant createdAt, Instant now, long version) {
        List<Refusal.Field> errors = new ArrayList<>();
        String name = draft.name() == null ? null : draft.name().strip();
        if (name == null || name.isEmpty() || name.length() > 100) {
            errors.add(new Refusal.Field("name", "is required, 1 to 100 characters"));
        }
        List<String> products = draft.products() == null ? List.of() : List.copyOf(new LinkedHashSet<>(draft.products()));
        if (products.isEmpty() || products.size() > MAX_PRODUCTS) {
            errors.add(new Refusal.Field("products", "names 1 to " + MAX_PRODUCTS + " product keys (e.g. jira-software, confluence)"));
        } else if (products.stream().anyMatch(p -> p == null || !PRODUCT_KEY.matcher(p).matches())) {
            errors.add(new Refusal.Field("products", "holds product keys in lower case (e.g. jira-software, confluence)"));
        }
        String type = draft.conditionType();
        if (!Policy.INACTIVE.equals(type) && !Policy.NEVER_USED.equals(type)) {
            errors.add(new Refusal.Field("condition.type", "is one of inactive, never_used"));
        }
        if (draft.days() == null || draft.days() < MIN_DAYS || draft.days() > MAX_DAYS) {
            errors.add(new Refusal.Field("condition.days", "is a whole number of days from " + MIN_DAYS + " to " + MAX_DAYS));
        }
        checkIds(errors, "excludeGroupIds", draft.excludeGroupIds());
        checkIds(errors, "excludeAccountIds", draft.excludeAccountIds());
        String mode = draft.mode();
        if (!Policy.REPORT.equals(mode) && !Policy.APPROVE.equals(mode) && !Policy.AUTO.equals(mode)) {
            errors.add(new Refusal.Field("mode", "is one of report, approve, auto"));
        }
        int grace = draft.graceDays() == null ? DEFAULT_GRACE_DAYS : draft.graceDays();
        if (grace < 0 || grace > MAX_GRACE_DAYS) {
            errors.add(new Refusal.Field("graceDays", "is a whole number of days from 0 to " + MAX_GRACE_DAYS));
        }
        int cap = draft.maxReclaimsPerRun() == null ? DEFAULT_RECLAIMS_PER_RUN : draft.maxReclaimsPerRun();
        if (cap < 1 || cap > MAX_RECLAIMS_PER_RUN) {
            errors.add(new Refusal.Field("maxReclaimsPerRun", "is from 1 to " + MAX_RECLAIMS_PER_RUN));
        }
        if (!errors.isEmpty()) {
            throw new Refusal(Refusal.Kind.INVALID, INVALID, "The policy is not valid: " + errors.stream()
                    .map(e -> e.name() + " " + e.message()).reduce((a, b) -> a + "; " + b).orElse("") + ".", errors, null);
        }
        return new Policy(id, name, products, new Policy.Condition(type, draft.days()), dedupe(draft.excludeGroupIds()),
                dedupe(draft.excludeAccountIds()), mode, grace, cap, Boolean.TRUE.equals(draft.paused()), createdAt, now, version, null);
    }

    private static void checkIds(List<Refusal.Field> errors, String field, List<String> ids) {
        if (ids == null) {
            return;
        }
        if (ids.size() > MAX_EXCLUSIONS) {
            errors.add(new Refusal.Field(field, "holds at most " + MAX_EXCLUSIONS + " ids"));
        } else if (ids.stream().anyMatch(i -> i == null || !ID.matcher(i).matches())) {
            errors.add(new Refusal.Field(field, "holds ids of 1 to 128 letters, digits or : . _ -"));
        }
    }

    private static List<String> dedupe(List<String> ids) {
        return ids == null ? List.of() : List.copyOf(new LinkedHashSet<>(ids));
    }
}
