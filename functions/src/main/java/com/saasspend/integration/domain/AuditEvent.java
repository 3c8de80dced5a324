package com.saasspend.integration.domain;

import java.util.List;

/**
 * One event of the organization's audit log as an incremental sync needs it: its action and the users and groups it
 * names ({@code context} objects of type {@code users} and {@code groups}; groups as bare ids).
 */
public record AuditEvent(String id, String action, List<String> accountIds, List<String> groupIds) {
    public AuditEvent {
        accountIds = List.copyOf(accountIds);
        groupIds = List.copyOf(groupIds);
    }
}
