package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.PeerMsg;
import org.trustquorum.core.msg.ProxyResult;
import org.trustquorum.core.msg.WireMsg;

class WireCodecHostileInputTest {
    /** Generous for an exception with its stack trace, tiny next to what the hostile prefixes ask for. */
    private static final long ALLOCATION_BUDGET_BYTES = 256 * 1024;
    private static final int FUZZ_INPUTS = 10_000;
    private static final long FUZZ_SEED = 0x7A5C_0DE0_2026L;

    private final WireCodec codec = new WireCodec();

    /** Kryo writes a class as varint(id + 2); 0 is null and 1 announces a class name. */
    private static int classTag(Class<?> c) {
        return WireRegistry.table().get(c) + 2;
    }

    private static byte[] craft(Consumer<Output> body) {
        Output out = new Output(64, -1);
        body.accept(out);
        return out.toBytes();
    }

    /** Encodes without the codec's own checks, the way a buggy or hostile peer might. */
    private static byte[] rawEncode(Object value) {
        Kryo kryo = WireRegistry.newKryo();
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, value);
        return out.toBytes();
    }

    private FrameDecodeException rejected(byte[] payload) {
        return assertThrows(FrameDecodeException.class, () -> codec.decode(payload));
    }

    private static byte[] networkConfigWithDeclaredBlobLength(int declared, byte[] blob, long generation) {
        return craft(o -> {
            o.writeVarInt(classTag(WireMsg.NetworkConfig.class), true);
            o.writeByte(1); // blob is present
            o.writeVarInt(declared, true);
            o.writeBytes(blob);
            o.writeVarLong(generation, false);
        });
    }

    @Test
    void byteArrayLengthPrefixLargerThanTheFrameIsRejectedWithoutAllocating() {
        byte[] blob = Samples.bytes(5, 1);
        // The hand-made layout is the codec's own layout when the prefix is honest.
        assertArrayEquals(codec.encode(new WireMsg.NetworkConfig(7, blob)), networkConfigWithDeclaredBlobLength(5, blob, 7));

        byte[] lying = networkConfigWithDeclaredBlobLength(Integer.MAX_VALUE, blob, 7);
        long allocated = Allocation.allocatedBy(() -> codec.decode(lying));
        FrameDecodeException e = rejected(lying);
        assertTrue(e.getMessage().contains("byte array length 2147483647 exceeds"), e.getMessage());
        assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "allocated " + allocated + " bytes");

        // Off by one: one byte more than is left.
        rejected(networkConfigWithDeclaredBlobLength(blob.length + 2, blob, 7));
    }

    @Test
    void listCountLargerThanTheFrameIsRejectedWithoutAllocating() {
        byte[] payload = craft(o -> {
            o.writeVarInt(classTag(List.of().getClass()), true);
            o.writeVarInt(Integer.MAX_VALUE - 8, true);
        });
        long allocated = Allocation.allocatedBy(() -> codec.decode(payload));
        FrameDecodeException e = rejected(payload);
        assertTrue(e.getMessage().contains("list length"), e.getMessage());
        assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "allocated " + allocated + " bytes");
    }

    private static byte[] alarmWithDeclaredReasonLength(int declared, byte[] reason) {
        return craft(o -> {
            o.writeVarInt(classTag(Alarm.KeyShareComputationFailed.class), true);
            o.writeByte(1); // epoch present
            o.writeVarLong(5, false);
            o.writeByte(1); // reason present
            o.writeVarInt(declared, true);
            o.writeBytes(reason);
        });
    }

    @Test
    void stringLengthLargerThanTheFrameIsRejectedWithoutAllocating() {
        byte[] reason = "why".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(rawEncode(new Alarm.KeyShareComputationFailed(Epoch.of(5), "why")),
                alarmWithDeclaredReasonLength(3, reason));
        byte[] lying = alarmWithDeclaredReasonLength(1 << 30, reason);
        long allocated = Allocation.allocatedBy(() -> codec.decode(lying));
        FrameDecodeException e = rejected(lying);
        assertTrue(e.getMessage().contains("string length"), e.getMessage());
        assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "allocated " + allocated + " bytes");
    }

    @Test
    void malformedUtf8IsRejected() {
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        FrameDecodeException e = rejected(alarmWithDeclaredReasonLength(2, bad));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void classNamesOnTheWireAreRefused() {
        byte[] payload = craft(o -> {
            o.writeVarInt(1, true); // "a class name follows"
            o.writeVarInt(0, true);
            o.writeString("java.util.HashMap");
        });
        assertTrue(rejected(payload).getMessage().contains("class names are not accepted"));
    }

    @Test
    void unknownClassIdIsRejected() {
        byte[] payload = craft(o -> o.writeVarInt(500 + 2, true));
        assertTrue(rejected(payload).getMessage().contains("unregistered class ID"), rejected(payload).getMessage());
    }

    @Test
    void registeredValueThatIsNotAWireMessageIsRejected() {
        assertTrue(rejected(rawEncode(Epoch.of(3))).getMessage().contains("not a wire message"));
        assertTrue(rejected(new byte[] {0}).getMessage().contains("null"));
    }

    @Test
    void emptyPayloadIsRejected() {
        rejected(new byte[0]);
    }

    @Test
    void trailingBytesAfterTheMessageAreRejected() {
        byte[] ok = codec.encode(new WireMsg.Ping());
        byte[] longer = Arrays.copyOf(ok, ok.length + 1);
        assertTrue(rejected(longer).getMessage().contains("1 trailing bytes"));
    }

    @Test
    void everyTruncationOfEverySampleIsRejected() {
        for (WireMsg msg : Samples.all()) {
            byte[] payload = codec.encode(msg);
            for (int n = 0; n < payload.length; n++) {
                byte[] cut = Arrays.copyOf(payload, n);
                assertThrows(FrameDecodeException.class, () -> codec.decode(cut), WireMsg.kind(msg) + " cut at " + n);
            }
        }
    }

    @Test
    void valueRejectedByAModelConstructorBecomesADecodeError() {
        NodeId id = new NodeId("PARTX", "S1");
        byte[] payload = codec.encode(new WireMsg.ProxyResponse(1,
                new ProxyResult.Failed(new org.trustquorum.core.api.NodeError.CoordinatorMustBeAMemberOfNewGroup(id))));
        int at = indexOf(payload, "PARTX".getBytes(StandardCharsets.US_ASCII));
        assertTrue(at >= 0);
        payload[at + 4] = ':'; // a part number must not contain ':'
        FrameDecodeException e = rejected(payload);
        assertTrue(e.getMessage().contains("must not contain ':'"), e.getMessage());
    }

    private static byte[] shareMessage(int x) {
        return craft(o -> {
            o.writeVarInt(classTag(WireMsg.Protocol.class), true);
            o.writeVarInt(classTag(PeerMsg.Share.class), true);
            o.writeByte(1);
            o.writeVarLong(1, false); // epoch
            o.writeByte(1);
            o.writeVarLong(Samples.RACK.leastSignificant(), false);
            o.writeVarLong(Samples.RACK.mostSignificant(), false);
            o.writeByte(1);
            o.writeVarInt(x, true);
            o.writeBytes(Samples.bytes(32, 2));
        });
    }

    @Test
    void keyShareWithAnInvalidXIsRejected() {
        assertArrayEquals(codec.encode(new WireMsg.Protocol(new PeerMsg.Share(Samples.RACK, Epoch.of(1), Samples.share(2)))),
                shareMessage(2));
        FrameDecodeException e = rejected(shareMessage(0));
        assertTrue(e.getMessage().contains("x-coordinate"), e.getMessage());
        rejected(shareMessage(256));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void listElementOfTheWrongTypeIsRejected() {
        List<NodeId> sneaky = (List) List.of(Epoch.of(1));
        NodeStatus status = new NodeStatus(Samples.A, sneaky, List.of(), null, List.of(), List.of(), List.of(), null,
                null, null, List.of());
        byte[] payload = rawEncode(new WireMsg.ProxyResponse(4, new ProxyResult.Status(status)));
        FrameDecodeException e = rejected(payload);
        assertTrue(e.getMessage().contains("connectedPeers[0] is a Epoch, expected NodeId"), e.getMessage());
        // The sender-side check refuses to produce it in the first place.
        assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new WireMsg.ProxyResponse(4, new ProxyResult.Status(status))));
    }

    @Test
    void nullWhereTheModelForbidsItIsRejected() {
        FrameDecodeException e = rejected(rawEncode(new WireMsg.Protocol(null)));
        assertTrue(e.getMessage().contains("Protocol.msg must not be null"), e.getMessage());
        e = rejected(rawEncode(new WireMsg.Protocol(new PeerMsg.GetShare(Samples.RACK, null))));
        assertTrue(e.getMessage().contains("epoch must not be null"), e.getMessage());
    }

    /**
     * A peer that writes node ids the rule refuses (a NUL, a Cyrillic look-alike, an emoji), each
     * patched over a valid id of the same UTF-8 length in an honest payload: the frame is refused
     * with the rule's message.
     */
    @Test
    void nodeIdsOutsideTheRuleAreRefusedOnTheWire() {
        String valid = Samples.D.serialNumber(); // 18 bytes
        byte[] status = codec.encode(new WireMsg.ProxyResponse(5, new ProxyResult.Status(Samples.emptyStatus())));
        for (String hostile : List.of("\u00fcn\u00efc\u00f8d\u00e9-serial", "SN{odd|chars}~!x\u0000z",
                "SN{odd|chars}~\uD83D\uDCA3", "\u0405N{odd|chars}~!xy")) {
            byte[] from = valid.getBytes(StandardCharsets.UTF_8);
            byte[] to = hostile.getBytes(StandardCharsets.UTF_8);
            assertEquals(from.length, to.length, hostile);
            int at = indexOf(status, from);
            assertTrue(at >= 0);
            byte[] patched = status.clone();
            System.arraycopy(to, 0, patched, at, to.length);
            FrameDecodeException e = rejected(patched);
            assertTrue(e.getMessage().contains("serial number") && e.getMessage().contains("visible ASCII"), e.getMessage());
        }
    }

    @Test
    void deeplyNestedInputIsRejectedWithoutExhaustingTheStack() {
        byte[] payload = new byte[FrameFormat.MAX_FRAME_BYTES];
        byte listTag = (byte) classTag(List.of().getClass());
        for (int i = 0; i < payload.length; i += 2) {
            payload[i] = listTag;
            payload[i + 1] = 1; // one element, which is again a list
        }
        FrameDecodeException e = rejected(payload);
        assertTrue(e.getMessage().contains("Max depth"), e.getMessage());
    }

    /**
     * Random bytes and random mutations of valid payloads: decoding either yields a message that
     * re-encodes and round-trips, or fails with a FrameDecodeException. Nothing else may escape.
     */
    @Test
    void randomGarbageOnlyEverFailsWithFrameDecodeException() {
        Random rng = new Random(FUZZ_SEED);
        List<byte[]> seeds = Samples.all().stream().map(codec::encode).toList();
        int accepted = 0;
        for (int i = 0; i < FUZZ_INPUTS; i++) {
            byte[] input = (i % 2 == 0) ? randomBytes(rng) : mutate(rng, seeds.get(rng.nextInt(seeds.size())));
            WireMsg msg;
            try {
                msg = codec.decode(input);
            } catch (FrameDecodeException expected) {
                continue;
            } catch (Throwable t) {
                fail("input " + i + " (seed " + FUZZ_SEED + ") escaped with " + t, t);
                return;
            }
            accepted++;
            try {
                assertEquals(msg, codec.decode(codec.encode(msg)));
            } catch (Throwable t) {
                fail("accepted input " + i + " does not round-trip: " + t, t);
            }
        }
        // Mutations of valid payloads are sometimes still valid; the decoder must not reject everything.
        assertTrue(accepted > 0, "no input was accepted");
    }

    private static byte[] randomBytes(Random rng) {
        byte[] b = new byte[1 + rng.nextInt(64)];
        rng.nextBytes(b);
        if (rng.nextBoolean()) {
            // Start with a real class tag so decoding gets past the first byte more often.
            List<Integer> ids = List.copyOf(WireRegistry.table().values());
            b[0] = (byte) (ids.get(rng.nextInt(ids.size())) + 2);
        }
        return b;
    }

    private static byte[] mutate(Random rng, byte[] original) {
        byte[] b = original.clone();
        switch (rng.nextInt(5)) {
            case 0 -> {
                int flips = 1 + rng.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                }
            }
            case 1 -> b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
            case 2 -> {
                int at = rng.nextInt(b.length + 1);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) rng.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
            case 3 -> {
                if (b.length > 1) {
                    int at = rng.nextInt(b.length);
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
            default -> {
                // A varint-looking run of 0xff bytes, as a huge length prefix would be.
                int at = rng.nextInt(b.length);
                for (int k = at; k < Math.min(b.length, at + 5); k++) {
                    b[k] = (byte) 0xff;
                }
            }
        }
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
