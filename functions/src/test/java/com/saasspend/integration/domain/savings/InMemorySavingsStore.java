package com.saasspend.integration.domain.savings;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link SavingsStore} in memory, with the adapter's contract: a recount is all or nothing, conditional on the version. */
public class InMemorySavingsStore implements SavingsStore {
    public final Map<String, Counted> markers = new HashMap<>();
    public final Map<String, Map<String, Tally>> counters = new HashMap<>();
    public final TreeMap<LocalDate, DaySnapshot> snapshots = new TreeMap<>();
    /** Runs once just before the next recount's condition is checked (another writer racing). */
    public Runnable beforeNextRecount;
    public int recounts;

    @Override
    public Optional<Counted> counted(String tenantId, String reclaimId) {
        return Optional.ofNullable(markers.get(tenantId + "/" + reclaimId));
    }

    @Override
    public boolean recount(String tenantId, String reclaimId, long expectedVersion, Counted next, Map<String, Tally> delta) {
        if (beforeNextRecount != null) {
            Runnable race = beforeNextRecount;
            beforeNextRecount = null;
            race.run();
        }
        recounts++;
        Counted current = markers.get(tenantId + "/" + reclaimId);
        if ((current == null ? 0 : current.version()) != expectedVersion) {
            return false;
        }
        markers.put(tenantId + "/" + reclaimId, next);
        for (String counter : List.of("DAY#" + next.day(), "MONTH#" + YearMonth.from(next.day()), "TOTAL")) {
            Map<String, Tally> tallies = counters.computeIfAbsent(tenantId + "/" + counter, k -> new TreeMap<>());
            delta.forEach((id, d) -> tallies.merge(id, d, Tally::plus));
        }
        return true;
    }

    public Map<String, Tally> counter(String tenantId, String name) {
        return counters.getOrDefault(tenantId + "/" + name, Map.of());
    }

    @Override
    public Map<String, Tally> reclaimedToDate(String tenantId) {
        return counter(tenantId, "TOTAL");
    }

    @Override
    public Map<String, Tally> reclaimedIn(String tenantId, YearMonth month) {
        return counter(tenantId, "MONTH#" + month);
    }

    @Override
    public void putSnapshot(String tenantId, LocalDate day, DaySnapshot snapshot) {
        snapshots.put(day, snapshot);
    }

    @Override
    public List<Day> days(String tenantId, LocalDate from, LocalDate to) {
        TreeMap<LocalDate, Day> days = new TreeMap<>();
        snapshots.subMap(from, true, to, true).forEach((d, s) -> days.put(d, new Day(d, s, counter(tenantId, "DAY#" + d))));
        counters.keySet().stream().filter(k -> k.startsWith(tenantId + "/DAY#")).forEach(k -> {
            LocalDate d = LocalDate.parse(k.substring((tenantId + "/DAY#").length()));
            if (!d.isBefore(from) && !d.isAfter(to)) {
                days.putIfAbsent(d, new Day(d, null, counters.get(k)));
            }
        });
        return new ArrayList<>(days.values());
    }
}
