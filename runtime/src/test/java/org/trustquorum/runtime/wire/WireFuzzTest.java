package org.trustquorum.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.trustquorum.core.msg.WireMsg;

/**
 * Coverage-guided fuzzing of everything a peer's bytes go through: {@link FrameDecoder} (fed in
 * chunks of fuzzer-chosen sizes, as TCP delivers them) and {@link WireCodec#decode}.
 *
 * <p>Properties checked for every input:
 * <ul>
 *   <li>the only exception that escapes is {@link FrameDecodeException} (any other one fails the
 *       input, and Jazzer keeps it as a finding);
 *   <li>after a framing error the decoder refuses all further input;
 *   <li>heap allocated while handling the input (measured on a second run of it, so that class
 *       loading and instrumentation are not counted) is bounded: at most one frame buffer of
 *       {@link FrameFormat#MAX_FRAME_BYTES} plus a small multiple of the input's own size (a
 *       hostile length prefix cannot make us allocate what it declares);
 *   <li>it finishes within {@link #MAX_NANOS_PER_INPUT} (no hang; also bounded by construction:
 *       every loop consumes input);
 *   <li>a message that decodes re-encodes to a canonical payload that decodes to the same
 *       canonical payload (encode and decode agree).
 * </ul>
 *
 * <p>Input layout: byte 0 chooses how the rest is cut into chunks (largest chunk {@code 2^(b & 7)}
 * bytes, sizes drawn from a generator seeded with {@code b >>> 3}); bytes 1.. are the stream.
 * Without {@code JAZZER_FUZZ} this replays the committed inputs in
 * {@code src/test/resources/org/trustquorum/runtime/wire/WireFuzzTestInputs/decoder/} (see
 * {@code tq fuzz decoder} for a fuzzing run).
 */
class WireFuzzTest {
    /** Objects, exception traces and Kryo bookkeeping per input byte; measured well below this. */
    static final long ALLOCATED_BYTES_PER_INPUT_BYTE = 256;
    /** Fixed cost of one input (a decode exception with its stack trace, small lists). */
    static final long ALLOCATED_BYTES_FIXED = 512 * 1024;
    /** Far above the ~100 microseconds an input takes; only a hang or a blow-up exceeds it. */
    static final long MAX_NANOS_PER_INPUT = 5_000_000_000L;
    /** Largest chunk exponent: chunks of 1 up to 2^7 = 128 bytes. */
    private static final int CHUNK_EXPONENT_MASK = 7;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * One codec per fuzzing thread, as a node keeps one per event loop (Kryo setup is costly). It
     * is warmed up with every sample message so that one-time costs (class loading, Kryo's and
     * WireShape's per-class caches) are not charged to the first inputs.
     */
    private static final ThreadLocal<WireCodec> CODEC = ThreadLocal.withInitial(WireFuzzTest::warmCodec);

    private static WireCodec warmCodec() {
        WireCodec codec = new WireCodec();
        FrameDecoder decoder = new FrameDecoder();
        for (WireMsg m : Samples.all()) {
            try {
                for (byte[] p : decoder.feed(FrameEncoder.frameBytes(codec.encode(m)))) {
                    assertCanonicalRoundTrip(codec, codec.decode(p));
                }
                codec.decode(new byte[] {(byte) 0xFF, 0x13, 0x37});
            } catch (FrameDecodeException expected) {
                // the garbage payload; warms the failure path
            }
        }
        return codec;
    }

    @FuzzTest(maxDuration = "10s")
    void decoder(byte[] input) throws Exception {
        if (!THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
        WireCodec codec = CODEC.get();
        // The first run pays one-time costs (class loading and, when fuzzing, instrumentation of
        // newly reached code); the second run of the same input is the one measured.
        feedInChunks(input, codec);
        long tid = Thread.currentThread().threadId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();

        int decoded = feedInChunks(input, codec);

        long elapsed = System.nanoTime() - start;
        long allocated = THREADS.getThreadAllocatedBytes(tid) - allocatedBefore;
        long budget = FrameFormat.MAX_FRAME_BYTES + ALLOCATED_BYTES_FIXED + ALLOCATED_BYTES_PER_INPUT_BYTE * input.length;
        assertTrue(allocated <= budget, "allocated " + allocated + " bytes for an input of " + input.length
                + " bytes (budget " + budget + ", " + decoded + " messages decoded)");
        assertTrue(elapsed <= MAX_NANOS_PER_INPUT, "took " + elapsed / 1_000_000 + " ms");
    }

    /** Feeds the stream; returns how many messages decoded. Only FrameDecodeException is caught. */
    private static int feedInChunks(byte[] input, WireCodec codec) throws Exception {
        if (input.length == 0) {
            return 0;
        }
        int mode = input[0] & 0xFF;
        int maxChunk = 1 << (mode & CHUNK_EXPONENT_MASK);
        SplittableRandom sizes = new SplittableRandom(mode >>> 3);
        FrameDecoder decoder = new FrameDecoder();
        int decoded = 0;
        int pos = 1;
        while (pos < input.length) {
            int chunk = Math.min(input.length - pos, 1 + sizes.nextInt(maxChunk));
            List<byte[]> payloads;
            try {
                payloads = decoder.feed(input, pos, chunk);
            } catch (FrameDecodeException framing) {
                assertTrue(decoder.failed(), "a framing error leaves the decoder failed");
                assertRefusesMore(decoder);
                return decoded;
            }
            pos += chunk;
            for (byte[] payload : payloads) {
                assertTrue(payload.length >= 1 && payload.length <= FrameFormat.MAX_FRAME_BYTES, "payload size");
                WireMsg msg;
                try {
                    msg = codec.decode(payload);
                } catch (FrameDecodeException undecodable) {
                    return decoded; // the node closes the connection here
                }
                decoded++;
                assertCanonicalRoundTrip(codec, msg);
            }
        }
        assertTrue(decoder.bufferedBytes() <= FrameFormat.LENGTH_PREFIX_BYTES + FrameFormat.MAX_FRAME_BYTES);
        return decoded;
    }

    private static void assertRefusesMore(FrameDecoder decoder) {
        try {
            decoder.feed(new byte[] {0, 0, 0, 1, 0});
        } catch (FrameDecodeException expected) {
            return;
        }
        throw new AssertionError("a failed decoder accepted more input");
    }

    private static void assertCanonicalRoundTrip(WireCodec codec, WireMsg msg) throws FrameDecodeException {
        byte[] canonical = codec.encode(msg);
        WireMsg again = codec.decode(canonical);
        assertEquals(msg.getClass(), again.getClass());
        assertArrayEquals(canonical, codec.encode(again), "encoding is stable across a decode");
    }
}
