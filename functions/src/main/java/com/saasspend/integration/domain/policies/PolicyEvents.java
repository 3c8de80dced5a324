package com.saasspend.integration.domain.policies;

import java.util.List;

/** Notices on the bus for the SaaS's notification service (the product sends no mail itself); at least once. */
public interface PolicyEvents {
    /** {@code ReclaimNoticeDue}: tell the user their seat is reclaimed at {@code action.dueAt()} unless they use it. */
    void noticeDue(String tenantId, Policy policy, PolicyAction action);

    /** {@code ReclaimActionsPending}: tell the admin these actions wait for a decision. */
    void actionsPending(String tenantId, Policy policy, List<PolicyAction> actions);
}
