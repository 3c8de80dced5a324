package com.saasspend.integration.aws;

import static com.saasspend.integration.aws.Items.s;
import static com.saasspend.integration.aws.Items.str;

import com.saasspend.integration.domain.sync.PageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Page digests as items, for the org sync and the product syncs alike: compact "id hash" lines keep a page of 100
 * near 4 KB, one read unit; sort keys end in the zero-padded page number, so a query returns them in page order.
 */
final class DigestItems {
    private DigestItems() {}

    /** Adds the digest's attributes to an item that already holds its key. */
    static Map<String, AttributeValue> write(Map<String, AttributeValue> item, PageDigest digest) {
        item.put("runId", s(digest.runId()));
        StringBuilder entries = new StringBuilder();
        digest.entries().forEach(e -> entries.append(e.id()).append(' ').append(e.hash()).append('\n'));
        item.put("entries", s(entries.toString()));
        if (!digest.left().isEmpty()) {
            item.put("left", s(String.join("\n", digest.left())));
        }
        return item;
    }

    static PageDigest read(Map<String, AttributeValue> item) {
        List<PageDigest.Entry> entries = new ArrayList<>();
        String text = str(item, "entries");
        if (text != null) {
            for (String line : text.split("\n")) {
                int space = line.lastIndexOf(' ');
                if (space > 0) {
                    entries.add(new PageDigest.Entry(line.substring(0, space), line.substring(space + 1)));
                }
            }
        }
        String left = str(item, "left");
        return new PageDigest(str(item, "runId"), entries, left == null || left.isEmpty() ? List.of() : List.of(left.split("\n")));
    }

    /** Every digest whose sort key starts with {@code prefix} (followed by the page number), in page order. */
    static void forEach(DynamoDbClient dynamo, String table, String pk, String prefix, BiConsumer<Integer, PageDigest> onDigest) {
        forEachItem(dynamo, table, pk, prefix,
                item -> onDigest.accept(Integer.parseInt(str(item, TableKeys.SK).substring(prefix.length())), read(item)));
    }

    /** {@link #forEach} as stored items, for a store that keeps its own attributes on its digests. */
    static void forEachItem(DynamoDbClient dynamo, String table, String pk, String prefix,
                            java.util.function.Consumer<Map<String, AttributeValue>> onItem) {
        dynamo.queryPaginator(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(pk), ":p", s(prefix))))
                .items()
                .forEach(onItem);
    }
}
