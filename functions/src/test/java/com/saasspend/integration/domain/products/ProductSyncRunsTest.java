package com.saasspend.integration.domain.products;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.saasspend.integration.domain.Integration;
import com.saasspend.integration.domain.IntegrationStatus;
import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.SyncRequest;
import com.saasspend.integration.domain.SyncRuns;
import com.saasspend.integration.domain.sync.InMemoryIntegrations;
import com.saasspend.integration.domain.sync.InMemorySyncState;
import com.saasspend.integration.domain.sync.MutableClock;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.integration.domain.sync.SyncStateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a request to the product sync worker leads to ({@link SyncRuns#product}): the product's sync, and its continuation. */
class ProductSyncRunsTest {
    private static final String TENANT = "t";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final InMemorySyncState state = new InMemorySyncState(clock);
    private final InMemoryIntegrations integrations = new InMemoryIntegrations();
    private final ProductFakes apis = new ProductFakes();
    private final List<SyncRequest> continuations = new ArrayList<>();
    private final SyncRuns runs = SyncRuns.ofProducts(new ProductSync(apis, new InMemoryProductStore(state), state, integrations,
            ProductFakes.vault(), () -> apis.calls, clock, SyncStateStore.LEASE), continuations::addAll);

    ProductSyncRunsTest() {
        for (int i = 0; i < 5; i++) {
            apis.trello.add(i, "m" + i, i % 2 == 0);
        }
        integrations.records.put(IntegrationType.TRELLO, new Integration(TENANT, IntegrationType.TRELLO, IntegrationStatus.CONNECTED,
                Map.of("enterpriseId", "ent"), "secret", null, clock.instant(), "admin", null, null, false, 1));
    }

    @Test
    void aProductRunOutOfTimeAsksForOneContinuationOfThatProduct() {
        SyncRuns.Done done = runs.product(new SyncRequest(TENANT, IntegrationType.TRELLO, "schedule"), () -> true);

        assertEquals("continue", done.outcome());
        assertEquals(SyncOutcome.CONTINUE, done.result().outcome());
        assertNull(done.usersRefreshed());
        assertEquals(List.of(new SyncRequest(TENANT, IntegrationType.TRELLO, "continuation")), continuations);
    }

    @Test
    void aCompletedProductRunAsksForNoContinuation() {
        SyncRuns.Done done = runs.product(new SyncRequest(TENANT, IntegrationType.TRELLO, "schedule"), () -> false);

        assertEquals("completed", done.outcome());
        assertEquals(SyncOutcome.COMPLETED, done.result().outcome());
        assertEquals(List.of(), continuations);
    }
}
