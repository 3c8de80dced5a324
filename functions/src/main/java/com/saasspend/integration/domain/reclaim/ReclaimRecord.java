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
        Undo undo) {

    /** Undo is offered this long after a reclaim. */
    public static final java.time.Duration UNDO_WINDOW = java.time.Duration.ofDays(30);

    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";

    public ReclaimRecord {
        groups = List.copyOf(groups);
        seatsFreed = List.copyOf(seatsFreed);
        notices = notices == null ? List.of() : List.copyOf(notices);
    }

    /**
     * {@code result}: removed, not_a_member (Atlassian says the user already was not), refused (with reason: the
     * group is managed by an identity provider, or Atlassian forbade it), failed (with reason: nothing changed for
     * this group). On undo: restored, already_member, refused, failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupResult(String groupId, String name, String result, String reason) {}

    /** A product access the reclaim took away, with its last use, so an undo can put it back as it was. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FreedSeat(String resourceId, String productKey, String productName, String lastActive, BigDecimal monthlyPrice) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Undo(String undoneBy, Instant undoneAt, String status, List<GroupResult> groups, int seatsRestored) {
        public Undo {
            groups = List.copyOf(groups);
        }
    }

    public ReclaimRecord completed(List<GroupResult> results, List<FreedSeat> freed, BigDecimal cost) {
        return new ReclaimRecord(id, accountId, userName, requestedBy, createdAt, COMPLETED, results, freed, cost, notices,
                undoableUntil, undo);
    }

    public ReclaimRecord withUndo(Undo newUndo) {
        return new ReclaimRecord(id, accountId, userName, requestedBy, createdAt, status, groups, seatsFreed,
                monthlyCostFreed, notices, undoableUntil, newUndo);
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
