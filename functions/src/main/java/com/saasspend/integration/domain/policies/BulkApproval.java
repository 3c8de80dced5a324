package com.saasspend.integration.domain.policies;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one bulk approval request (one Idempotency-Key) decided before its job started: the request's fingerprint (a
 * retry must ask the same), the policy and product, the job's plan, the actions the job runs and those cancelled
 * instead (action id → reason code: the user used the product again, or left) with, for one that used it again, the
 * product's last use read then ({@code lastActive}, action id → instant; absent in approvals stored before it was kept),
 * so the cancellation says what a single approval says. Kept {@code expiresAt} (24 h), so a retry after a crash starts
 * no second job and finishes the marks.
 */
public record BulkApproval(String key, String fingerprint, String policyId, String productKey, String planId,
                           List<String> actionIds, Map<String, String> cancelled, Map<String, String> lastActive, Instant createdAt,
                           Instant expiresAt) {
    public BulkApproval {
        actionIds = List.copyOf(actionIds);
        cancelled = Map.copyOf(cancelled);
        lastActive = lastActive == null ? Map.of() : Map.copyOf(lastActive);
    }
}
