package com.saasspend.atlassian.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size by DynamoDB's documented rules (what capacity units are computed from): attribute names in UTF-8
 * bytes plus each value's size. moto reports no consumed capacity, so the benchmarks compute it from these sizes.
 */
public final class ItemSize {
    private ItemSize() {}

    public static long of(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    static long value(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> number(v.n());
            case B -> v.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS -> v.ns().stream().mapToLong(ItemSize::number).sum();
            case BS -> v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            // 3 bytes of overhead per list or map, plus 1 byte per element.
            case L -> 3 + v.l().stream().mapToLong(e -> value(e) + 1).sum();
            case M -> 3 + v.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + value(e.getValue()) + 1).sum();
            case UNKNOWN_TO_SDK_VERSION -> 0;
        };
    }

    /** About 1 byte per two significant digits, plus 1; leading and trailing zeros do not count. */
    static long number(String n) {
        String digits = new BigDecimal(n).abs().stripTrailingZeros().unscaledValue().toString();
        int significant = digits.equals("0") ? 1 : digits.length();
        return (significant + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Write units for one item: 1 per started KB. */
    public static long writeUnits(long size) {
        return Math.max(1, (size + 1023) / 1024);
    }

    /** Read units for one item (or one Query/Scan page): 1 per started 4 KB, half when eventually consistent. */
    public static double readUnits(long size, boolean consistent) {
        long blocks = Math.max(1, (size + 4095) / 4096);
        return consistent ? blocks : blocks / 2.0;
    }
}
