package com.saasspend.integration.domain.reclaim;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One reclaim as the audit trail keeps it: who asked, when, each group's result, the seats freed and, once undone,
 * the undo. It is also the answer to {@code POST /reclaims}, and the answer a replayed idempotency key gets.
 * {@code jobId}: the bulk job the reclaim is one user of, null for a single reclaim (its ReclaimCompleted says so, whoever
 * settles it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReclaimRecord(
        String id,
        String accountId,
        String userName,
        String requestedBy,
        Instant createdAt,
        String status,
        List<GroupResult> groups,
        List<FreedSeat> seatsFreed,
        BigDecimal monthlyCostFreed,
        List<ReclaimPlan.Notice> notices,
        Instant undoableUntil,
        Undo undo,
        String jobId) {

    /** Undo is offered this long after a reclaim. */
    public static final java.time.Duration UNDO_WINDOW = java.time.Duration.ofDays(30);

    /** Only while a run holds the record (or until an interrupted run is finished from Atlassian's truth). */
    public static final String IN_PROGRESS = "in_progress";
    /** Every group reached the outcome asked for (removed, not a member, or refused by design). */
    public static final String COMPLETED = "completed";
    /** Some memberships changed, some did not (failed or not attempted): see each group. */
    public static final String PARTIAL = "partial";
    /** Nothing changed although something was to be done: see each group. */
    public static final String FAILED = "failed";

    // Group results. Transient while a run works (pending: not started; removing/restoring: intent recorded, the call
    // may or may not have reached Atlassian), final afterwards.
    public static final String PENDING = "pending";
    public static final String REMOVING = "removing";
    public static final String REMOVED = "removed";
    public static final String NOT_A_MEMBER = "not_a_member";
    public static final String REFUSED = "refused";
    public static final String FAILED_RESULT = "failed";
    public static final String NOT_ATTEMPTED = "not_attempted";
    public static final String RESTORING = "restoring";
    public static final String RESTORED = "restored";
    public static final String ALREADY_MEMBER = "already_member";
    public static final String SEAT_LIMIT_REACHED = "seat_limit_reached";

    public ReclaimRecord {
        groups = List.copyOf(groups);
        seatsFreed = List.copyOf(seatsFreed);
        notices = notices == null ? List.of() : List.copyOf(notices);
    }

    /**
     * {@code result}: removed, not_a_member (Atlassian says, and a re-read confirms, the user already was not), refused
     * (with reason: the group is managed by an identity provider, or Atlassian forbade it), failed (with reason: nothing
     * changed for this group as far as Atlassian tells), not_attempted (stopped earlier: out of time, or Atlassian failing).
     * On undo: restored, already_member, seat_limit_reached (an app the group grants is at its user limit: the user is
     * not back), refused, failed, not_attempted. pending/removing/restoring only while in progress.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupResult(String groupId, String name, String result, String reason) {
        public GroupResult as(String newResult, String newReason) {
            return new GroupResult(groupId, name, newResult, newReason);
        }

        public boolean is(String... results) {
            for (String r : results) {
                if (r.equals(result)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A product access the reclaim took away, with its last use, so an undo can put it back as it was. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FreedSeat(String resourceId, String productKey, String productName, String lastActive, BigDecimal monthlyPrice) {}

    /** The undo: one per reclaim, retried in place (partial or failed) within the undo window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Undo(String undoneBy, Instant undoneAt, String status, List<GroupResult> groups, int seatsRestored) {
        public Undo {
            groups = List.copyOf(groups);
        }

        public Undo withGroups(List<GroupResult> newGroups) {
            return new Undo(undoneBy, undoneAt, status, newGroups, seatsRestored);
        }

        public Undo settled(String newStatus, int restored) {
            return new Undo(undoneBy, undoneAt, newStatus, groups, restored);
        }
    }

    public boolean inProgress() {
        return IN_PROGRESS.equals(status);
    }

    public boolean undoInProgress() {
        return undo != null && IN_PROGRESS.equals(undo.status());
    }

    /** Work is left for a run: the reclaim or its undo was interrupted (or is running). */
    public boolean unsettled() {
        return inProgress() || undoInProgress();
    }

    public ReclaimRecord withGroups(List<GroupResult> newGroups) {
        return new ReclaimRecord(id, accountId, userName, requestedBy, createdAt, status, newGroups, seatsFreed, monthlyCostFreed,
                notices, undoableUntil, undo, jobId);
    }

    public ReclaimRecord settled(String newStatus, List<GroupResult> results, List<FreedSeat> freed, BigDecimal cost) {
        return new ReclaimRecord(id, accountId, userName, requestedBy, createdAt, newStatus, results, freed, cost, notices,
                undoableUntil, undo, jobId);
    }

    public ReclaimRecord withUndo(Undo newUndo) {
        return new ReclaimRecord(id, accountId, userName, requestedBy, createdAt, status, groups, seatsFreed,
                monthlyCostFreed, notices, undoableUntil, newUndo, jobId);
    }

    /**
     * A reclaim is completed when no group is left failed or not attempted (refused and not_a_member are final
     * answers, not failures), partial when some of the rest was removed, failed when nothing was.
     */
    public static String reclaimOutcome(List<GroupResult> results) {
        if (results.stream().noneMatch(r -> r.is(FAILED_RESULT, NOT_ATTEMPTED, PENDING, REMOVING))) {
            return COMPLETED;
        }
        return results.stream().anyMatch(r -> r.is(REMOVED)) ? PARTIAL : FAILED;
    }

    /** An undo is completed when the user is back in every group, partial when in some, failed when in none. */
    public static String undoOutcome(List<GroupResult> results) {
        long back = results.stream().filter(r -> r.is(RESTORED, ALREADY_MEMBER)).count();
        return back == results.size() ? COMPLETED : back > 0 ? PARTIAL : FAILED;
    }

    // ---------------------------------------------------------------- ids

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("\\d{8}T\\d{9}Z-[a-z0-9]{10}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Ids sort by time and carry their creation instant, so the audit item's key follows from the id alone. */
    public static String newId(Instant createdAt) {
        StringBuilder id = new StringBuilder(ID_TIME.format(createdAt)).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /** The creation instant an id carries, or empty when the text is not a reclaim id. */
    public static Optional<Instant> createdAtOf(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            // Sliced by hand: DateTimeFormatter cannot parse adjacent digits ending in a fraction ("HHmmssSSS").
            return Optional.of(java.time.LocalDateTime.of(Integer.parseInt(id.substring(0, 4)), Integer.parseInt(id.substring(4, 6)),
                    Integer.parseInt(id.substring(6, 8)), Integer.parseInt(id.substring(9, 11)), Integer.parseInt(id.substring(11, 13)),
                    Integer.parseInt(id.substring(13, 15)), Integer.parseInt(id.substring(15, 18)) * 1_000_000).toInstant(ZoneOffset.UTC));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
