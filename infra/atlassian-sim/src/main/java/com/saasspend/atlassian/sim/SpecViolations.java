package com.saasspend.atlassian.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's spec violations no test has answered for yet, from every simulator, open or closed: a test
 * may close its simulator before the check at its end runs. Bounded, because the local stack runs for
 * hours: past {@link #MAX_KEPT} the oldest are dropped and counted.
 */
public final class SpecViolations {
    static final int MAX_KEPT = 1000;

    private static final ConcurrentLinkedQueue<SpecViolation> UNREPORTED = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger SIZE = new AtomicInteger();
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong SEQ = new AtomicLong();

    private SpecViolations() {}

    static long nextSeq() {
        return SEQ.incrementAndGet();
    }

    static void record(SpecViolation v) {
        UNREPORTED.add(v);
        if (SIZE.incrementAndGet() > MAX_KEPT && UNREPORTED.poll() != null) {
            SIZE.decrementAndGet();
            DROPPED.incrementAndGet();
        }
    }

    /** A test that sent a violating request on purpose takes it (through its simulator) so it fails nothing. */
    static boolean acknowledge(SpecViolation v) {
        if (!UNREPORTED.remove(v)) return false; // already reported to (and failed) an earlier test
        SIZE.decrementAndGet();
        return true;
    }

    /** Every unreported violation, oldest first, and how many older ones were dropped; both are reset. */
    public static Drained drain() {
        List<SpecViolation> out = new ArrayList<>();
        for (SpecViolation v; (v = UNREPORTED.poll()) != null; ) {
            SIZE.decrementAndGet();
            out.add(v);
        }
        return new Drained(out, DROPPED.getAndSet(0));
    }

    public record Drained(List<SpecViolation> violations, long dropped) {
        public boolean isEmpty() {
            return violations.isEmpty() && dropped == 0;
        }

        /** The failure message: every violation, named, with the document it breaks. */
        public String describe() {
            StringBuilder b = new StringBuilder("This test sent ").append(violations.size() + dropped)
                    .append(" request(s) to the Atlassian simulator outside Atlassian's official OpenAPI documents (each answered 400):");
            for (SpecViolation v : violations) b.append("\n  - ").append(v.describe());
            if (dropped > 0) b.append("\n  (and ").append(dropped).append(" older ones not kept)");
            return b.toString();
        }
    }
}
