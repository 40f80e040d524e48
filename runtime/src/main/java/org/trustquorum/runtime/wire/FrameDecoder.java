package org.trustquorum.runtime.wire;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reassembles frames from a byte stream that arrives in arbitrary pieces: one read may hold part
 * of a frame, or several frames. One instance per connection, used from that connection's handler
 * (not thread-safe).
 *
 * <p>The length prefix is validated before any payload buffer is allocated, so a peer can make us
 * hold at most {@link FrameFormat#MAX_FRAME_BYTES} per connection. After a framing error the
 * decoder is broken for good: the connection must be closed, and further input is refused.
 */
public final class FrameDecoder {
    private final int maxFrameBytes;
    private final byte[] header = new byte[FrameFormat.LENGTH_PREFIX_BYTES];
    private int headerFilled;
    private byte[] payload; // non-null while a payload is being filled
    private int payloadFilled;
    private String failure;

    public FrameDecoder() {
        this(FrameFormat.MAX_FRAME_BYTES);
    }

    /** A decoder with a smaller limit than the default (the limit can never exceed the default). */
    public FrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 1 || maxFrameBytes > FrameFormat.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("max frame size must be in 1.." + FrameFormat.MAX_FRAME_BYTES);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Feeds bytes from the socket; returns the payloads completed by them, in order (often none). */
    public List<byte[]> feed(Buffer chunk) throws FrameDecodeException {
        return feed(chunk.getBytes());
    }

    public List<byte[]> feed(byte[] chunk) throws FrameDecodeException {
        return feed(chunk, 0, chunk.length);
    }

    public List<byte[]> feed(byte[] chunk, int offset, int length) throws FrameDecodeException {
        if (failure != null) {
            throw new FrameDecodeException("decoder already failed: " + failure);
        }
        if (offset < 0 || length < 0 || offset > chunk.length - length) {
            throw new IndexOutOfBoundsException("bad chunk range");
        }
        List<byte[]> complete = List.of();
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (payload == null) {
                int take = Math.min(header.length - headerFilled, end - pos);
                System.arraycopy(chunk, pos, header, headerFilled, take);
                headerFilled += take;
                pos += take;
                if (headerFilled < header.length) {
                    break;
                }
                int declared = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                        | (header[3] & 0xFF);
                if (declared <= 0 || declared > maxFrameBytes) {
                    // Compare as unsigned so a huge length is reported as such, not as negative.
                    failure = "frame length " + Integer.toUnsignedString(declared) + " outside 1.." + maxFrameBytes;
                    throw new FrameDecodeException(failure);
                }
                payload = new byte[declared];
                payloadFilled = 0;
            }
            int take = Math.min(payload.length - payloadFilled, end - pos);
            System.arraycopy(chunk, pos, payload, payloadFilled, take);
            payloadFilled += take;
            pos += take;
            if (payloadFilled == payload.length) {
                if (complete.isEmpty()) {
                    complete = new ArrayList<>(2);
                }
                complete.add(payload);
                payload = null;
                headerFilled = 0;
            }
        }
        return complete;
    }

    /** Bytes of a frame received so far but not yet complete (header included). */
    public int bufferedBytes() {
        return payload == null ? headerFilled : header.length + payloadFilled;
    }

    /** True once a framing error was seen; the connection must be closed. */
    public boolean failed() {
        return failure != null;
    }
}
