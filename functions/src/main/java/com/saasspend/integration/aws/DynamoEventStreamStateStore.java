package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.n;
import static com.saasspend.integration.aws.Items.num;
import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.EventStreamState;
import com.saasspend.integration.domain.sync.EventStreamStateStore;
import com.saasspend.integration.domain.sync.SyncFence;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code TENANT#t / EVENTSTREAM#type}: where the incremental sync stands in the org's audit-event stream. Written only
 * by the run holding the sync lease (checked in the same transaction); tied to one connection ({@code connectedAt}), so a reconnect ignores it.
 */
public final class DynamoEventStreamStateStore implements EventStreamStateStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoEventStreamStateStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<EventStreamState> find(String tenantId, IntegrationType type) {
        Map<String, AttributeValue> item = Items.readConsistently(dynamo, table,
                Items.integrationKey(tenantId, TableKeys.eventStream(type.id())));
        if (item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EventStreamState(instant(item, "connectedAt"), str(item, "cursor"), instant(item, "pollFrom"),
                instant(item, "lastFullAt"), num(item, "lastFullCalls", 0), str(item, "streamUnavailable"),
                instant(item, "checkedAt")));
    }

    /** A transaction checking the lease item first ({@link LeaseFencedWriter}): a run that lost its lease writes nothing. */
    @Override
    public void save(SyncFence heldBy, EventStreamState state) {
        Map<String, AttributeValue> item = new HashMap<>(Items.integrationKey(heldBy.tenantId(),
                TableKeys.eventStream(heldBy.type().id())));
        putInstant(item, "connectedAt", state.connectedAt());
        if (state.cursor() != null) {
            item.put("cursor", s(state.cursor()));
        }
        putInstant(item, "pollFrom", state.pollFrom());
        putInstant(item, "lastFullAt", state.lastFullAt());
        item.put("lastFullCalls", n(state.lastFullCalls()));
        if (state.streamUnavailable() != null) {
            item.put("streamUnavailable", s(state.streamUnavailable()));
        }
        putInstant(item, "checkedAt", state.checkedAt());
        new LeaseFencedWriter(dynamo, table, heldBy).put(List.of(item));
    }

    /** ISO-8601 text: exact to the nanosecond, so {@code connectedAt} compares equal to the integration's own. */
    private static void putInstant(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = str(item, name);
        return v == null ? null : Instant.parse(v);
    }
}
