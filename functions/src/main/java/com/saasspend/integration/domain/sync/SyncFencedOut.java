package com.saasspend.integration.domain.sync;

/**
 * A sync's write was refused because it no longer holds its lease: the integration was disconnected (the lease
 * revoked) or another invocation took over. Nothing of the refused write was stored; the sync must stop.
 */
public final class SyncFencedOut extends RuntimeException {
    public SyncFencedOut(String message) {
        super(message);
    }
}
