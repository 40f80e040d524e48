package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    /** Far below what the frame limit would allocate; leaves room for an exception and its stack trace. */
    private static final long ALLOCATION_BUDGET_BYTES = 64 * 1024;

    private static byte[] header(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    @Test
    void wholeFrameInOneReadYieldsItsPayload() throws Exception {
        byte[] payload = Samples.bytes(300, 1);
        List<byte[]> out = new FrameDecoder().feed(FrameEncoder.frameBytes(payload));
        assertEquals(1, out.size());
        assertArrayEquals(payload, out.get(0));
    }

    @Test
    void severalFramesInOneReadYieldAllInOrder() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 1; i <= 3; i++) {
            stream.writeBytes(FrameEncoder.frameBytes(Samples.bytes(i * 10, i)));
        }
        List<byte[]> out = new FrameDecoder().feed(stream.toByteArray());
        assertEquals(3, out.size());
        for (int i = 1; i <= 3; i++) {
            assertArrayEquals(Samples.bytes(i * 10, i), out.get(i - 1));
        }
    }

    @Test
    void frameDeliveredOneByteAtATimeIsReassembled() throws Exception {
        byte[] frame = FrameEncoder.frameBytes(Samples.bytes(50, 2));
        FrameDecoder decoder = new FrameDecoder();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < frame.length; i++) {
            List<byte[]> got = decoder.feed(frame, i, 1);
            if (i < frame.length - 1) {
                assertTrue(got.isEmpty(), "no payload before the last byte");
                assertEquals(i + 1, decoder.bufferedBytes());
            }
            out.addAll(got);
        }
        assertEquals(1, out.size());
        assertArrayEquals(Samples.bytes(50, 2), out.get(0));
        assertEquals(0, decoder.bufferedBytes());
    }

    @Test
    void randomlySplitStreamOfManyFramesIsReassembledExactly() throws Exception {
        Random rng = new Random(0x5eed_f4a3L);
        List<byte[]> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            byte[] p = new byte[1 + rng.nextInt(rng.nextInt(10) == 0 ? 70_000 : 200)];
            rng.nextBytes(p);
            sent.add(p);
            stream.writeBytes(FrameEncoder.frameBytes(p));
        }
        byte[] all = stream.toByteArray();
        FrameDecoder decoder = new FrameDecoder();
        List<byte[]> received = new ArrayList<>();
        int pos = 0;
        while (pos < all.length) {
            int n = Math.min(all.length - pos, 1 + rng.nextInt(rng.nextBoolean() ? 7 : 20_000));
            received.addAll(decoder.feed(Buffer.buffer(java.util.Arrays.copyOfRange(all, pos, pos + n))));
            pos += n;
        }
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i), "frame " + i);
        }
    }

    @Test
    void zeroLengthFrameIsRejected() {
        FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> new FrameDecoder().feed(header(0)));
        assertTrue(e.getMessage().contains("frame length 0"), e.getMessage());
    }

    @Test
    void negativeLengthFrameIsRejected() {
        FrameDecodeException e = assertThrows(FrameDecodeException.class,
                () -> new FrameDecoder().feed(header(0x8000_0000)));
        assertTrue(e.getMessage().contains("2147483648"), e.getMessage());
    }

    @Test
    void lengthOneAboveTheLimitIsRejected() {
        assertThrows(FrameDecodeException.class,
                () -> new FrameDecoder().feed(header(FrameFormat.MAX_FRAME_BYTES + 1)));
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() throws Exception {
        byte[] payload = new byte[FrameFormat.MAX_FRAME_BYTES];
        payload[payload.length - 1] = 7;
        List<byte[]> out = new FrameDecoder().feed(FrameEncoder.frameBytes(payload));
        assertEquals(1, out.size());
        assertEquals(7, out.get(0)[payload.length - 1]);
    }

    @Test
    void oversizedLengthPrefixIsRejectedBeforeAnythingIsAllocated() {
        FrameDecoder decoder = new FrameDecoder();
        long allocated = Allocation.allocatedBy(() -> decoder.feed(header(Integer.MAX_VALUE)));
        assertTrue(decoder.failed());
        assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "allocated " + allocated + " bytes");
    }

    @Test
    void smallerConfiguredLimitIsEnforced() {
        FrameDecoder decoder = new FrameDecoder(16);
        assertThrows(FrameDecodeException.class, () -> decoder.feed(header(17)));
        assertThrows(IllegalArgumentException.class, () -> new FrameDecoder(FrameFormat.MAX_FRAME_BYTES + 1));
    }

    @Test
    void decoderRefusesInputAfterAFailure() throws Exception {
        FrameDecoder decoder = new FrameDecoder();
        assertThrows(FrameDecodeException.class, () -> decoder.feed(header(0)));
        FrameDecodeException again = assertThrows(FrameDecodeException.class,
                () -> decoder.feed(FrameEncoder.frameBytes(new byte[] {1})));
        assertTrue(again.getMessage().contains("already failed"), again.getMessage());
    }

    @Test
    void partialFrameIsHeldUntilTheRestArrives() throws Exception {
        byte[] frame = FrameEncoder.frameBytes(Samples.bytes(10, 4));
        FrameDecoder decoder = new FrameDecoder();
        assertTrue(decoder.feed(frame, 0, 6).isEmpty());
        assertEquals(6, decoder.bufferedBytes());
        List<byte[]> out = decoder.feed(frame, 6, frame.length - 6);
        assertArrayEquals(Samples.bytes(10, 4), out.get(0));
    }

    @Test
    void encoderRefusesEmptyAndOversizedPayloads() {
        assertThrows(IllegalArgumentException.class, () -> FrameEncoder.frame(new byte[0]));
        assertThrows(MessageTooLargeException.class,
                () -> FrameEncoder.frame(new byte[FrameFormat.MAX_FRAME_BYTES + 1]));
        Buffer b = FrameEncoder.frame(new byte[] {9, 8});
        assertEquals(2, b.getInt(0));
        assertEquals(6, b.length());
    }
}
