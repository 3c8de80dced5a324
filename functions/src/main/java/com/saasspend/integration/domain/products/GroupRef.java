package com.saasspend.integration.domain.products;

/** A Jira or Confluence group as listings name it. On a site its id is the org group id. */
public record GroupRef(String id, String name) {}
