package com.saasspend.integration.domain.sync;

import com.saasspend.integration.common.Log;
import com.saasspend.integration.domain.CredentialVault;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.PagingGuard;
import com.saasspend.integration.domain.UpstreamFailure;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One invocation's share of a sync run: the run skeleton every sync shares (the org's listing and each product's).
 * The checkpoint is saved at every page boundary (which renews the lease); the listing being paged has one page guard
 * seeded from it; inside long pages the budget is checked and the lease renewed; API calls are counted across the
 * run's invocations; out of time, the run saves its place and gives the lease back for a continuation, up to
 * {@link #MAX_INVOCATIONS}; and {@link #complete} ends every invocation the same way (fenced out, out of time, a 401
 * under a rotated credential, an upstream failure, an internal error). A sync adds its listings and its rules: what a
 * page does, and what each failure tells the tenant ({@link #fail}).
 */
public abstract class CheckpointedRun {
    private static final Log LOG = Log.of(CheckpointedRun.class);
    /**
     * Invocations one run may take. At 100 items a page and ~13 minutes an invocation this is far beyond any org or
     * product; a run that needs more is not converging (an upstream that keeps timing out), so it ends in error.
     */
    public static final int MAX_INVOCATIONS = 48;

    protected final String tenantId;
    protected final IntegrationType type;
    protected final SyncLease held;
    private final Clock clock;
    private final LongSupplier apiCallCounter;
    private final long callsAtStart;
    /** API calls of the run's earlier invocations. */
    private final long callsBefore;
    /**
     * Where the run stands as stored. Volatile: a sync that stores its pages on a thread of its own (the org sync's
     * {@link BackgroundStore}) advances it there, and reads it on the fetching side only after waiting for that store.
     */
    protected volatile SyncCheckpoint checkpoint;
    protected Budget budget = Budget.unlimited();
    /** The guard of the listing being paged, seeded where its fetching stands; null before its first page here. */
    private PagingGuard guard;
    /**
     * Pages (or steps) this invocation has taken on: each ends stored, or fails the run. Only the fetching side
     * counts them (when the page is done, or handed to a store thread), so {@link #checkTime} reads its own count.
     */
    private int taken;

    protected CheckpointedRun(String tenantId, IntegrationType type, SyncLease held, SyncCheckpoint checkpoint,
                              LongSupplier apiCallCounter, Clock clock) {
        this.tenantId = tenantId;
        this.type = type;
        this.held = held;
        this.checkpoint = checkpoint;
        this.apiCallCounter = apiCallCounter;
        this.clock = clock;
        this.callsAtStart = apiCallCounter.getAsLong();
        this.callsBefore = checkpoint.apiCalls();
    }

    /** The invocation's time is nearly up inside a page: stop at the last page boundary. */
    public static final class OutOfTime extends RuntimeException {
        public OutOfTime() {
            super("out of time", null, false, false);
        }
    }

    /** What an upstream failure ends the run with: the sync's own words for the tenant, its status and checkpoint. */
    protected abstract SyncResult fail(UpstreamFailure failure);

    /** The run took {@link #MAX_INVOCATIONS}: ends it (usually {@link #endInError}). */
    protected abstract SyncResult outOfInvocations();

    /** The status text after an internal error (the event is retried from the checkpoint). */
    protected abstract String internalErrorMessage();

    /**
     * Runs {@code body} (the invocation's pages) and ends the invocation as every sync does. Answers null when
     * {@code body} met a 401 while the vault holds a newer credential than {@code usedThis} (rotated while this warm
     * instance held the old one): the checkpoint is saved and the lease given back, and the caller retries once.
     */
    public final SyncResult complete(Supplier<SyncResult> body, CredentialVault vault, String secretName,
                                     Predicate<Map<String, String>> usedThis, boolean freshCredentialTried) {
        try {
            return body.get();
        } catch (SyncFencedOut fenced) {
            return fencedOut();
        } catch (OutOfTime outOfTime) {
            return pause();
        } catch (UpstreamFailure failure) {
            if (failure.kind() == UpstreamFailure.Kind.UNAUTHORIZED && !freshCredentialTried
                    && CredentialVault.newerThanUsed(vault, secretName, usedThis)) {
                saveQuietly();
                held.release();
                LOG.info("the upstream rejected the cached credential and a newer one is stored; retrying once with it",
                        "integration", type.id());
                return null;
            }
            // A call refused for lack of time was not sent: the next invocation picks up at the page boundary.
            return failure.kind() == UpstreamFailure.Kind.OUT_OF_TIME ? pause() : fail(failure);
        } catch (RuntimeException unexpected) {
            // Lambda retries the event: it resumes at the last page boundary.
            saveQuietly();
            held.release();
            held.recordStatus(IntegrationStatus.ERROR, null, internalErrorMessage(), false);
            throw unexpected;
        }
    }

    protected final long apiCalls() {
        return callsBefore + apiCallCounter.getAsLong() - callsAtStart;
    }

    /** The page guard of the current listing; a listing entered or restarted gets a new one, seeded from the checkpoint. */
    protected final PagingGuard guard(String listing) {
        return guard(listing, checkpoint.cursor(), checkpoint.page());
    }

    /**
     * The same, seeded from where the fetching stands ({@code cursor}, {@code page}) when it reads ahead of the
     * checkpoint (a page being stored meanwhile).
     */
    protected final PagingGuard guard(String listing, String cursor, int page) {
        if (guard == null || !guard.listing().equals(listing)) {
            guard = PagingGuard.of(listing).resumingAt(cursor, page);
        }
        return guard;
    }

    /** The listing starts again from its first page (an expired cursor), with a fresh guard. */
    protected final void restartListing() {
        guard = null;
        advance(checkpoint.restartedListing());
    }

    /** Inside long pages: stop at the last page boundary when time is nearly out, and keep the lease alive. */
    protected final void checkTime() {
        // An invocation always finishes its first page, so a run progresses whatever the budget says (a call
        // that would outlive the function is still stopped by the client: OUT_OF_TIME).
        if (taken > 0 && budget.nearlyOut()) {
            throw new OutOfTime();
        }
        held.renewIfDue();
    }

    /** The page is done: the checkpoint says where the next one starts, and is saved. */
    protected final void advance(SyncCheckpoint next) {
        tookOn();
        stored(next);
    }

    /**
     * On the fetching side: a page was handed to a store thread, and will end stored or fail the run (the invocation
     * always finishes its first page; the next one may stop on time).
     */
    protected final void tookOn() {
        taken++;
    }

    /**
     * A page taken on earlier ({@link #tookOn}) is stored, on whichever thread stored it: the checkpoint says where
     * the next one starts, and is saved.
     */
    protected final void stored(SyncCheckpoint next) {
        checkpoint = next;
        save();
    }

    private void save() {
        held.save(checkpoint.withProgress(checkpoint.counts(), apiCalls(), checkpoint.usersWritten(),
                checkpoint.groupsWritten(), checkpoint.usersSeen(), checkpoint.groupsSeen()));
    }

    protected final void saveQuietly() {
        try {
            save();
        } catch (RuntimeException e) {
            LOG.warn("checkpoint could not be saved", "error", e.getClass().getSimpleName());
        }
    }

    /**
     * Out of time: continue in the next invocation from the last page boundary (the checkpoint in memory is the
     * one saved there: a page changes it only once all its calls are done), unless the run took too many.
     */
    protected final SyncResult pause() {
        if (checkpoint.invocations() >= MAX_INVOCATIONS) {
            return outOfInvocations();
        }
        save();
        held.release();
        LOG.info("sync continues in the next invocation", "integration", type.id(), "phase", checkpoint.phase(),
                "page", checkpoint.page());
        return new SyncResult(SyncOutcome.CONTINUE, null);
    }

    /** Records the run, and removes its checkpoint and lease: the next run starts from the beginning. */
    protected final SyncRunRecord record(String outcome, long removed, String error) {
        SyncRunRecord record = new SyncRunRecord(checkpoint.runId(), type, checkpoint.startedAt(), clock.instant(), outcome,
                checkpoint.usersSeen(), checkpoint.groupsSeen(), checkpoint.usersWritten(), checkpoint.groupsWritten(),
                removed, apiCalls(), checkpoint.invocations(), error);
        held.finish(record);
        return record;
    }

    /** Every listing was complete: records the run and shows the integration connected. */
    protected final SyncResult completed(long removed) {
        SyncRunRecord record = record("completed", removed, null);
        held.recordStatus(IntegrationStatus.CONNECTED, record.finishedAt(), null, false);
        return new SyncResult(SyncOutcome.COMPLETED, record);
    }

    /**
     * Ends the run in error for good: records it as {@code outcome}, discards the checkpoint and frees the lease (the
     * next tick starts from a clean start, not from the place that failed), removes nothing; {@code paused}: syncing
     * waits for a rotated credential.
     */
    protected final SyncResult endInError(String outcome, String message, UpstreamFailure.Kind kind, boolean paused) {
        SyncRunRecord record = record(outcome, 0, message);
        held.recordStatus(IntegrationStatus.ERROR, null, message, paused);
        LOG.warn("sync ended in error", "integration", type.id(), "kind", kind, "phase", checkpoint.phase(),
                "page", checkpoint.page());
        return new SyncResult(SyncOutcome.FAILED, record).failedBy(kind);
    }

    /** The lease is gone: write nothing more, not even the status (the integration may be gone, or another run owns it). */
    private SyncResult fencedOut() {
        LOG.warn("sync lost its lease and stopped", "integration", type.id(), "phase", checkpoint.phase(),
                "page", checkpoint.page());
        return new SyncResult(SyncOutcome.FENCED, null);
    }
}
