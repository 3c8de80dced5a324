package com.saasspend.integration.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The tick publishes one request per connected integration, in chunks of {@link SyncDispatcher#CHUNK}, nothing twice. */
class SyncDispatcherTest {
    /** {@code count} connected integrations (tenant-0 ... tenant-n), read as {@code itemsRead} index items. */
    private static ConnectedIntegrations connected(int count, long itemsRead, List<String> reasons) {
        return (Consumer<SyncRequest> onEach, String reason) -> {
            reasons.add(reason);
            for (int i = 0; i < count; i++) {
                onEach.accept(new SyncRequest("tenant-" + i, IntegrationType.values()[i % IntegrationType.values().length], reason));
            }
            return itemsRead;
        };
    }

    private final List<List<SyncRequest>> published = new ArrayList<>();

    private SyncDispatcher.Dispatched dispatch(int count, long itemsRead) {
        List<String> reasons = new ArrayList<>();
        SyncDispatcher.Dispatched dispatched = new SyncDispatcher(connected(count, itemsRead, reasons),
                requests -> published.add(requests)).dispatch("schedule");
        assertEquals(List.of("schedule"), reasons, "the reason is handed to every request");
        return dispatched;
    }

    @Test
    void nothingConnectedPublishesNothing() {
        assertEquals(new SyncDispatcher.Dispatched(3, 0), dispatch(0, 3));
        assertEquals(List.of(), published, "no empty PutEvents call");
    }

    @Test
    void fewerThanAChunkArePublishedInOneCallInOrder() {
        assertEquals(new SyncDispatcher.Dispatched(7, 7), dispatch(7, 7));
        assertEquals(1, published.size());
        assertEquals(List.of("tenant-0", "tenant-1", "tenant-2", "tenant-3", "tenant-4", "tenant-5", "tenant-6"),
                published.get(0).stream().map(SyncRequest::tenantId).toList());
    }

    @Test
    void exactlyAChunkIsOneCallAndOneMoreStartsTheNext() {
        assertEquals(new SyncDispatcher.Dispatched(SyncDispatcher.CHUNK, SyncDispatcher.CHUNK), dispatch(SyncDispatcher.CHUNK, SyncDispatcher.CHUNK));
        assertEquals(List.of(SyncDispatcher.CHUNK), published.stream().map(List::size).toList());

        published.clear();
        int many = 2 * SyncDispatcher.CHUNK + 1;
        assertEquals(new SyncDispatcher.Dispatched(many, many), dispatch(many, many));
        assertEquals(List.of(SyncDispatcher.CHUNK, SyncDispatcher.CHUNK, 1), published.stream().map(List::size).toList());
        List<String> tenants = published.stream().flatMap(List::stream).map(SyncRequest::tenantId).toList();
        assertEquals(many, tenants.stream().distinct().count(), "every integration once");
        assertEquals("tenant-" + (many - 1), tenants.get(many - 1));
    }

    @Test
    void aPublishedChunkIsNotChangedByTheChunksAfterIt() {
        dispatch(SyncDispatcher.CHUNK + 2, 0);
        assertEquals("tenant-0", published.get(0).get(0).tenantId(), "a copy was handed over, not the buffer reused");
        assertEquals("tenant-" + SyncDispatcher.CHUNK, published.get(1).get(0).tenantId());
    }
}
