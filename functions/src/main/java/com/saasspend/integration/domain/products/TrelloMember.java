package com.saasspend.integration.domain.products;

import java.time.Instant;

/**
 * A member of the Trello Enterprise as the enterprise sees them. {@code licensed}: holds an enterprise seat;
 * {@code collaborator}: a free guest in a workspace; {@code lastActiveAt}: Trello's dateLastImpression (null = never).
 */
public record TrelloMember(
        String id,
        String fullName,
        String username,
        String email,
        boolean licensed,
        boolean deactivated,
        boolean collaborator,
        boolean managed,
        boolean admin,
        Instant lastActiveAt) {}
