package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;

import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Puts items only while a sync lease is held: each TransactWriteItems checks the lease item ({@code SYNCSTATE},
 * {@code leaseOwner = owner}) and writes up to 99 items, all or nothing. A disconnect deletes the lease item before
 * it erases the data (with strongly consistent reads), so a write either committed before the erase began (and is
 * erased) or is refused: no page written by a fenced-out sync survives, whatever the timing. Transactional writes
 * cost twice the write units of plain ones; syncs write only what changed, so the cost stays small.
 */
final class LeaseFencedWriter {
    /** TransactWriteItems takes 100 actions; one is the lease check. */
    private static final int CHUNK = 99;
    /** A transaction also cancels on a conflict with a concurrent write to one of its items (a reclaim): try again. */
    private static final int ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final SyncFence fence;

    LeaseFencedWriter(DynamoDbClient dynamo, String table, SyncFence fence) {
        this.dynamo = dynamo;
        this.table = table;
        this.fence = fence;
    }

    void put(List<Map<String, AttributeValue>> items) {
        put(items, null, Map.of());
    }

    /**
     * Puts items, each also subject to {@code condition} (null: none); a failed item condition throws
     * ConditionalCheckFailedException as a plain conditional put would.
     */
    void put(List<Map<String, AttributeValue>> items, String condition, Map<String, AttributeValue> values) {
        for (int from = 0; from < items.size(); from += CHUNK) {
            List<TransactWriteItem> actions = new ArrayList<>();
            actions.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                    .key(Map.of(TableKeys.PK, s(TableKeys.tenant(fence.tenantId())),
                            TableKeys.SK, s(TableKeys.syncState(fence.type().id()))))
                    .conditionExpression("leaseOwner = :o")
                    .expressionAttributeValues(Map.of(":o", s(fence.owner()))).build()).build());
            items.subList(from, Math.min(items.size(), from + CHUNK)).forEach(item -> {
                Put.Builder put = Put.builder().tableName(table).item(item);
                if (condition != null) {
                    put.conditionExpression(condition).expressionAttributeValues(values);
                }
                actions.add(TransactWriteItem.builder().put(put.build()).build());
            });
            send(actions);
        }
    }

    private void send(List<TransactWriteItem> actions) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(actions));
                return;
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.cancellationReasons();
                if (reasons != null && !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    throw new SyncFencedOut("The sync no longer holds its lease (the integration was disconnected, "
                            + "or another invocation took over); it stopped without writing.");
                }
                if (reasons != null && reasons.stream().skip(1).anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                    throw ConditionalCheckFailedException.builder().message("an item's condition failed").build();
                }
                if (attempt >= ATTEMPTS) {
                    throw cancelled;
                }
                sleep(50L << attempt);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
