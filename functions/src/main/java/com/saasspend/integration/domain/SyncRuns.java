package com.saasspend.integration.domain;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.products.ProductSync;
import com.saasspend.integration.domain.savings.SavingsService;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.AtlassianUserRefresh;
import com.saasspend.integration.domain.sync.Budget;
import com.saasspend.integration.domain.sync.SyncCompletions;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.SyncResult;
import java.util.List;
import java.util.Locale;

/**
 * What a sync request leads to, for the sync workers: which sync runs (the org's, a targeted user refresh, a
 * product's), and what follows its outcome: a continuation when it ran out of time, the day's savings item after a
 * completed org run, and its announcement (IntegrationSyncCompleted, which the reclaim policies are evaluated on).
 * The handlers parse the event, call this and answer.
 */
public final class SyncRuns {
    private static final Log LOG = Log.of(SyncRuns.class);

    private final AtlassianOrgSync orgSync;
    /** Null: a targeted request runs a full sync instead (same result, more calls). */
    private final AtlassianUserRefresh userRefresh;
    private final ProductSync productSync;
    private final SyncRequester requester;
    /** Null: no savings history is written (tests of the sync alone). */
    private final SavingsService savings;
    /** Null: a completed run is announced to no one (tests of the sync alone). */
    private final SyncCompletions completions;

    public SyncRuns(AtlassianOrgSync orgSync, AtlassianUserRefresh userRefresh, ProductSync productSync,
                    SyncRequester requester, SavingsService savings, SyncCompletions completions) {
        this.orgSync = orgSync;
        this.userRefresh = userRefresh;
        this.productSync = productSync;
        this.requester = requester;
        this.savings = savings;
        this.completions = completions;
    }

    /** The org worker's sync only (tests). */
    public static SyncRuns ofOrg(AtlassianOrgSync orgSync, SyncRequester requester) {
        return new SyncRuns(orgSync, null, null, requester, null, null);
    }

    /** The product worker's sync only (tests). */
    public static SyncRuns ofProducts(ProductSync productSync, SyncRequester requester) {
        return new SyncRuns(null, null, productSync, requester, null, null);
    }

    /**
     * How a request ended. {@code outcome}: the answer's word ({@code completed}, {@code continue}..., or
     * {@code users_refreshed}, {@code unsupported}); {@code result}: the sync's result when a sync ran, else null;
     * {@code usersRefreshed}: the users a targeted refresh wrote, null when there was none.
     */
    public record Done(String outcome, SyncResult result, Integer usersRefreshed) {
        static Done of(SyncResult result) {
            return new Done(result.outcome().name().toLowerCase(Locale.ROOT), result, null);
        }
    }

    /** One request to the org sync worker; an internal error propagates (the event is retried). */
    public Done org(SyncRequest request, Budget budget) {
        if (request.type() != IntegrationType.ATLASSIAN) {
            LOG.warn("no sync worker for this integration yet", "integration", request.type().id());
            return new Done("unsupported", null, null);
        }
        if (!request.accountIds().isEmpty() && userRefresh != null) {
            return new Done("users_refreshed", null, userRefresh.refresh(request.tenantId(), request.accountIds()));
        }
        SyncResult result = orgSync.run(request.tenantId(), budget, request.full());
        if (result.outcome() == SyncOutcome.COMPLETED) {
            recordSavingsDay(request.tenantId());
            announceCompleted(request.tenantId(), result);
        }
        continueIfOutOfTime(request, result);
        return Done.of(result);
    }

    /** One request to the product sync worker; an internal error propagates (the event is retried). */
    public Done product(SyncRequest request, Budget budget) {
        SyncResult result = productSync.run(request.tenantId(), request.type(), budget);
        continueIfOutOfTime(request, result);
        return Done.of(result);
    }

    private void continueIfOutOfTime(SyncRequest request, SyncResult result) {
        if (result.outcome() == SyncOutcome.CONTINUE) {
            requester.request(List.of(new SyncRequest(request.tenantId(), request.type(), "continuation")));
        }
    }

    /** Today's savings history item, from the seat counts just completed; the sync's own result stands if it fails. */
    private void recordSavingsDay(String tenantId) {
        if (savings == null) {
            return;
        }
        try {
            savings.recordDay(tenantId);
        } catch (RuntimeException e) {
            // The next completed sync of the day overwrites the item; a day without one shows as a gap in the chart.
            LOG.warn("the savings history item could not be written", "error", e.getClass().getSimpleName());
        }
    }

    /**
     * IntegrationSyncCompleted, which the reclaim policies are evaluated on. The sync's result stands if it fails: the
     * next completed run (15 minutes) announces again, and evaluation reads the data as it is then.
     */
    private void announceCompleted(String tenantId, SyncResult result) {
        if (completions == null || result.run() == null) {
            return;
        }
        try {
            completions.completed(tenantId, result.run());
        } catch (RuntimeException e) {
            LOG.warn("IntegrationSyncCompleted could not be published", "error", e.getClass().getSimpleName());
        }
    }
}
