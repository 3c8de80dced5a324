package com.saasspend.integration.atlassian;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.domain.Page;
import com.saasspend.integration.domain.products.TrelloEnterpriseApi;
import com.saasspend.integration.domain.products.TrelloMember;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trello REST of one enterprise: {@code enterprises/{id}/members/query}, 100 members a call, a bare array; the next
 * call passes the last member's id as {@code cursor}, and a page of fewer than 100 is the last. Auth is the
 * {@code key} and {@code token} query parameters.
 */
public final class TrelloClient implements TrelloEnterpriseApi {
    static final int PAGE = 100;

    private final AtlassianHttp http;
    private final String baseUrl;
    private final String enterpriseId;
    private final String auth;

    public TrelloClient(AtlassianHttp http, String trelloBaseUrl, String enterpriseId, String apiKey, String token) {
        this.http = http;
        this.baseUrl = trelloBaseUrl;
        this.enterpriseId = enterpriseId;
        this.auth = "key=" + OrgAdminClient.enc(apiKey) + "&token=" + OrgAdminClient.enc(token);
    }

    @Override
    public Page<TrelloMember> members(String cursor) {
        String query = cursor == null ? "" : "cursor=" + OrgAdminClient.enc(cursor) + "&";
        JsonNode page = http.send("Trello: list enterprise members", "GET", URI.create(baseUrl + "/1/enterprises/"
                + OrgAdminClient.enc(enterpriseId) + "/members/query?" + query + auth), null, null);
        List<TrelloMember> members = new ArrayList<>();
        for (JsonNode row : page) {
            JsonNode m = row.path("member");
            members.add(new TrelloMember(m.path("id").asText(), m.path("fullname").asText(null), m.path("username").asText(null),
                    m.path("email").asText(null), row.path("licensed").asBoolean(false), row.path("deactivated").asBoolean(false),
                    row.path("collaborator").asBoolean(false), row.path("managed").asBoolean(false), row.path("admin").asBoolean(false),
                    instant(m.path("dateLastImpression"))));
        }
        String next = members.size() < PAGE ? null : members.get(members.size() - 1).id();
        return new Page<>(members, next);
    }

    /** dateLastImpression as ISO-8601 text or epoch milliseconds; null when Trello has none (never active). */
    static Instant instant(JsonNode value) {
        if (value.isNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        if (value.isTextual() && !value.asText().isBlank()) {
            try {
                return Instant.parse(value.asText());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
