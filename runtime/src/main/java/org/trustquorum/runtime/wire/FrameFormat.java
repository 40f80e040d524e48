package org.trustquorum.runtime.wire;

/** Constants of the frame format: a 4-byte big-endian payload length, then the payload. */
public final class FrameFormat {
    private FrameFormat() {}

    /** Size of the length prefix. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    /**
     * Largest payload we accept or send. Checked before anything is allocated for a frame, so a
     * connection costs at most this much buffer memory.
     */
    public static final int MAX_FRAME_BYTES = 1024 * 1024;
}
