package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.Page;
import java.time.Instant;
import java.util.Optional;

/** The tenant's reclaim audit trail. It outlives a disconnect: it is the record of what was done. */
public interface ReclaimAudit {
    /** Creates or replaces the record (it is written when a reclaim starts, again when it ends, again on undo). */
    void put(String tenantId, ReclaimRecord record);

    /** Empty for an unknown id or another tenant's: the caller cannot tell them apart. */
    Optional<ReclaimRecord> find(String tenantId, String id);

    /**
     * Newest first. {@code cursor} is one this method answered for the same tenant, else a {@link
     * com.saasspend.integration.domain.Refusal} INVALID.
     */
    Page<ReclaimRecord> list(String tenantId, String cursor, int limit);

    /**
     * Marks the record's undo as started, unless an undo already started less than {@code staleBefore} ago or
     * finished. Answers whether this caller may run the undo.
     */
    boolean claimUndo(String tenantId, String id, Instant now, Instant staleBefore);
}
