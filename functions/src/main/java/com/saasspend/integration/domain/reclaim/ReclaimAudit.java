package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.domain.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The tenant's reclaim audit trail. It outlives a disconnect: it is the record of what was done. A record with work
 * left (a reclaim or undo in progress) is also listed as open, and held by at most one run at a time (a lease), so an
 * interrupted run is found by the sweep and finished by exactly one finisher.
 */
public interface ReclaimAudit {
    /**
     * Creates the record as a reclaim starts, with its baseline, listed as open and held by the caller until
     * {@code leaseUntil}. Written before the first Atlassian call.
     */
    void start(String tenantId, ReclaimRecord record, ReclaimBaseline baseline, Instant leaseUntil);

    /** Replaces the record (each group's intent and outcome), keeping its baseline, lease and open listing. */
    void put(String tenantId, ReclaimRecord record);

    /** Replaces the record with its settled state, frees the lease and drops it from the open list. */
    void settle(String tenantId, ReclaimRecord record);

    /**
     * Takes the record's lease until {@code leaseUntil} and lists it as open, unless another run holds an unexpired
     * lease. Answers whether the caller may work on the record.
     */
    boolean lease(String tenantId, String id, Instant now, Instant leaseUntil);

    /** Empty for an unknown id or another tenant's: the caller cannot tell them apart. */
    Optional<ReclaimRecord> find(String tenantId, String id);

    Optional<ReclaimBaseline> baseline(String tenantId, String id);

    /** Ids of records listed as open (work may be left), oldest first, at most {@code limit}. */
    List<String> open(String tenantId, int limit);

    /**
     * Newest first. {@code cursor} is one this method answered for the same tenant, else a {@link
     * com.saasspend.integration.domain.Refusal} INVALID.
     */
    Page<ReclaimRecord> list(String tenantId, String cursor, int limit);
}
