package org.trustquorum.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeIdRuleTest {
    /** True if a message is safe to print: visible ASCII and spaces only. */
    private static boolean printable(String s) {
        return s.chars().allMatch(c -> c == ' ' || NodeIdRule.allowed((char) c));
    }

    private static String refusal(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeId.parse(text), text);
        assertTrue(printable(e.getMessage()), "the message quotes the id safely: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void theIdsOfTestsSimulatorAndDemoClusterAreValid() {
        for (String id : List.of("TQ-SLED:SN0001", "913-0000019:BRM42220001", "tq-sim:node-01", "TQ-TEST:N07", "A:B",
                "913-0000019:sled-03", "P:" + "s".repeat(NodeIdRule.MAX_SERIAL_NUMBER_CHARS), "p:serial:with:colons")) {
            assertEquals(id, NodeId.parse(id).toString());
        }
    }

    @Test
    void aCyrillicLookAlikeIsRefusedAndNamed() {
        // "ТQ-SLЕD:SN0002" with a Cyrillic Te (U+0422) and Ie (U+0415): prints like TQ-SLED:SN0002.
        String m = refusal("\u0422Q-SL\u0415D:SN0002");
        assertTrue(m.contains("U+0422") && m.contains("\"\\u0422Q-SL\\u0415D\""), m);
        assertTrue(m.contains("part number"), m);
    }

    @Test
    void nulEmojiInvisibleAndControlCharactersAreRefused() {
        assertTrue(refusal("\uD83D\uDCA3:\u0000x").contains("non-ASCII character U+1F4A3"));
        assertTrue(refusal("TQ-SLED:\u0000x").contains("NUL"));
        assertTrue(refusal("TQ-SLED:SN\u200B0002").contains("U+200B"), "zero-width space");
        assertTrue(refusal("TQ-SLED:SN\u202E2000").contains("U+202E"), "right-to-left override");
        assertTrue(refusal("TQ-SLED:SN\n0002").contains("control character (U+000A)"));
        assertTrue(refusal("TQ SLED:SN0002").contains("a space"));
        assertTrue(refusal("TQ-SLED:SN0002\u007F").contains("U+007F"));
    }

    @Test
    void emptyMissingAndOverlongFieldsAreRefused() {
        assertTrue(refusal("").contains("PART:SERIAL"));
        assertTrue(refusal(":SN1").contains("PART:SERIAL"));
        assertTrue(refusal("TQ:").contains("PART:SERIAL"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId("", "x"));
        assertThrows(IllegalArgumentException.class, () -> new NodeId("x", null));
        String longSerial = "S".repeat(NodeIdRule.MAX_SERIAL_NUMBER_CHARS + 1);
        String m = refusal("TQ:" + longSerial);
        assertTrue(m.contains((NodeIdRule.MAX_SERIAL_NUMBER_CHARS + 1) + " characters"), m);
        assertTrue(m.length() < 3 * NodeIdRule.MAX_QUOTED_CHARS, "a long id is quoted in part: " + m.length());
        assertTrue(refusal("P".repeat(100_000) + ":x").length() < 3 * NodeIdRule.MAX_QUOTED_CHARS);
        assertThrows(IllegalArgumentException.class, () -> new NodeId("a:b", "c"), "':' in a part number");
    }

    @Test
    void quotingEscapesEverythingOutsideVisibleAscii() {
        assertEquals("\"a\\u0000b\\u0022\\u005C\\u0020\"", NodeIdRule.quote("a\u0000b\"\\ "));
        assertTrue(NodeIdRule.quote("x".repeat(1_000)).endsWith("...\""));
    }

    /** Random strings over a hostile alphabet: the rule accepts exactly visible ASCII ids, and every refusal is printable. */
    @Test
    void randomIdsAreAcceptedExactlyWhenTheyAreVisibleAsciiWithinBounds() {
        char[] clean = {'A', 'z', '0', '-', ':', '!', '~'};
        char[] hostile = {' ', 0, 0x7F, 0x80, 0xA0, 0x410, 0x422, 0x200B, 0x202E, 0xFEFF, 0xD83D, 0xDCA3, 0xFFFD};
        SplittableRandom rng = new SplittableRandom(17);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = rng.nextInt(rng.nextInt(10) == 0 ? NodeIdRule.MAX_TEXT_CHARS + 8 : 24);
            boolean dirty = rng.nextBoolean();
            for (int j = 0; j < n; j++) {
                b.append(dirty && rng.nextInt(10) == 0 ? hostile[rng.nextInt(hostile.length)] : clean[rng.nextInt(clean.length)]);
            }
            String text = b.toString();
            int colon = text.indexOf(':');
            boolean expected = colon > 0 && colon < text.length() - 1 && colon <= NodeIdRule.MAX_PART_NUMBER_CHARS
                    && text.length() - colon - 1 <= NodeIdRule.MAX_SERIAL_NUMBER_CHARS
                    && text.chars().allMatch(c -> c >= '!' && c <= '~');
            try {
                NodeId id = NodeId.parse(text);
                assertTrue(expected, "accepted " + NodeIdRule.quote(text));
                assertEquals(text, id.toString());
                accepted++;
            } catch (IllegalArgumentException e) {
                assertFalse(expected, "refused " + NodeIdRule.quote(text) + ": " + e.getMessage());
                assertTrue(printable(e.getMessage()), e.getMessage());
            }
        }
        assertTrue(accepted > 1_000, "the generator reaches valid ids too: " + accepted);
    }
}
