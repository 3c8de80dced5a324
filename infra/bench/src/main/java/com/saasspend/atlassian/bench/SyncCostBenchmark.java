package com.saasspend.atlassian.bench;

import com.saasspend.atlassian.sim.DemoCredentials;
import com.saasspend.atlassian.sim.RecordedRequest;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncRunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figures 1 and 3 for one org size: a full sync of a fresh tenant (Atlassian calls against the floor), then an
 * unchanged re-sync of the same tenant in the same run (items written; capacity against a full rewrite of every user
 * and group item, computed from those items' sizes). Each run connects a new tenant, so every first sync is a full one.
 */
public final class SyncCostBenchmark {
    /** What the API allows at best: the page sizes the Organizations API caps its listings at. */
    static final int USERS_PER_PAGE = 100;
    static final int GROUPS_PER_PAGE = 100;
    static final int WORKSPACES_PER_PAGE = 1000;

    /**
     * Two floors. The old one ({@link #total()}): the listings' pages plus one role-assignment listing per group, what
     * our earlier algorithm needed. The second ({@link #needed()}): what any correct sync needs, since groups search
     * counts each group's resources and a group with none grants nothing: role assignments only of the groups that
     * grant access (one page each, the API's 100 a page covering any group's resources).
     */
    public record Floor(long userPages, long groupPages, long roleAssignmentCalls, long grantingGroupCalls, long workspacePages) {
        long total() {
            return userPages + groupPages + roleAssignmentCalls + workspacePages;
        }

        long needed() {
            return userPages + groupPages + grantingGroupCalls + workspacePages;
        }

        static Floor of(long usersListed, long groups, long grantingGroups, long workspaces) {
            return new Floor(ceil(usersListed, USERS_PER_PAGE), ceil(groups, GROUPS_PER_PAGE), groups, grantingGroups,
                    ceil(workspaces, WORKSPACES_PER_PAGE));
        }
    }

    public record Run(SyncRunRecord first, Map<String, Long> firstCalls, long firstMillis, CapacityMeter.Snapshot firstCapacity,
                      SyncRunRecord again, Map<String, Long> againCalls, CapacityMeter.Snapshot againCapacity,
                      long userItems, long groupItems, long fullRewriteUnits, Floor floor) {
        long measuredCalls() {
            return firstCalls.values().stream().mapToLong(Long::longValue).sum();
        }

        double callRatio() {
            return (double) measuredCalls() / floor.total();
        }

        /** Against the second floor: calls any correct sync needs. */
        double neededRatio() {
            return (double) measuredCalls() / floor.needed();
        }

        long resyncItemsWritten() {
            return againCapacity.kind("USER").itemsWritten() + againCapacity.kind("GROUP").itemsWritten();
        }

        double resyncUnits() {
            CapacityMeter.Tally t = againCapacity.total();
            return t.readUnits() + t.writeUnits();
        }

        double resyncShare() {
            return resyncUnits() / fullRewriteUnits;
        }
    }

    public static List<Run> measure(int users, int runs) {
        List<Run> results = new ArrayList<>();
        World world = WorldGenerator.generate(users, users / 50, 42);
        long grantingGroups = world.grantingGroupIds(DemoCredentials.ORG_ID).size();
        try (OrgUnderTest org = new OrgUnderTest(world, true)) {
            for (int run = 1; run <= runs; run++) {
                String tenant = "bench-cost-" + users + "-" + run;
                org.connect(tenant);
                org.sim.clearRequests();
                CapacityMeter.Snapshot s0 = org.meter.snapshot();
                long t0 = System.nanoTime();
                AtlassianOrgSync.Result first = org.meteredSync().run(tenant, Budget.unlimited());
                long firstMillis = (System.nanoTime() - t0) / 1_000_000;
                require(first, "first sync");
                List<RecordedRequest> firstRequests = org.sim.requests();
                CapacityMeter.Snapshot s1 = org.meter.snapshot();
                org.sim.clearRequests();
                AtlassianOrgSync.Result again = org.meteredSync().run(tenant, Budget.unlimited());
                require(again, "re-sync");
                CapacityMeter.Snapshot s2 = org.meter.snapshot();
                List<RecordedRequest> againRequests = org.sim.requests();

                // A first sync writes every user, group and product item once, so its tallies are the full rewrite
                // (write units from those items' sizes) and the product instances the listing returned.
                CapacityMeter.Snapshot full = s1.minus(s0);
                CapacityMeter.Tally users0 = full.kind("USER");
                CapacityMeter.Tally groups0 = full.kind("GROUP");
                long fullRewriteUnits = Math.round(users0.writeUnits() + groups0.writeUnits());
                Floor floor = Floor.of(first.run().users(), first.run().groups(), grantingGroups, full.kind("PRODUCT").itemsWritten());
                Run r = new Run(first.run(), OrgUnderTest.callsByPurpose(firstRequests), firstMillis, full,
                        again.run(), OrgUnderTest.callsByPurpose(againRequests), s2.minus(s1), users0.itemsWritten(),
                        groups0.itemsWritten(), fullRewriteUnits, floor);
                results.add(r);
                System.out.printf("[sync-cost] N=%,d run %d: %,d calls (old floor %,d, x%.3f; needed %,d, x%.3f) in %,d ms (DynamoDB %,d ms in %,d calls); re-sync wrote %d user/group items, "
                                + "%.1f units = %.2f%% of a full rewrite (%,d units)%n",
                        users, run, r.measuredCalls(), floor.total(), r.callRatio(), floor.needed(), r.neededRatio(), firstMillis, r.firstCapacity().dynamoNanos() / 1_000_000,
                        r.firstCapacity().calls(), r.resyncItemsWritten(),
                        r.resyncUnits(), 100 * r.resyncShare(), r.fullRewriteUnits());
            }
        }
        return results;
    }

    private static void require(AtlassianOrgSync.Result result, String what) {
        if (result.outcome() != AtlassianOrgSync.Outcome.COMPLETED) {
            throw new IllegalStateException(what + " ended " + result.outcome());
        }
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
