package com.saasspend.integration.domain.sync;

import com.saasspend.integration.domain.IntegrationType;
import java.time.Instant;

/**
 * What the org sync's unit tests stand on, by extending this: one tenant's org integration, the sync state, license
 * store and integration records in memory, and a clock the test moves.
 */
public abstract class InMemorySyncStores {
    protected static final String TENANT = "t";
    protected static final IntegrationType ORG = IntegrationType.ATLASSIAN;

    /** Past the default daily window (02:00-06:00 UTC), so no daily full listing falls inside a test. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    protected final InMemorySyncState state = new InMemorySyncState(clock);
    protected final InMemoryLicenseStore store = new InMemoryLicenseStore(state);
    protected final InMemoryIntegrations integrations = new InMemoryIntegrations();
}
