package com.saasspend.integration.domain.reclaim;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.AtlassianOrgApi;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationStore;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.OrgUser;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRequester;
import com.saasspend.integration.domain.licenses.TenantSettingsStore;
import com.saasspend.integration.domain.savings.ReclaimedSeats;
import com.saasspend.integration.domain.savings.SavingsCounter;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.LicenseStore;
import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.sync.SeatDelta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** What reclaim and undo runs share: the ports, Atlassian's truth about a user's groups, the stored user's update. */
final class ReclaimCore {
    private static final Log LOG = Log.of(ReclaimCore.class);
    /**
     * A run holds its record this long. Longer than any invocation that runs one (API 29 s, sweep 60 s), so a lease
     * that expired belongs to a run that died; a finisher then takes over.
     */
    static final Duration LEASE = Duration.ofMinutes(2);
    private static final int WRITE_ATTEMPTS = 5;

    final IntegrationStore integrations;
    final CredentialVault vault;
    final AtlassianOrgApi orgApi;
    final LicenseStore licenses;
    final ReclaimAudit audit;
    final TenantSettingsStore settings;
    final SyncRequester syncRequester;
    final SavingsCounter savings;
    final ReclaimEvents events;
    final TenantFacts facts;
    final Clock clock;

    ReclaimCore(IntegrationStore integrations, CredentialVault vault, AtlassianOrgApi orgApi, LicenseStore licenses,
                ReclaimAudit audit, TenantSettingsStore settings, SyncRequester syncRequester, SavingsCounter savings,
                ReclaimEvents events, TenantFacts facts, Clock clock) {
        this.integrations = integrations;
        this.vault = vault;
        this.orgApi = orgApi;
        this.licenses = licenses;
        this.audit = audit;
        this.settings = settings;
        this.syncRequester = syncRequester;
        this.savings = savings;
        this.events = events;
        this.facts = facts;
        this.clock = clock;
    }

    /** The org and its API key, as membership calls need them. */
    record Connection(String orgId, String apiKey) {}

    /**
     * The Atlassian connection, or empty when the tenant has none (disconnected since). The key is read from the vault,
     * not its cache: a reclaim or undo is rare and changes memberships, and a warm instance's cached key may predate a
     * rotation (Atlassian would answer 401 and the reclaim would stop, asking for a rotation already done).
     */
    Optional<Connection> connection(String tenantId) {
        return integrations.find(tenantId, IntegrationType.ATLASSIAN).filter(i -> i.status() != IntegrationStatus.DISCONNECTED)
                .map(this::connection);
    }

    /** The connection of an Atlassian integration the caller has just read (a reclaim reads them all to plan). */
    Connection connection(Integration atlassian) {
        vault.forget(atlassian.secretName());
        return new Connection(atlassian.setting("orgId"), vault.read(atlassian.secretName()).get("apiKey"));
    }

    /** Atlassian's truth: the ids of the groups the user is in now (empty when the user is no longer in the org). */
    Set<String> memberGroups(Connection connection, String accountId) {
        List<OrgUser> found = orgApi.usersById(connection.orgId(), connection.apiKey(), List.of(accountId));
        return found.stream().filter(u -> accountId.equals(u.accountId())).findFirst()
                .map(u -> u.groups().stream().map(OrgUser.GroupRef::id).collect(Collectors.toSet()))
                .orElse(Set.of());
    }

    Instant leaseUntil() {
        return clock.instant().plus(LEASE);
    }

    /**
     * Applies {@code change} to the stored user, conditionally on the hash it read; on a lost race reads the user
     * again and recomputes. Adjusts the seat summary by what actually changed. Idempotent: a finisher that applies the
     * same change again writes nothing.
     */
    void updateStoredUser(String tenantId, String accountId, UnaryOperator<OrgUser> change) {
        updateStoredUser(tenantId, accountId, change, null);
    }

    /**
     * {@code known}: the stored user as the caller read it moments ago (a fresh reclaim, to plan), tried first instead of
     * a read; the write is conditional on its hash, so if it changed since, the write fails and the user is read again.
     */
    void updateStoredUser(String tenantId, String accountId, UnaryOperator<OrgUser> change, Hashed<OrgUser> known) {
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            Optional<Hashed<OrgUser>> stored = attempt == 0 && known != null ? Optional.of(known) : licenses.user(tenantId, accountId);
            if (stored.isEmpty()) {
                return;
            }
            Hashed<OrgUser> after = AtlassianOrgSync.hashed(change.apply(stored.get().item()));
            if (after.hash().equals(stored.get().hash())) {
                return;
            }
            Instant now = clock.instant();
            if (licenses.replaceUser(tenantId, after, stored.get().hash(), now)) {
                licenses.adjustSeats(tenantId, accountId, SeatDelta.between(stored.get().item(), after.item(),
                        // The tenant's own threshold, as the sync counts seats.
                        now.minus(Duration.ofDays(facts.settings(tenantId).inactivityDays()))), now);
                return;
            }
        }
        LOG.warn("the stored user kept changing; the targeted re-sync settles it");
    }

    /**
     * The savings counters follow the record about to be settled: the seats it freed less {@code restored} (those an
     * undo put back), on the day the reclaim was made. Called before the record settles, so a settle that fails is
     * retried by a finisher and counts again, which changes nothing (the counter applies differences only).
     */
    void countSavings(String tenantId, ReclaimRecord record, List<ReclaimRecord.FreedSeat> restored) {
        countSavings(tenantId, record, restored, false);
    }

    /** {@code fresh}: the reclaim's own run settles it (not a finisher, not an undo), so it was most likely never counted. */
    void countSavings(String tenantId, ReclaimRecord record, List<ReclaimRecord.FreedSeat> restored, boolean fresh) {
        List<ReclaimRecord.FreedSeat> kept = new java.util.ArrayList<>(record.seatsFreed());
        restored.forEach(kept::remove);
        ReclaimedSeats seats = new ReclaimedSeats(record.id(), java.time.LocalDate.ofInstant(record.createdAt(), java.time.ZoneOffset.UTC),
                kept.stream().map(s -> new ReclaimedSeats.Seat(s.resourceId(), s.productKey(), s.monthlyPrice())).toList());
        if (fresh) {
            savings.countFirst(tenantId, seats);
        } else {
            savings.count(tenantId, seats);
        }
    }

    /**
     * The reclaim's {@code ReclaimCompleted}, published by whichever run settles it (the request, a retry with its key, the
     * sweep or a read), before the record is settled: a crash in between leaves it unsettled, so the next finisher
     * publishes again (at least once); a settled record is never published again (a replay publishes nothing). The
     * reclaim is done whatever the bus answers, so a publication that fails is logged, not thrown (the SDK retried it).
     */
    void publishCompleted(String tenantId, ReclaimRecord settled) {
        try {
            events.reclaimCompleted(tenantId, settled.jobId(), settled);
        } catch (RuntimeException e) {
            LOG.warn("ReclaimCompleted could not be published", "reclaimId", settled.id(), "error", e.getClass().getSimpleName());
        }
    }

    void requestResync(String tenantId, String accountId, String reason) {
        try {
            syncRequester.request(List.of(new SyncRequest(tenantId, IntegrationType.ATLASSIAN, reason, List.of(accountId))));
        } catch (RuntimeException e) {
            // The change is done and stored; the next scheduled sync confirms it instead.
            LOG.warn("targeted re-sync could not be requested", "error", e.getClass().getSimpleName());
        }
    }
}
