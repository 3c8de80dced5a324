package com.saasspend.integration.domain;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical JSON text of a value made of records, lists, maps and scalars: what content hashes are computed from.
 *
 * <p>Written by hand, not through Jackson, so that a stored hash depends only on the content and the record's
 * component names and order, never on a mapper setting or a library upgrade. For every type the sync hashes it writes
 * exactly what the earlier Jackson-based hashing wrote (records in component order, Instants in ISO-8601, strings
 * escaped as Jackson escapes them), so hashes already stored stay valid; {@code CanonicalJsonTest} pins both.
 * Map keys are sorted. Floating-point numbers are refused: their text form is not canonical.
 */
public final class CanonicalJson {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private CanonicalJson() {}

    public static String of(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence text) {
            string(out, text);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal decimal) {
            out.append(decimal);
        } else if (value instanceof Enum<?> constant) {
            string(out, constant.name());
        } else if (value instanceof Instant instant) {
            string(out, instant.toString());
        } else if (value instanceof Record record) {
            record(out, record);
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : sortedByKey(map).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, entry.getKey());
                out.append(':');
                write(out, entry.getValue());
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("No canonical form for " + value.getClass().getName());
        }
    }

    private static void record(StringBuilder out, Record record) {
        out.append('{');
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, components[i].getName());
            out.append(':');
            write(out, valueOf(components[i], record));
        }
        out.append('}');
    }

    private static Object valueOf(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("Cannot read " + component.getName() + " of " + record.getClass().getName(), e);
        }
    }

    private static Map<String, Object> sortedByKey(Map<?, ?> map) {
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
        return sorted;
    }

    /** JSON string escaping as Jackson does it: short escapes for \b \t \n \f \r, \\uXXXX for other controls, UTF-8 as is. */
    private static void string(StringBuilder out, CharSequence text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
