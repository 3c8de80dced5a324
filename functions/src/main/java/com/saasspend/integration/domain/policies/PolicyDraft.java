package com.saasspend.integration.domain.policies;

import java.util.List;

/** A policy as a request states it, before {@link PolicyRules#validate}; null: left out. */
public record PolicyDraft(String name, List<String> products, String conditionType, Integer days, List<String> excludeGroupIds,
                          List<String> excludeAccountIds, String mode, Integer graceDays, Integer maxReclaimsPerRun,
                          Boolean paused) {}
