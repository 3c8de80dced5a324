package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;

/** The sync lease a write depends on: integration {@code type} of {@code tenantId}, held by {@code owner}. */
public record SyncFence(String tenantId, IntegrationType type, String owner) {}
