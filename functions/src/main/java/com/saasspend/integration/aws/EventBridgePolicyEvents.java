package com.saasspend.integration.aws;

import com.saasspend.integration.domain.policies.Policy;
import com.saasspend.integration.domain.policies.PolicyAction;
import com.saasspend.integration.domain.policies.PolicyEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * {@code ReclaimNoticeDue} (tell a user their seat goes on a date) and {@code ReclaimActionsPending} (tell the admin
 * actions wait) on the product's bus, for the SaaS's notification service (schemas in {@code events/schemas/}).
 */
public final class EventBridgePolicyEvents implements PolicyEvents {
    public static final String NOTICE_DUE = "ReclaimNoticeDue";
    public static final String ACTIONS_PENDING = "ReclaimActionsPending";
    /** Actions named in one ReclaimActionsPending (an event carries at most 256 KB); the count is always complete. */
    static final int MAX_ACTIONS_NAMED = 100;

    private final EventBridgeClient events;
    private final String busName;

    public EventBridgePolicyEvents(EventBridgeClient events, String busName) {
        this.events = events;
        this.busName = busName;
    }

    @Override
    public void noticeDue(String tenantId, Policy policy, PolicyAction action) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenantId);
        detail.put("actionId", action.id());
        detail.put("policyId", policy.id());
        detail.put("policyName", policy.name());
        detail.put("accountId", action.accountId());
        if (action.name() != null) {
            detail.put("userName", action.name());
        }
        if (action.email() != null) {
            detail.put("email", action.email());
        }
        detail.put("productKey", action.productKey());
        detail.put("reclaimAt", action.dueAt().toString());
        BusEvents.put(events, busName, NOTICE_DUE, detail);
    }

    @Override
    public void actionsPending(String tenantId, Policy policy, List<PolicyAction> actions) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tenantId", tenantId);
        detail.put("policyId", policy.id());
        detail.put("policyName", policy.name());
        detail.put("count", actions.size());
        detail.put("seatsFreed", actions.stream().mapToInt(PolicyAction::seatsFreed).sum());
        actions.stream().map(PolicyAction::monthlyCostFreed).filter(c -> c != null).reduce(java.math.BigDecimal::add)
                .ifPresent(cost -> detail.put("monthlyCostFreed", cost));
        detail.put("actions", actions.stream().limit(MAX_ACTIONS_NAMED).map(a -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("actionId", a.id());
            one.put("accountId", a.accountId());
            if (a.name() != null) {
                one.put("userName", a.name());
            }
            one.put("productKey", a.productKey());
            return one;
        }).toList());
        BusEvents.put(events, busName, ACTIONS_PENDING, detail);
    }
}
