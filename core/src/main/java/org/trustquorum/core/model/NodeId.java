package org.trustquorum.core.model;

import java.nio.charset.StandardCharsets;
import org.trustquorum.core.Check;

/**
 * A node's platform (baseboard) identity. Totally ordered: part number first, then serial
 * number, each compared byte-wise (unsigned) on its UTF-8 encoding. The order of the members of a
 * configuration decides each member's share x-coordinate.
 */
public record NodeId(String partNumber, String serialNumber) implements Comparable<NodeId> {
    /** Longest part or serial number we accept (bytes of UTF-8). */
    public static final int MAX_FIELD_BYTES = 64;

    public NodeId {
        Check.notNull(partNumber, "partNumber");
        Check.notNull(serialNumber, "serialNumber");
        Check.argument(!partNumber.isEmpty() && !serialNumber.isEmpty(), "node id fields must not be empty");
        Check.argument(partNumber.getBytes(StandardCharsets.UTF_8).length <= MAX_FIELD_BYTES
                && serialNumber.getBytes(StandardCharsets.UTF_8).length <= MAX_FIELD_BYTES,
                "node id fields are limited to %d bytes", MAX_FIELD_BYTES);
        Check.argument(partNumber.indexOf(':') < 0, "part number must not contain ':'");
    }

    /** Parses the {@link #toString()} form {@code part:serial}. */
    public static NodeId parse(String text) {
        int colon = text.indexOf(':');
        Check.argument(colon > 0 && colon < text.length() - 1, "node id must look like PART:SERIAL, got '%s'", text);
        return new NodeId(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public int compareTo(NodeId other) {
        int c = compareUtf8(partNumber, other.partNumber);
        return c != 0 ? c : compareUtf8(serialNumber, other.serialNumber);
    }

    /**
     * Byte-wise comparison of the UTF-8 encodings, without encoding: UTF-8 preserves code point
     * order, so comparing code points gives the same answer.
     */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @Override
    public String toString() {
        return partNumber + ":" + serialNumber;
    }
}
