package com.saasspend.integration.domain.products;

import com.saasspend.integration.domain.Page;

/** The members of one Trello Enterprise, page by page (null cursor = first page). */
public interface TrelloEnterpriseApi {
    Page<TrelloMember> members(String cursor);
}
