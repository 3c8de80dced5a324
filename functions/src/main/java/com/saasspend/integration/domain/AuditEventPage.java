package com.saasspend.integration.domain;

import java.util.List;

/**
 * One page of the audit-event stream. {@code nextPage}: the cursor of the page that follows now (null when this is
 * the last page there is); {@code resumeCursor}: where a later poll continues after this page (the stream gives it
 * even on its last page, to poll for new events).
 */
public record AuditEventPage(List<AuditEvent> events, String nextPage, String resumeCursor) {
    public AuditEventPage {
        events = List.copyOf(events);
    }
}
