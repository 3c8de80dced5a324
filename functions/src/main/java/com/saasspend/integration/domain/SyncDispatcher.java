package com.saasspend.integration.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The 15-minute tick: one sync request per tenant and connected integration. Requests are published in chunks as the
 * index is read, so memory stays flat however many tenants there are.
 */
public final class SyncDispatcher {
    /** A multiple of PutEvents' 10 entries a call, so chunking never adds a call. */
    static final int CHUNK = 500;

    private final ConnectedIntegrations connected;
    private final SyncRequester requester;

    public SyncDispatcher(ConnectedIntegrations connected, SyncRequester requester) {
        this.connected = connected;
        this.requester = requester;
    }

    public record Dispatched(long integrationsRead, long requestsPublished) {}

    public Dispatched dispatch(String reason) {
        List<SyncRequest> chunk = new ArrayList<>(CHUNK);
        long[] published = {0};
        long read = connected.forEachConnected(request -> {
            chunk.add(request);
            if (chunk.size() == CHUNK) {
                requester.request(List.copyOf(chunk));
                published[0] += chunk.size();
                chunk.clear();
            }
        }, reason);
        if (!chunk.isEmpty()) {
            requester.request(List.copyOf(chunk));
            published[0] += chunk.size();
        }
        return new Dispatched(read, published[0]);
    }
}
