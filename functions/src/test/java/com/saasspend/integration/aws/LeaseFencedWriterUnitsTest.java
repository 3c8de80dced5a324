package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import java.util.ArrayList;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A sync page's users written as units (LeaseFencedWriter.putUnits): a user's items in one transaction, never split; the
 * page's last item (its digest) in the last transaction; a failure stops the page there, the digest unwritten.
 */
class LeaseFencedWriterUnitsTest {
    private static final SyncFence FENCE = new SyncFence("tenant", IntegrationType.ATLASSIAN, "owner");

    /** Records each transaction's item keys (lease check left out), sent and stored; answers via {@code answer}. */
    private static final class Recording implements DynamoDbClient {
        final List<List<String>> stored = new ArrayList<>();
        final List<List<String>> started = new ArrayList<>();
        /** Called with each transaction's keys before it is stored; may throw to cancel it. */
        volatile Consumer<List<String>> answer = keys -> {};

        @Override
        public TransactWriteItemsResponse transactWriteItems(Consumer<TransactWriteItemsRequest.Builder> request) {
            TransactWriteItemsRequest.Builder builder = TransactWriteItemsRequest.builder();
            request.accept(builder);
            List<TransactWriteItem> actions = builder.build().transactItems();
            assertTrue(actions.get(0).conditionCheck() != null, "the lease check comes first");
            List<String> keys = actions.stream().skip(1).map(a -> a.put().item().get(TableKeys.SK).s()).toList();
            started.add(keys);
            answer.accept(keys);
            stored.add(keys);
            return TransactWriteItemsResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static Map<String, AttributeValue> item(String sk) {
        return Map.of(TableKeys.PK, AttributeValue.fromS("p"), TableKeys.SK, AttributeValue.fromS(sk));
    }

    /** {@code users} units of {@code 1 + products} items each: "u<n>#ix<k>" index items, then "u<n>". */
    private static List<List<Map<String, AttributeValue>>> users(int users, Function<Integer, Integer> products) {
        return IntStream.range(0, users).mapToObj(u -> {
            List<Map<String, AttributeValue>> unit = new ArrayList<>();
            IntStream.range(0, products.apply(u)).forEach(k -> unit.add(item("u" + u + "#ix" + k)));
            unit.add(item("u" + u));
            return unit;
        }).toList();
    }

    private static String userOf(String sk) {
        return sk.contains("#") ? sk.substring(0, sk.indexOf('#')) : sk;
    }

    private static TransactionCanceledException cancelled(String leaseCheck, String item) {
        return TransactionCanceledException.builder().message("cancelled").cancellationReasons(
                CancellationReason.builder().code(leaseCheck).build(), CancellationReason.builder().code(item).build()).build();
    }

    @Test
    void eachUsersItemsAreStoredInOneTransactionAndTheDigestAfterAllOfThem() {
        Recording dynamo = new Recording();
        // 100 users of 2 to 5 items: 99-action transactions would split some of them.
        List<List<Map<String, AttributeValue>>> page = users(100, u -> 1 + u % 4);
        new LeaseFencedWriter(dynamo, "t", FENCE).putUnits(page, item("digest"), "attribute_not_exists(pk)", Map.of());

        List<String> all = dynamo.stored.stream().flatMap(List::stream).toList();
        assertEquals(page.stream().mapToInt(List::size).sum() + 1, all.size(), "every item written once");
        assertEquals(all.size(), new HashSet<>(all).size());
        Map<String, Integer> transactionOfUser = new java.util.HashMap<>();
        for (int t = 0; t < dynamo.stored.size(); t++) {
            List<String> keys = dynamo.stored.get(t);
            assertTrue(keys.size() <= 99, "a transaction takes the lease check and at most 99 writes");
            for (String key : keys) {
                Integer before = transactionOfUser.putIfAbsent(userOf(key), t);
                assertTrue(before == null || before == t, "user " + userOf(key) + " split across two transactions");
            }
        }
        List<String> lastStored = dynamo.stored.get(dynamo.stored.size() - 1);
        assertTrue(lastStored.contains("digest"), "the digest is in the transaction stored last");
        assertTrue(dynamo.stored.size() >= 4, "the page took several transactions: " + dynamo.stored.size());
    }

    @Test
    void aTransactionMeetingAStoredItemStopsThePageAndTheDigestIsNotWritten() {
        Recording dynamo = new Recording();
        dynamo.answer = keys -> {
            if (keys.contains("u30")) {
                throw cancelled("None", "ConditionalCheckFailed");
            }
        };
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, "t", FENCE);

        assertThrows(ConditionalCheckFailedException.class,
                () -> writer.putUnits(users(100, u -> 3), item("digest"), "attribute_not_exists(pk)", Map.of()));
        // Transactions of 24 users (96 items): the first is stored, the second fails, none is sent after it.
        assertEquals(2, dynamo.started.size());
        assertEquals(1, dynamo.stored.size());
        assertFalse(dynamo.started.stream().anyMatch(keys -> keys.contains("digest")));
    }

    @Test
    void aLostLeaseFailsThePageWithoutWriting() {
        Recording dynamo = new Recording();
        dynamo.answer = keys -> {
            throw cancelled("ConditionalCheckFailed", "None");
        };
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, "t", FENCE);

        assertThrows(SyncFencedOut.class, () -> writer.putUnits(users(100, u -> 3), item("digest"), null, Map.of()));
        assertEquals(1, dynamo.started.size());
        assertEquals(0, dynamo.stored.size());
    }

    @Test
    void aKeyWrittenTwiceIsWrittenOnceWithItsLastWrite() {
        Recording dynamo = new Recording();
        List<List<Map<String, AttributeValue>>> page = new ArrayList<>(users(60, u -> 2));
        // The same user again at the end of the page (a listing can repeat one): its later items win.
        page.add(List.of(Map.of(TableKeys.PK, AttributeValue.fromS("p"), TableKeys.SK, AttributeValue.fromS("u3"),
                "v", AttributeValue.fromS("later"))));
        new LeaseFencedWriter(dynamo, "t", FENCE).putUnits(page, item("digest"), null, Map.of());

        List<String> all = dynamo.stored.stream().flatMap(List::stream).toList();
        assertEquals(1, all.stream().filter("u3"::equals).count());
        assertEquals(new HashSet<>(all).size(), all.size());
        Set<String> inTransaction = new HashSet<>();
        dynamo.stored.forEach(keys -> assertTrue(keys.stream().allMatch(inTransaction::add)));
    }
}
