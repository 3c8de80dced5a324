package com.saasspend.integration.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.saasspend.integration.domain.sync.Hashed;
import com.saasspend.integration.domain.products.ProductGroup;
import com.saasspend.integration.domain.products.ProductListing;
import com.saasspend.integration.testing.AwsEmulator;
import com.saasspend.integration.testing.EmulatedAws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Groups too big for one DynamoDB item: stored in member buckets, read back whole, and rewritten bucket by bucket. */
@ExtendWith(AwsEmulator.class)
class DynamoProductStoreIT {
    private static final ProductListing JIRA_GROUPS = ProductListing.JIRA_GROUPS;
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private static List<String> accounts(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(String.format("712020:%08d-9a4d-4f7e-8c35-1d2a3b4c5e6f", i));
        }
        return ids;
    }

    private static Hashed<ProductGroup> group(List<String> members, List<String> inactive) {
        return new Hashed<>(new ProductGroup("g-big", "jira-software-users", members, inactive), "hash-" + members.size() + "-" + members.hashCode());
    }

    /** The big group's member buckets, by sort key. */
    private static Map<String, String> buckets(EmulatedAws aws) {
        Map<String, String> buckets = new java.util.TreeMap<>(aws.dumpPartition("TENANT#t#LICENSES"));
        buckets.keySet().removeIf(sk -> !sk.startsWith("PRODUCTSYNC#jira#GROUPMEMBERS#g-big#"));
        return buckets;
    }

    private static long chunkItems(EmulatedAws aws, String tenant) {
        return aws.dynamo.query(r -> r.tableName(aws.table).keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("TENANT#" + tenant + "#LICENSES"),
                        ":p", AttributeValue.fromS("PRODUCTSYNC#jira#GROUPMEMBERS#g-big#")))).count();
    }

    @Test
    void aBigGroupIsStoredInBucketsReadBackWholeAndAChangeRewritesOneBucket() {
        EmulatedAws aws = new EmulatedAws();
        DynamoProductStore store = new DynamoProductStore(aws.dynamo, aws.table);
        List<String> members = accounts(4500);
        store.putGroup("t", JIRA_GROUPS, group(members, members.subList(0, 10)), NOW);
        assertEquals(4, DynamoProductStore.bucketsFor(4500));
        assertEquals(4, chunkItems(aws, "t"));
        ProductGroup stored = store.groups("t", JIRA_GROUPS).get("g-big");
        assertEquals(members, stored.memberIds());
        assertEquals(members.subList(0, 10), stored.inactiveMemberIds());
        assertEquals(Map.of("g-big", "hash-4500-" + members.hashCode()), store.storedHashes("t", JIRA_GROUPS, List.of("g-big")));

        // One member leaves: the header is invalidated, one bucket and the header are written.
        List<String> fewer = new ArrayList<>(members);
        fewer.remove(1234);
        Map<String, String> bucketsBefore = buckets(aws);
        store.putGroup("t", JIRA_GROUPS, group(fewer, members.subList(0, 10)), NOW);
        Map<String, String> bucketsAfter = buckets(aws);
        assertEquals(bucketsBefore.keySet(), bucketsAfter.keySet());
        assertEquals(1, bucketsBefore.keySet().stream().filter(k -> !bucketsBefore.get(k).equals(bucketsAfter.get(k))).count(),
                "one bucket rewritten");
        assertEquals(fewer, store.groups("t", JIRA_GROUPS).get("g-big").memberIds());

        // Shrunk below one item's worth: inline again, and the buckets are deleted.
        store.putGroup("t", JIRA_GROUPS, group(members.subList(0, 30), List.of()), NOW);
        assertEquals(0, chunkItems(aws, "t"));
        assertEquals(members.subList(0, 30), store.groups("t", JIRA_GROUPS).get("g-big").memberIds());
        assertFalse(store.groups("t", JIRA_GROUPS).get("g-big").memberIds().contains(members.get(40)));
    }

    @Test
    void bucketCountsArePowersOfTwoHoldingAtMostAChunkOnAverage() {
        assertEquals(2, DynamoProductStore.bucketsFor(DynamoProductStore.CHUNK + 1));
        assertEquals(2, DynamoProductStore.bucketsFor(2 * DynamoProductStore.CHUNK));
        assertEquals(4, DynamoProductStore.bucketsFor(2 * DynamoProductStore.CHUNK + 1));
        assertEquals(64, DynamoProductStore.bucketsFor(100_000));
    }
}
