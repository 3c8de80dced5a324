package com.saasspend.integration.domain.reclaim.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A bulk reclaim (or the undo of one) as stored: what it runs and its counters. Counters move only in the same
 * transaction that writes a user's result, so each user counts exactly once whatever the redeliveries.
 * {@code total} counts every user the job covers (the plan's skipped ones are counted skipped from the start).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReclaimJob(String id, String kind, String planId, String undoOf, String undoJobId, String requestedBy,
                         Instant createdAt, String status, boolean cancelRequested, boolean enqueued, int chunks,
                         Counts counts, Instant finishedAt) {
    public static final String RECLAIM = "reclaim";
    public static final String UNDO = "undo";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String CANCELLED = "cancelled";

    /** Per-user outcomes so far; {@code seats}: freed (reclaim) or restored (undo); cost in the tenant's seat prices. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Counts(int total, int done, int freed, int failed, int skipped, int cancelled, int plannedSkipped,
                         int seats, BigDecimal monthlyCost) {
        public int processed() {
            return done + failed + skipped + cancelled;
        }

        public int remaining() {
            return Math.max(0, total - processed());
        }
    }

    public boolean running() {
        return RUNNING.equals(status);
    }

    /** The status a job ends with once every user has a result. */
    public String finalStatus() {
        return cancelRequested ? CANCELLED : COMPLETED;
    }

    public ReclaimJob withCounts(Counts newCounts) {
        return new ReclaimJob(id, kind, planId, undoOf, undoJobId, requestedBy, createdAt, status, cancelRequested, enqueued,
                chunks, newCounts, finishedAt);
    }

    public ReclaimJob finished(Instant at) {
        return new ReclaimJob(id, kind, planId, undoOf, undoJobId, requestedBy, createdAt, finalStatus(), cancelRequested,
                enqueued, chunks, counts, at);
    }

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("(job|plan)-\\d{8}T\\d{9}Z-[a-z0-9]{10}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Ids sort by creation time, so a reverse key order lists newest first. */
    public static String newId(String prefix, Instant at) {
        StringBuilder id = new StringBuilder(prefix).append('-').append(ID_TIME.format(at)).append('-');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /** Whether the text can be a job or plan id at all (anything else is simply not found). */
    public static boolean wellFormed(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
