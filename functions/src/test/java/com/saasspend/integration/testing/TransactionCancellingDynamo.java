package com.saasspend.integration.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An in-memory DynamoDB that cancels its first {@code cancelled} transactions as a conflicting writer, throttling or a
 * failed condition would: one cancellation reason per action, as DynamoDB answers ({@code firstReason} on the first
 * action, {@code secondReason} on the second, {@code None} on the rest); the transactions after those are written.
 * Only TransactWriteItems is served.
 */
public final class TransactionCancellingDynamo implements DynamoDbClient {
    private final int cancelled;
    private final String firstReason;
    private final String secondReason;
    private int calls;
    private final List<List<TransactWriteItem>> transactions = new ArrayList<>();

    public TransactionCancellingDynamo(int cancelled, String firstReason, String secondReason) {
        this.cancelled = cancelled;
        this.firstReason = firstReason;
        this.secondReason = secondReason;
    }

    /** The transactions sent, cancelled or written. */
    public int calls() {
        return calls;
    }

    /** The actions of the written transactions, in the order sent. */
    public List<TransactWriteItem> written() {
        return transactions.stream().flatMap(List::stream).toList();
    }

    /** The written transactions' actions, one list a transaction, in the order sent. */
    public List<List<TransactWriteItem>> transactions() {
        return List.copyOf(transactions);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(Consumer<TransactWriteItemsRequest.Builder> request) {
        TransactWriteItemsRequest.Builder builder = TransactWriteItemsRequest.builder();
        request.accept(builder);
        List<TransactWriteItem> actions = builder.build().transactItems();
        calls++;
        if (calls <= cancelled) {
            List<CancellationReason> reasons = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                String code = i == 0 ? firstReason : i == 1 ? secondReason : "None";
                reasons.add(CancellationReason.builder().code(code).build());
            }
            throw TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
        }
        transactions.add(List.copyOf(actions));
        return TransactWriteItemsResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}
}
