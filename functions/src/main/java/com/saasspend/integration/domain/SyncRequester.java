package com.saasspend.integration.domain;

import java.util.List;

/** Publishes sync requests (to the EventBridge bus in AWS); delivery is asynchronous. */
public interface SyncRequester {
    void request(List<SyncRequest> requests);
}
