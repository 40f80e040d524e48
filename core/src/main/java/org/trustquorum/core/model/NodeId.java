package org.trustquorum.core.model;

import java.util.Optional;

/**
 * A node's platform (baseboard) identity. Totally ordered: part number first, then serial
 * number, each compared byte-wise (unsigned) on its UTF-8 encoding. The order of the members of a
 * configuration decides each member's share x-coordinate.
 *
 * <p>Every id obeys {@link NodeIdRule} (visible ASCII, bounded length): the constructor refuses any
 * other, so ids from the admin API, configuration files, certificates, wire frames and ledgers are
 * all checked by the same rule.
 */
public record NodeId(String partNumber, String serialNumber) implements Comparable<NodeId> {
    /** Longest part or serial number we accept, in bytes (the rule allows ASCII only: bytes = characters). */
    public static final int MAX_FIELD_BYTES = Math.max(NodeIdRule.MAX_PART_NUMBER_CHARS, NodeIdRule.MAX_SERIAL_NUMBER_CHARS);

    /** @throws IllegalArgumentException naming the offending id (safely quoted) if it breaks {@link NodeIdRule} */
    public NodeId {
        Optional<String> problem = NodeIdRule.problem(partNumber, serialNumber);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
    }

    /** Parses the {@link #toString()} form {@code part:serial}. */
    public static NodeId parse(String text) {
        Optional<String> problem = NodeIdRule.problemOfText(text);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        int colon = text.indexOf(NodeIdRule.SEPARATOR);
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
