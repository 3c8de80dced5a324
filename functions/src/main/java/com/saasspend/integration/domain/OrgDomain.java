package com.saasspend.integration.domain;

/** A domain the org claims, with Atlassian's claim status (verified, unverified, missing_token, ...). */
public record OrgDomain(String name, String status) {
    public boolean verified() {
        return "verified".equalsIgnoreCase(status);
    }
}
