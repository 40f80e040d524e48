package org.trustquorum.runtime.wire;

import io.vertx.core.buffer.Buffer;

/** Prefixes a payload with its 4-byte big-endian length. Stateless. */
public final class FrameEncoder {
    private FrameEncoder() {}

    /** The frame for a payload, as a Vert.x buffer ready to write to a socket. */
    public static Buffer frame(byte[] payload) {
        checkSize(payload);
        Buffer out = Buffer.buffer(FrameFormat.LENGTH_PREFIX_BYTES + payload.length);
        out.appendInt(payload.length); // Vert.x buffers are big-endian
        out.appendBytes(payload);
        return out;
    }

    /** The frame for a payload, as a plain byte array. */
    public static byte[] frameBytes(byte[] payload) {
        checkSize(payload);
        byte[] out = new byte[FrameFormat.LENGTH_PREFIX_BYTES + payload.length];
        int n = payload.length;
        out[0] = (byte) (n >>> 24);
        out[1] = (byte) (n >>> 16);
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) n;
        System.arraycopy(payload, 0, out, FrameFormat.LENGTH_PREFIX_BYTES, n);
        return out;
    }

    private static void checkSize(byte[] payload) {
        if (payload.length == 0) {
            throw new IllegalArgumentException("a frame payload must not be empty");
        }
        if (payload.length > FrameFormat.MAX_FRAME_BYTES) {
            throw new MessageTooLargeException("payload of " + payload.length + " bytes exceeds the frame limit of "
                    + FrameFormat.MAX_FRAME_BYTES + " bytes");
        }
    }
}
