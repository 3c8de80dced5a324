package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.saasspend.integration.domain.IntegrationType;
import com.saasspend.integration.domain.sync.SyncFence;
import com.saasspend.integration.domain.sync.SyncFencedOut;
import com.saasspend.integration.testing.TransactionCancellingDynamo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A sync page's users written as units (LeaseFencedWriter.putUnits): a user's items in one transaction, never split; the
 * page's last item (its digest) in the last transaction; a failure stops the page there, the digest unwritten.
 */
class LeaseFencedWriterUnitsTest {
    private static final SyncFence FENCE = new SyncFence("tenant", IntegrationType.ATLASSIAN, "owner");

    /** Each written transaction's item keys (its lease check, the first action, left out). */
    private static List<List<String>> stored(TransactionCancellingDynamo dynamo) {
        return dynamo.transactions().stream().map(actions -> {
            assertTrue(actions.get(0).conditionCheck() != null, "the lease check comes first");
            return actions.stream().skip(1).map(a -> a.put().item().get(TableKeys.SK).s()).toList();
        }).toList();
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

    @Test
    void eachUsersItemsAreStoredInOneTransactionAndTheDigestInTheLast() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(0, "None", "None");
        // 100 users of 2 to 5 items: 99-action transactions would split some of them.
        List<List<Map<String, AttributeValue>>> page = users(100, u -> 1 + u % 4);
        new LeaseFencedWriter(dynamo, "t", FENCE).putUnits(page, item("digest"), "attribute_not_exists(pk)", Map.of());

        List<List<String>> stored = stored(dynamo);
        List<String> all = stored.stream().flatMap(List::stream).toList();
        assertEquals(page.stream().mapToInt(List::size).sum() + 1, all.size(), "every item written once");
        assertEquals(all.size(), new HashSet<>(all).size());
        Map<String, Integer> transactionOfUser = new java.util.HashMap<>();
        for (int t = 0; t < stored.size(); t++) {
            List<String> keys = stored.get(t);
            assertTrue(keys.size() <= 99, "a transaction takes the lease check and at most 99 writes");
            for (String key : keys) {
                Integer before = transactionOfUser.putIfAbsent(userOf(key), t);
                assertTrue(before == null || before == t, "user " + userOf(key) + " split across two transactions");
            }
        }
        assertTrue(stored.get(stored.size() - 1).contains("digest"), "the digest is in the transaction stored last");
        assertTrue(stored.size() >= 4, "the page took several transactions: " + stored.size());
    }

    @Test
    void aTransactionMeetingAStoredItemStopsThePageAndTheDigestIsNotWritten() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(1, "None", "ConditionalCheckFailed");
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, "t", FENCE);

        assertThrows(ConditionalCheckFailedException.class,
                () -> writer.putUnits(users(100, u -> 3), item("digest"), "attribute_not_exists(pk)", Map.of()));
        assertEquals(1, dynamo.calls(), "no transaction is sent after the one that met a stored item");
        assertEquals(List.of(), dynamo.written());
    }

    @Test
    void aLostLeaseFailsThePageWithoutWriting() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(1, "ConditionalCheckFailed", "None");
        LeaseFencedWriter writer = new LeaseFencedWriter(dynamo, "t", FENCE);

        assertThrows(SyncFencedOut.class, () -> writer.putUnits(users(100, u -> 3), item("digest"), null, Map.of()));
        assertEquals(1, dynamo.calls());
        assertEquals(List.of(), dynamo.written());
    }

    @Test
    void aKeyWrittenTwiceIsWrittenOnceWithItsLastWrite() {
        TransactionCancellingDynamo dynamo = new TransactionCancellingDynamo(0, "None", "None");
        List<List<Map<String, AttributeValue>>> page = new ArrayList<>(users(60, u -> 2));
        // The same user again at the end of the page (a listing can repeat one): its later items win.
        page.add(List.of(Map.of(TableKeys.PK, AttributeValue.fromS("p"), TableKeys.SK, AttributeValue.fromS("u3"),
                "v", AttributeValue.fromS("later"))));
        new LeaseFencedWriter(dynamo, "t", FENCE).putUnits(page, item("digest"), null, Map.of());

        List<String> all = stored(dynamo).stream().flatMap(List::stream).toList();
        assertEquals(1, all.stream().filter("u3"::equals).count());
        assertEquals(new HashSet<>(all).size(), all.size(), "no key written twice, in one transaction or two");
    }
}
