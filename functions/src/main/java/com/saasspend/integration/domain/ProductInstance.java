package com.saasspend.integration.domain;

/**
 * A product instance of the org (Atlassian calls it a workspace): a Jira or Confluence site, a Trello enterprise, a
 * Bitbucket workspace. {@code id} is its ARI; {@code capacity} its seats where Atlassian reports them.
 */
public record ProductInstance(String id, String type, String name, String hostUrl, Integer capacity, Integer usage) {}
