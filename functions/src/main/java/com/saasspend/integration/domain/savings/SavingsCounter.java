package com.saasspend.integration.domain.savings;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the reclaimed-seat counters equal to what the reclaims keep freed. Each call says what one reclaim keeps
 * freed now (a reclaim settling, or its undo); only the difference with what it is already counted with is added,
 * with the marker's update in the same transaction. A settle step retried or repeated by a finisher therefore counts
 * nothing twice, and an undo takes back exactly what was counted.
 */
public final class SavingsCounter {
    /** Two writers of one reclaim are rare (a lease holds it); a few rereads settle any race. */
    static final int ATTEMPTS = 5;

    private final SavingsStore store;

    public SavingsCounter(SavingsStore store) {
        this.store = store;
    }

    public void count(String tenantId, ReclaimedSeats now) {
        Map<String, Tally> next = now.tallies();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<SavingsStore.Counted> counted = store.counted(tenantId, now.reclaimId());
            if (counted.isEmpty() && next.isEmpty()) {
                return;
            }
            Map<String, Tally> before = counted.map(SavingsStore.Counted::tallies).orElse(Map.of());
            Map<String, Tally> delta = difference(next, before);
            if (counted.isPresent() && delta.isEmpty()) {
                return;
            }
            // The day first counted stays: an undo days later takes the seats back from the day they were reclaimed.
            SavingsStore.Counted replacement = new SavingsStore.Counted(counted.map(c -> c.version() + 1).orElse(1L),
                    counted.map(SavingsStore.Counted::day).orElse(now.day()), next);
            if (store.recount(tenantId, now.reclaimId(), counted.map(SavingsStore.Counted::version).orElse(0L), replacement, delta)) {
                return;
            }
        }
        throw new IllegalStateException("the savings marker of reclaim " + now.reclaimId() + " kept changing");
    }

    /**
     * The same for a reclaim that, as far as the caller knows, has not been counted yet (a reclaim settling): the
     * write is tried as its first count without reading the marker (one read less per reclaim); if the reclaim was
     * counted already (an earlier settle of it died before the record settled), the write's condition fails, nothing
     * is written, and {@link #count} reads and counts only the difference.
     */
    public void countFirst(String tenantId, ReclaimedSeats now) {
        Map<String, Tally> next = now.tallies();
        if (!next.isEmpty() && store.recount(tenantId, now.reclaimId(), 0L, new SavingsStore.Counted(1L, now.day(), next), next)) {
            return;
        }
        count(tenantId, now);
    }

    /** {@code next - before} per resource id, zero entries left out. */
    static Map<String, Tally> difference(Map<String, Tally> next, Map<String, Tally> before) {
        Set<String> ids = new HashSet<>(next.keySet());
        ids.addAll(before.keySet());
        Map<String, Tally> delta = new HashMap<>();
        for (String id : ids) {
            Tally n = next.get(id);
            Tally b = before.get(id);
            String key = n != null ? n.productKey() : b.productKey();
            Tally d = (n != null ? n : Tally.zero(key)).minus(b != null ? b : Tally.zero(key));
            if (!d.isZero()) {
                delta.put(id, d);
            }
        }
        return delta;
    }
}
