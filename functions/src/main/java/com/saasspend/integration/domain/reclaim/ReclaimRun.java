package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.reclaim.ReclaimCore.Connection;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.FreedSeat;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.GroupResult;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.Hashed;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.saasspend.integration.domain.reclaim.ReclaimRecord.FAILED_RESULT;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.NOT_ATTEMPTED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.NOT_A_MEMBER;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.PENDING;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.REFUSED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.REMOVED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.REMOVING;

/**
 * The removal as a resumable state machine. Each group's intent ({@code removing}) is written before its Atlassian call
 * and its outcome after, so a run killed between any two lines leaves a record that says what may have happened. A
 * finisher (a retry with the same key, the next call on the reclaim, or the sweep) holds the record's lease, re-reads
 * the user's groups from Atlassian and continues from there: a {@code removing} group the user is no longer in was
 * removed by the interrupted run; a {@code pending} one was never sent. Nothing starts over.
 */
final class ReclaimRun {
    private static final Log LOG = Log.of(ReclaimRun.class);

    private final ReclaimCore core;

    ReclaimRun(ReclaimCore core) {
        this.core = core;
    }

    /**
     * Writes the record (every removable group pending) under the caller's lease, then runs it to a settled state.
     * {@code resync}: false when the caller requests the targeted re-sync itself (a bulk job, in batches).
     */
    ReclaimRecord start(String tenantId, ReclaimRecord fresh, ReclaimBaseline baseline, Connection connection, Budget budget,
                        boolean resync, Hashed<OrgUser> storedUser) {
        // The first removal's intent goes in with the record (one write less): until a run sends it, a "removing" group
        // the user is still in is sent by a finisher exactly as a pending one would be.
        List<GroupResult> groups = new ArrayList<>(fresh.groups());
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).is(PENDING)) {
                groups.set(i, groups.get(i).as(REMOVING, null));
                break;
            }
        }
        ReclaimRecord started = fresh.withGroups(groups);
        core.audit.start(tenantId, started, baseline, core.leaseUntil());
        return run(tenantId, started, baseline, connection, null, budget, resync, storedUser);
    }

    /**
     * Finishes an interrupted reclaim; the caller holds its lease. Without a connection (disconnected since), nothing
     * can be asked of Atlassian: what was not started is not attempted, what may have happened says so.
     */
    ReclaimRecord finish(String tenantId, ReclaimRecord record, Budget budget) {
        ReclaimBaseline baseline = core.audit.baseline(tenantId, record.id())
                .orElseGet(() -> new ReclaimBaseline(List.of(), List.of(), Map.of(), List.of()));
        Optional<Connection> connection = core.connection(tenantId);
        if (connection.isEmpty()) {
            List<GroupResult> groups = record.groups().stream().map(g -> g.is(PENDING) ? g.as(NOT_ATTEMPTED, ReclaimTexts.INTERRUPTED_NOT_STARTED)
                    : g.is(REMOVING) ? g.as(FAILED_RESULT, ReclaimTexts.INTERRUPTED_UNKNOWN) : g).toList();
            return settle(tenantId, record.withGroups(groups), baseline, true, null);
        }
        // Atlassian's truth first: if it cannot be read, the record stays as it is for the next finisher.
        Set<String> memberOf = core.memberGroups(connection.get(), record.accountId());
        LOG.info("finishing an interrupted reclaim", "reclaimId", record.id());
        return run(tenantId, record, baseline, connection.get(), memberOf, budget, true, null);
    }

    /** {@code memberOf}: the user's groups as Atlassian has them now, or null on a fresh run (the plan just read them). */
    private ReclaimRecord run(String tenantId, ReclaimRecord record, ReclaimBaseline baseline, Connection connection,
                              Set<String> memberOf, Budget budget, boolean resync, Hashed<OrgUser> storedUser) {
        List<GroupResult> groups = new ArrayList<>(record.groups());
        String stoppedBecause = null;
        for (int i = 0; i < groups.size(); i++) {
            GroupResult group = groups.get(i);
            if (!group.is(PENDING, REMOVING)) {
                continue;
            }
            if (stoppedBecause != null) {
                groups.set(i, group.as(NOT_ATTEMPTED, stoppedBecause));
                continue;
            }
            if (memberOf != null && !memberOf.contains(group.groupId())) {
                groups.set(i, group.is(REMOVING) ? group.as(REMOVED, ReclaimTexts.REMOVED_CONFIRMED) : group.as(NOT_A_MEMBER, ReclaimTexts.NOT_A_MEMBER));
                core.audit.put(tenantId, record.withGroups(groups));
                continue;
            }
            if (budget.nearlyOut()) {
                stoppedBecause = ReclaimTexts.outOfTime(false);
                groups.set(i, group.as(NOT_ATTEMPTED, stoppedBecause));
                continue;
            }
            if (group.is(PENDING)) {
                groups.set(i, group.as(REMOVING, null));
                core.audit.put(tenantId, record.withGroups(groups));
            }
            GroupResult outcome;
            try {
                core.orgApi.removeMembership(connection.orgId(), connection.apiKey(), baseline.directoryOf(group.groupId()),
                        group.groupId(), record.accountId());
                outcome = group.as(REMOVED, null);
            } catch (UpstreamFailure failure) {
                outcome = failed(group, failure, connection, record.accountId());
                if (failure.kind() == UpstreamFailure.Kind.OUT_OF_TIME) {
                    stoppedBecause = ReclaimTexts.outOfTime(false);
                } else if (stopsTheRest(failure)) {
                    stoppedBecause = ReclaimTexts.stoppedEarlier(failure.getMessage(), false);
                }
            }
            groups.set(i, outcome);
            if (workLeftAfter(groups, i)) {
                core.audit.put(tenantId, record.withGroups(groups));
            }
            // Else the settle writes this outcome next; a crash before it leaves the group "removing", which a finisher
            // confirms from Atlassian's truth as for any interrupted removal (one write less per reclaim).
        }
        return settle(tenantId, record.withGroups(groups), baseline, resync, storedUser);
    }

    /** Whether a group after {@code i} still waits for its removal. */
    private static boolean workLeftAfter(List<GroupResult> groups, int i) {
        return groups.subList(i + 1, groups.size()).stream().anyMatch(g -> g.is(PENDING, REMOVING));
    }

    private GroupResult failed(GroupResult group, UpstreamFailure failure, Connection connection, String accountId) {
        return switch (failure.kind()) {
            // A 404 is trusted only once Atlassian's own list of the user's groups agrees.
            case NOT_FOUND -> confirmNotMember(group, connection, accountId);
            case FORBIDDEN -> group.as(REFUSED, ReclaimTexts.refused(failure, false));
            // Nothing was sent for this attempt (the adapter's deadline); earlier attempts of it were refused with 5xx/429.
            case OUT_OF_TIME -> group.as(NOT_ATTEMPTED, ReclaimTexts.outOfTime(false));
            default -> group.as(FAILED_RESULT, ReclaimTexts.removalFailed(failure));
        };
    }

    private GroupResult confirmNotMember(GroupResult group, Connection connection, String accountId) {
        try {
            return core.memberGroups(connection, accountId).contains(group.groupId())
                    ? group.as(FAILED_RESULT, ReclaimTexts.NOT_FOUND_BUT_MEMBER)
                    : group.as(NOT_A_MEMBER, ReclaimTexts.NOT_A_MEMBER);
        } catch (UpstreamFailure unreadable) {
            return group.as(FAILED_RESULT, ReclaimTexts.NOT_FOUND_UNCONFIRMED);
        }
    }

    /** After these, the next call would fail the same way: stop instead of spending the request's time. */
    static boolean stopsTheRest(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case UNAUTHORIZED, RATE_LIMITED, UNAVAILABLE, OUT_OF_TIME -> true;
            default -> false;
        };
    }

    /**
     * The seats freed (only by groups really {@code removed}: a group the user already was not in frees nothing), the
     * stored user updated, the record settled and the user re-synced. Safe to repeat.
     */
    private ReclaimRecord settle(String tenantId, ReclaimRecord record, ReclaimBaseline baseline, boolean resync,
                                 Hashed<OrgUser> storedUser) {
        Set<String> removed = ids(record.groups(), REMOVED);
        Set<String> notMember = ids(record.groups(), NOT_A_MEMBER);
        List<FreedSeat> freed = freedSeats(record.accountId(), baseline, removed, notMember);
        Set<String> gone = new LinkedHashSet<>(removed);
        gone.addAll(notMember);
        if (!gone.isEmpty()) {
            core.updateStoredUser(tenantId, record.accountId(),
                    u -> ReclaimPlanner.withoutGroups(u, gone, baseline.groupsById()), storedUser);
        }
        BigDecimal cost = freed.stream().map(FreedSeat::monthlyPrice).filter(Objects::nonNull).reduce(BigDecimal::add).orElse(null);
        ReclaimRecord settled = record.settled(ReclaimRecord.reclaimOutcome(record.groups()), record.groups(), freed, cost);
        // A fresh run (it read the stored user to plan) counts without reading the marker first; a finisher reads it.
        core.countSavings(tenantId, settled, List.of(), storedUser != null);
        core.publishCompleted(tenantId, settled);
        core.audit.settle(tenantId, settled);
        if (resync && record.groups().stream().anyMatch(g -> !g.is(REFUSED))) {
            core.requestResync(tenantId, record.accountId(), "reclaim");
        }
        LOG.info("reclaim settled", "reclaimId", settled.id(), "status", settled.status(), "removed", removed.size(),
                "seatsFreed", freed.size());
        return settled;
    }

    /**
     * Seats whose access only the removed groups explained, once the groups the user already was not in are set aside:
     * those never held a seat we could free.
     */
    static List<FreedSeat> freedSeats(String accountId, ReclaimBaseline baseline, Set<String> removed, Set<String> notMember) {
        if (removed.isEmpty()) {
            return List.of();
        }
        OrgUser before = ReclaimPlanner.withoutGroups(baseline.user(accountId), notMember, baseline.groupsById());
        OrgUser after = ReclaimPlanner.withoutGroups(before, removed, baseline.groupsById());
        Set<String> kept = after.products().stream().map(OrgUser.ProductAccess::resourceId).collect(Collectors.toSet());
        Map<String, ReclaimPlan.ProductOutcome> outcomes = baseline.outcomes().stream()
                .collect(Collectors.toMap(ReclaimPlan.ProductOutcome::resourceId, Function.identity(), (a, b) -> a));
        return before.products().stream().filter(p -> !kept.contains(p.resourceId())).map(p -> {
            ReclaimPlan.ProductOutcome outcome = outcomes.get(p.resourceId());
            return new FreedSeat(p.resourceId(), p.key(), outcome == null ? p.key() : outcome.productName(), p.lastActive(),
                    outcome == null ? null : outcome.monthlyPrice());
        }).toList();
    }

    static Set<String> ids(List<GroupResult> groups, String... results) {
        return groups.stream().filter(g -> g.is(results)).map(GroupResult::groupId).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
