package com.saasspend.integration.domain;

/** Asks for one integration of one tenant to be synced; {@code reason} says why (schedule, connect, manual, reclaim). */
public record SyncRequest(String tenantId, IntegrationType type, String reason) {}
