package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.EventStreamState;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.domain.sync.SyncStateStore;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The audit-event stream position on moto: written only under the org sync's lease, as its checkpoint is. */
@ExtendWith(AwsEmulator.class)
class DynamoEventStreamStateStoreIT {
    private static final String TENANT = "tenant-stream";
    private static final IntegrationType ORG = IntegrationType.ATLASSIAN;
    private static final Instant CONNECTED = Instant.parse("2026-11-30T10:00:00Z");

    private final EmulatedAws aws = new EmulatedAws();
    private final DynamoSyncStateStore leases = new DynamoSyncStateStore(aws.dynamo, aws.table);
    private final DynamoEventStreamStateStore streams = new DynamoEventStreamStateStore(aws.dynamo, aws.table);

    @AfterEach
    void drop() {
        aws.deleteTable();
    }

    private static EventStreamState polledTo(String cursor) {
        return EventStreamState.afterFullListing(CONNECTED, CONNECTED, 10, null).polledTo(cursor);
    }

    private static SyncFence heldBy(String owner) {
        return new SyncFence(TENANT, ORG, owner);
    }

    @Test
    void aRunThatLostItsLeaseCannotMoveThePositionBackNorWriteItAfterADisconnect() {
        Instant now = Instant.now();
        assertTrue(leases.acquire(TENANT, ORG, "late", now.plus(SyncStateStore.LEASE), now));
        streams.save(heldBy("late"), polledTo("1"));
        // The late run stalls past its lease; the next invocation takes it over and reads further.
        Instant later = now.plus(SyncStateStore.LEASE).plusSeconds(60);
        assertTrue(leases.acquire(TENANT, ORG, "takeover", later.plus(SyncStateStore.LEASE), later));
        streams.save(heldBy("takeover"), polledTo("3"));

        assertThrows(SyncFencedOut.class, () -> streams.save(heldBy("late"), polledTo("2")));
        assertEquals("3", streams.find(TENANT, ORG).orElseThrow().cursor(), "not moved back");

        leases.release(TENANT, ORG, "takeover");
        assertThrows(SyncFencedOut.class, () -> streams.save(heldBy("takeover"), polledTo("4")), "a released lease fences too");

        assertTrue(leases.acquire(TENANT, ORG, "erased", later, later));
        new DynamoLicenseDataEraser(aws.dynamo, aws.table).eraseSyncedData(TENANT);
        assertThrows(SyncFencedOut.class, () -> streams.save(heldBy("erased"), polledTo("5")));
        assertTrue(streams.find(TENANT, ORG).isEmpty(), "nothing of the disconnected org is written back");
    }
}
