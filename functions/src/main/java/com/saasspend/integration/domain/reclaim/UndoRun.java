package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.OrgGroup;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.UpstreamFailure;
import com.saasspend.integration.domain.reclaim.ReclaimCore.Connection;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.GroupResult;
import com.saasspend.integration.domain.reclaim.ReclaimRecord.Undo;
import com.saasspend.integration.domain.sync.Budget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.saasspend.integration.domain.reclaim.ReclaimRecord.ALREADY_MEMBER;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.FAILED_RESULT;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.NOT_ATTEMPTED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.PENDING;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.REFUSED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.RESTORED;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.RESTORING;
import static com.saasspend.integration.domain.reclaim.ReclaimRecord.SEAT_LIMIT_REACHED;

/**
 * The undo as a resumable state machine, like {@link ReclaimRun}: it puts the user back in every group any run of the
 * reclaim removed. A resumed or retried one starts from Atlassian's truth (the user's groups now); each records {@code restoring} before each add
 * and the outcome after, and settles completed, partial or failed. A partial or failed undo is retried in place, for
 * the groups not yet back. A 409 is read by its code: license limit exceeded is {@code seat_limit_reached} (the user is
 * not back), anything else is checked against the user's groups.
 */
final class UndoRun {
    private static final Log LOG = Log.of(UndoRun.class);
    static final String[] LICENSE_LIMIT_CODES = {"ADMIN-409-3", "ADMIN-UAM-409-3"};

    private final ReclaimCore core;

    UndoRun(ReclaimCore core) {
        this.core = core;
    }

    /** The groups an undo puts back: every membership that a run of this reclaim removed. */
    static List<GroupResult> targets(ReclaimRecord record) {
        return record.groups().stream().filter(g -> g.is(ReclaimRecord.REMOVED)).map(g -> g.as(PENDING, null)).toList();
    }

    /**
     * A new undo, or a retry of a partial/failed one (the groups not back become pending again), or the continuation of
     * an interrupted one. The caller holds the record's lease.
     */
    ReclaimRecord run(String tenantId, String actor, ReclaimRecord record, Connection connection, Budget budget) {
        return run(tenantId, actor, record, connection, budget, true);
    }

    /** {@code resync}: false when the caller requests the targeted re-sync itself (a bulk job, in batches). */
    ReclaimRecord run(String tenantId, String actor, ReclaimRecord record, Connection connection, Budget budget, boolean resync) {
        Undo undo;
        if (record.undo() == null) {
            undo = new Undo(actor, core.clock.instant(), ReclaimRecord.IN_PROGRESS, targets(record), 0);
        } else if (record.undoInProgress()) {
            undo = record.undo();
        } else {
            undo = new Undo(actor, core.clock.instant(), ReclaimRecord.IN_PROGRESS, record.undo().groups().stream()
                    .map(g -> g.is(RESTORED, ALREADY_MEMBER) ? g : g.as(PENDING, null)).toList(), record.undo().seatsRestored());
        }
        ReclaimRecord current = record.withUndo(undo);
        core.audit.put(tenantId, current);

        // Atlassian's truth first only when an earlier run may have sent adds (interrupted, or retried after a partial
        // or failed run): a "restoring" group the user is in now went through. A fresh undo sends its adds straight
        // away, one call per group (the floor): an add of a member answers 409, which is checked per group below.
        Set<String> memberOf = null;
        if (record.undo() != null) {
            try {
                memberOf = core.memberGroups(connection, record.accountId());
            } catch (UpstreamFailure unreadable) {
                // Without the truth the adds still settle it, as for a fresh undo.
            }
        }
        List<GroupResult> groups = new ArrayList<>(undo.groups());
        String stoppedBecause = null;
        for (int i = 0; i < groups.size(); i++) {
            GroupResult group = groups.get(i);
            if (group.is(RESTORED, ALREADY_MEMBER)) {
                continue;
            }
            if (stoppedBecause != null) {
                groups.set(i, group.as(NOT_ATTEMPTED, stoppedBecause));
                continue;
            }
            if (memberOf != null && memberOf.contains(group.groupId())) {
                // Restoring: an interrupted run's add went through.
                groups.set(i, group.is(RESTORING) ? group.as(RESTORED, null) : group.as(ALREADY_MEMBER, ReclaimTexts.ALREADY_MEMBER));
                core.audit.put(tenantId, current.withUndo(undo.withGroups(groups)));
                continue;
            }
            if (budget.nearlyOut()) {
                stoppedBecause = ReclaimTexts.outOfTime(true);
                groups.set(i, group.as(NOT_ATTEMPTED, stoppedBecause));
                continue;
            }
            groups.set(i, group.as(RESTORING, null));
            core.audit.put(tenantId, current.withUndo(undo.withGroups(groups)));
            GroupResult outcome;
            try {
                core.orgApi.addMembership(connection.orgId(), connection.apiKey(), directoryOf(tenantId, record, group.groupId()),
                        group.groupId(), record.accountId());
                outcome = group.as(RESTORED, null);
            } catch (UpstreamFailure failure) {
                outcome = failed(group, failure, connection, record.accountId());
                if (failure.kind() == UpstreamFailure.Kind.OUT_OF_TIME) {
                    stoppedBecause = ReclaimTexts.outOfTime(true);
                } else if (ReclaimRun.stopsTheRest(failure)) {
                    stoppedBecause = ReclaimTexts.stoppedEarlier(failure.getMessage(), true);
                }
            }
            groups.set(i, outcome);
            core.audit.put(tenantId, current.withUndo(undo.withGroups(groups)));
        }
        return settle(tenantId, current, undo.withGroups(groups), resync);
    }

    private String directoryOf(String tenantId, ReclaimRecord record, String groupId) {
        return core.audit.baseline(tenantId, record.id()).map(b -> b.directoryOf(groupId))
                .orElseGet(() -> core.licenses.groups(tenantId, List.of(groupId)).values().stream().findFirst()
                        .map(OrgGroup::membershipDirectory).orElse("-"));
    }

    private GroupResult failed(GroupResult group, UpstreamFailure failure, Connection connection, String accountId) {
        return switch (failure.kind()) {
            case CONFLICT -> failure.hasCode(LICENSE_LIMIT_CODES) ? group.as(SEAT_LIMIT_REACHED, ReclaimTexts.SEAT_LIMIT)
                    : confirmMember(group, connection, accountId);
            case NOT_FOUND -> group.as(FAILED_RESULT, ReclaimTexts.GROUP_OR_USER_GONE);
            case FORBIDDEN -> group.as(REFUSED, ReclaimTexts.refused(failure, true));
            case OUT_OF_TIME -> group.as(NOT_ATTEMPTED, ReclaimTexts.outOfTime(true));
            default -> group.as(FAILED_RESULT, ReclaimTexts.undoFailed(failure));
        };
    }

    /** Atlassian's other 409 means "already a member": believed only when the user's groups say so. */
    private GroupResult confirmMember(GroupResult group, Connection connection, String accountId) {
        try {
            return core.memberGroups(connection, accountId).contains(group.groupId())
                    ? group.as(ALREADY_MEMBER, ReclaimTexts.ALREADY_MEMBER)
                    : group.as(FAILED_RESULT, ReclaimTexts.CONFLICT_NOT_MEMBER);
        } catch (UpstreamFailure unreadable) {
            return group.as(FAILED_RESULT, ReclaimTexts.CONFLICT_NOT_MEMBER);
        }
    }

    /**
     * Seats restored: those the reclaim freed that a group the user is back in grants again. The stored user follows,
     * and the user is re-synced. Safe to repeat.
     */
    private ReclaimRecord settle(String tenantId, ReclaimRecord record, Undo undo, boolean resync) {
        Set<String> back = ReclaimRun.ids(undo.groups(), RESTORED, ALREADY_MEMBER);
        Map<String, OrgGroup> groups = core.audit.baseline(tenantId, record.id()).map(ReclaimBaseline::groupsById)
                .filter(m -> m.keySet().containsAll(back)).orElseGet(() -> core.licenses.groups(tenantId, back));
        List<OrgUser.ProductAccess> seats = record.seatsFreed().stream()
                .map(s -> new OrgUser.ProductAccess(s.productKey(), s.resourceId(), s.lastActive())).toList();
        List<ReclaimRecord.FreedSeat> restoredSeats = record.seatsFreed().stream().filter(seat -> back.stream().map(groups::get)
                .anyMatch(g -> g != null && ReclaimPlanner.grantsAccess(g, seat.resourceId()))).toList();
        int restored = restoredSeats.size();
        if (!back.isEmpty()) {
            List<OrgUser.GroupRef> refs = undo.groups().stream().filter(g -> back.contains(g.groupId()))
                    .map(g -> new OrgUser.GroupRef(g.groupId(), g.name())).toList();
            core.updateStoredUser(tenantId, record.accountId(), u -> ReclaimPlanner.withGroupsRestored(u, refs, seats, groups));
        }
        ReclaimRecord settled = record.withUndo(undo.settled(ReclaimRecord.undoOutcome(undo.groups()), restored));
        core.countSavings(tenantId, settled, restoredSeats);
        core.audit.settle(tenantId, settled);
        if (resync) {
            core.requestResync(tenantId, record.accountId(), "reclaim-undo");
        }
        LOG.info("undo settled", "reclaimId", settled.id(), "status", settled.undo().status(), "seatsRestored", restored);
        return settled;
    }
}
