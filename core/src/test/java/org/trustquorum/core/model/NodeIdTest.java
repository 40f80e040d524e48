package org.trustquorum.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeIdTest {
    /** Code points from several ranges, including surrogate pairs and the private use area above them. */
    private static final int[] ALPHABET = {'A', 'z', '0', 0x7F, 0xE9, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0x10000,
            0x1F600, 0x10FFFF};

    private static String randomText(SplittableRandom rng) {
        StringBuilder b = new StringBuilder();
        int n = 1 + rng.nextInt(6);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(ALPHABET[rng.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }

    @Test
    void orderingAgreesWithUnsignedUtf8BytesForEveryKindOfCharacter() {
        SplittableRandom rng = new SplittableRandom(99);
        for (int i = 0; i < 20_000; i++) {
            String a = randomText(rng);
            String b = randomText(rng);
            int expected = Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                    b.getBytes(StandardCharsets.UTF_8)));
            assertEquals(expected, Integer.signum(NodeId.compareUtf8(a, b)), a + " vs " + b);
        }
    }

    @Test
    void partNumberDecidesBeforeSerialNumber() {
        assertTrue(new NodeId("A", "Z").compareTo(new NodeId("B", "A")) < 0);
        assertTrue(new NodeId("A", "B").compareTo(new NodeId("A", "A")) > 0);
        assertEquals(0, new NodeId("A", "B").compareTo(NodeId.parse("A:B")));
    }

    @Test
    void malformedIdsAreRefusedWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeId.parse("no-colon"));
        assertTrue(e.getMessage().contains("PART:SERIAL"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId("", "x"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId("913-01", "s\u00e9rial"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId("a".repeat(NodeId.MAX_FIELD_BYTES + 1), "x"));
    }
}
