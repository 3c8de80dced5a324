package com.saasspend.atlassian.bench;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.aws.DynamoLicenseStore;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Figure I: a day of one org with a trickle of changes made in Atlassian (memberships, joiners, leavers), synced two
 * ways side by side on the same simulator. Incremental: 96 ticks of the schedule, each polling the audit-event stream
 * (the tenant's daily full listing included, at its slot), every tick measured. Full: a full listing every tick; its
 * cost is measured on {@code fullSamples} ticks spread over the day (each after the trickle since the previous one)
 * on a second tenant of the same org, or, with {@code fullSamples} 0, on the incremental tenant's own daily full
 * listing (the same kind of run on the same org at one tick of the day, and half the work for a 100k-user org),
 * and multiplied to 96, since 96 listings of a large org would take hours here. Time is simulated: the simulator's
 * world and the syncs share a clock that advances 15 minutes a tick.
 *
 * <p>Freshness: after every incremental tick, each user changed since the previous tick is read back from the store
 * and compared with the simulator (groups); a mismatch means a change was not visible within one tick. A tick's changes
 * are spread evenly over its 15 simulated minutes, so the time from a change to the License page is the simulated wait
 * for the next tick plus the incremental run's measured wall time (on moto, which is slower than DynamoDB).
 */
public final class IncrementalDayBenchmark {
    static final int TICKS = 96;

    public record Result(int users, int membershipChanges, int joiners, int leavers, Map<String, Long> incrementalCalls,
                         double incrementalUnits, int incrementalFullListings, int staleAfterATick,
                         int fullSamples, Map<String, Long> sampledFullCalls, double sampledFullUnits,
                         List<Double> freshnessSeconds, List<Double> incrementalRunMillis, boolean samplesAreTheDailyListing) {
        long incrementalTotal() {
            return incrementalCalls.values().stream().mapToLong(Long::longValue).sum();
        }

        double fullPerDay() {
            return sampledFullCalls.values().stream().mapToLong(Long::longValue).sum() * (double) TICKS / fullSamples;
        }

        double callShare() {
            return incrementalTotal() / fullPerDay();
        }

        double fullUnitsPerDay() {
            return sampledFullUnits * TICKS / fullSamples;
        }
    }

    /** A clock both the simulator's world and the syncs read; the benchmark moves it. */
    static final class DayClock extends Clock {
        private volatile Instant now;

        DayClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    public static Result measure(int users, int membershipChanges, int joiners, int leavers, int fullSamples) {
        World world = WorldGenerator.generate(users, users / 50, 42);
        DayClock clock = new DayClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(12)));
        world.setClock(clock);
        String orgId = DemoCredentials.ORG_ID;
        Random random = new Random(8);
        try (OrgUnderTest org = new OrgUnderTest(world, true)) {
            String incremental = "bench-incremental-" + users;
            String full = "bench-full-" + users;
            boolean ownDailyListing = fullSamples == 0;
            org.connect(incremental);
            // The daily window is 02:00-06:00 UTC (the default): the simulated day from noon to noon crosses it once;
            // the full tenant's runs are all asked to be full.
            AtlassianOrgSync incrementalSync = org.meteredSync(clock);
            AtlassianOrgSync fullSync = org.meteredSync(clock);
            require(incrementalSync.run(incremental, Budget.unlimited(), false), "connect listing (incremental tenant)");
            if (!ownDailyListing) {
                org.connect(full);
                require(fullSync.run(full, Budget.unlimited(), true), "connect listing (full tenant)");
            }
            DynamoLicenseStore reader = new DynamoLicenseStore(org.aws.plainDynamo, org.aws.table);

            List<Runnable> changes = trickle(world, orgId, random, membershipChanges, joiners, leavers);
            Map<String, Long> incrementalCalls = new TreeMap<>();
            Map<String, Long> fullCalls = new TreeMap<>();
            double incrementalUnits = 0;
            double fullUnits = 0;
            int fullListings = 0;
            int stale = 0;
            Set<Integer> sampleTicks = new HashSet<>();
            for (int i = 1; i <= fullSamples; i++) {
                sampleTicks.add(i * TICKS / fullSamples - 1);
            }
            int next = 0;
            List<Double> freshness = new ArrayList<>();
            List<Double> runMillis = new ArrayList<>();
            for (int tick = 0; tick < TICKS; tick++) {
                Set<String> touched = new HashSet<>();
                int until = (tick + 1) * changes.size() / TICKS;
                Set<String> before = world.accountIds(orgId).stream().collect(Collectors.toSet());
                // This tick's changes at even steps through its 15 minutes; the run comes at its end.
                Duration step = Duration.ofMinutes(15).dividedBy(until - next + 1);
                Instant tickEnd = clock.instant().plus(Duration.ofMinutes(15));
                List<Instant> changedAt = new ArrayList<>();
                for (; next < until; next++) {
                    clock.advance(step);
                    changes.get(next).run();
                    changedAt.add(clock.instant());
                }
                clock.advance(Duration.between(clock.instant(), tickEnd));
                // Who changed this tick: accounts whose memberships changed, joiners and leavers.
                Set<String> after = world.accountIds(orgId).stream().collect(Collectors.toSet());
                after.stream().filter(id -> !before.contains(id)).forEach(touched::add);
                before.stream().filter(id -> !after.contains(id)).forEach(touched::add);
                touched.addAll(lastTouched);
                lastTouched.clear();

                org.sim.clearRequests();
                CapacityMeter.Snapshot s0 = org.meter.snapshot();
                long started = System.nanoTime();
                SyncResult r = incrementalSync.run(incremental, Budget.unlimited(), false);
                double millis = (System.nanoTime() - started) / 1e6;
                require(r, "tick " + tick);
                runMillis.add(millis);
                for (Instant at : changedAt) {
                    freshness.add(Duration.between(at, tickEnd).toMillis() / 1000.0 + millis / 1000.0);
                }
                boolean fullListing = r.run() == null || !r.run().runId().startsWith("incremental-");
                double tickUnits = units(org.meter.snapshot().minus(s0));
                Map<String, Long> tickCalls = OrgUnderTest.callsByPurpose(org.sim.requests());
                if (fullListing) {
                    fullListings++;
                    if (ownDailyListing) {
                        fullUnits += tickUnits;
                        tickCalls.forEach((k, v) -> fullCalls.merge(k, v, Long::sum));
                    }
                }
                incrementalUnits += tickUnits;
                tickCalls.forEach((k, v) -> incrementalCalls.merge(k, v, Long::sum));
                for (String id : touched) {
                    Set<String> stored = reader.user(incremental, id).map(h -> h.item().groups().stream()
                            .map(OrgUser.GroupRef::id).collect(Collectors.toSet())).orElse(null);
                    Set<String> truth = after.contains(id) ? world.groupsOf(id) : null;
                    if (!java.util.Objects.equals(stored, truth)) {
                        stale++;
                    }
                }

                if (sampleTicks.contains(tick)) {
                    org.sim.clearRequests();
                    CapacityMeter.Snapshot f0 = org.meter.snapshot();
                    require(fullSync.run(full, Budget.unlimited(), true), "full listing at tick " + tick);
                    fullUnits += units(org.meter.snapshot().minus(f0));
                    OrgUnderTest.callsByPurpose(org.sim.requests()).forEach((k, v) -> fullCalls.merge(k, v, Long::sum));
                }
                System.out.printf("[incremental-day] N=%,d tick %d: %s%n", users, tick, r.run() == null ? r.outcome() : r.run().runId());
            }
            if (ownDailyListing && fullListings == 0) {
                throw new IllegalStateException("no daily full listing in the simulated day: nothing to compare with");
            }
            Result result = new Result(users, membershipChanges, joiners, leavers, incrementalCalls, incrementalUnits, fullListings,
                    stale, ownDailyListing ? fullListings : fullSamples, fullCalls, fullUnits, freshness, runMillis, ownDailyListing);
            System.out.printf("[incremental-day] N=%,d: incremental %,d calls a day (%d full listings), full every tick %,.0f calls a day"
                            + " (from %d samples): %.2f%%; %d changed users not visible within one tick%n",
                    users, result.incrementalTotal(), fullListings, result.fullPerDay(), result.fullSamples(), 100 * result.callShare(), stale);
            return result;
        }
    }

    /** Accounts whose memberships the trickle changed since the last tick. */
    private static final Set<String> lastTouched = new HashSet<>();

    /** The day's changes in a random order: membership adds and removes, joiners into a group, leavers. */
    private static List<Runnable> trickle(World world, String orgId, Random random, int memberships, int joiners, int leavers) {
        List<String> accounts = world.accountIds(orgId).stream().filter(id -> !world.groupsOf(id).isEmpty()).sorted().toList();
        List<String> groups = world.groupIds(orgId).stream().sorted().toList();
        List<Runnable> changes = new ArrayList<>();
        for (int i = 0; i < memberships; i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            String group = groups.get(random.nextInt(groups.size()));
            boolean add = random.nextBoolean();
            changes.add(() -> {
                World.Change c = add ? world.addMembership(group, account) : world.removeMembership(group, account);
                if (c == World.Change.DONE) {
                    lastTouched.add(account);
                }
            });
        }
        for (int i = 0; i < joiners; i++) {
            String id = "712020:joiner-" + i;
            String name = "Joiner " + i;
            String email = "joiner" + i + "@acme.com";
            String group = groups.get(random.nextInt(groups.size()));
            changes.add(() -> world.addUser(orgId, id, name, email, group));
        }
        for (int i = 0; i < leavers; i++) {
            String id = accounts.get(random.nextInt(accounts.size()));
            changes.add(() -> world.removeUser(id));
        }
        java.util.Collections.shuffle(changes, random);
        return changes;
    }

    private static double units(CapacityMeter.Snapshot s) {
        CapacityMeter.Tally t = s.total();
        return t.readUnits() + t.writeUnits();
    }

    private static void require(SyncResult result, String what) {
        if (result.outcome() != SyncOutcome.COMPLETED) {
            throw new IllegalStateException(what + " ended " + result.outcome());
        }
    }

    /** {@code java ... IncrementalDayBenchmark [users] [fullSamples]}: one figure, printed as Markdown. */
    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Result r = measure(users, 200, 20, 10, samples);
        System.out.println(markdown(r));
        System.exit(0);
    }

    static String markdown(Result r) {
        StringBuilder d = new StringBuilder();
        d.append("A day (96 ticks of 15 minutes, simulated time) of a generated org of ").append(String.format("%,d", r.users()))
                .append(" users with ").append(r.membershipChanges()).append(" membership changes, ").append(r.joiners())
                .append(" joiners and ").append(r.leavers()).append(" leavers made in Atlassian, spread over the day.\n\n");
        d.append("| sync | Atlassian calls a day | by purpose | DynamoDB units a day (read + write) |\n|---|---|---|---|\n");
        d.append(String.format("| incremental every tick (%d full listing(s) included) | %,d | %s | %,.0f |%n", r.incrementalFullListings(),
                r.incrementalTotal(), r.incrementalCalls(), r.incrementalUnits()));
        d.append(String.format("| full listing every tick (%s, ×%d/%d) | %,.0f | %s (measured ticks) | %,.0f |%n",
                r.samplesAreTheDailyListing() ? "measured on the incremental tenant's own daily full listing"
                        : r.fullSamples() + " ticks of a second tenant measured",
                TICKS, r.fullSamples(), r.fullPerDay(), r.sampledFullCalls(), r.fullUnitsPerDay()));
        d.append(String.format("%nIncremental: %.2f%% of the calls of full listings (goal ≤ 2 %%); changed users not visible within one tick: %d.%n",
                100 * r.callShare(), r.staleAfterATick()));
        d.append(String.format("%nFreshness of a change made in Atlassian (time to the License page: the wait for the next tick,"
                        + " simulated, plus the incremental run's wall time, measured on moto): median %s, max %s over %d changes;"
                        + " incremental run wall time %s.%n",
                minutes(Stats.of(r.freshnessSeconds()).median()), minutes(Stats.of(r.freshnessSeconds()).max()),
                r.freshnessSeconds().size(), Stats.of(r.incrementalRunMillis()).describe(ms -> String.format("%,.0f ms", ms))));
        return d.toString();
    }

    static String minutes(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d min %02d s", s / 60, s % 60);
    }
}
