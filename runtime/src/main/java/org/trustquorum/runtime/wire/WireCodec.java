package org.trustquorum.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import java.util.Arrays;
import org.trustquorum.core.msg.WireMsg;

/**
 * Turns {@link WireMsg} values into frame payloads and back, with Kryo.
 *
 * <p><b>Not thread-safe</b>: Kryo keeps per-call state. Create one codec per event loop (or per
 * verticle) and use it only from that thread.
 *
 * <p>Decoding treats the payload as hostile: only registered class ids are accepted (see
 * {@link WireRegistry}), every length prefix is checked against the bytes left in the payload
 * before anything is allocated, nesting depth is capped, the whole payload must be consumed, and
 * the result must have the shape its types promise ({@link WireShape}). Any failure, including a
 * model constructor rejecting a value, becomes a {@link FrameDecodeException}.
 */
public final class WireCodec {
    /** Starting size of the reused output buffer; it grows up to the frame limit. */
    private static final int INITIAL_OUTPUT_BYTES = 4 * 1024;

    private final Kryo kryo = WireRegistry.newKryo();
    private final Output output = new Output(INITIAL_OUTPUT_BYTES, FrameFormat.MAX_FRAME_BYTES);
    private final Input input = new Input();

    /**
     * The payload for a message.
     *
     * @throws MessageTooLargeException if it does not fit in a frame
     * @throws IllegalArgumentException if the message has a shape the receiver would reject
     *                                  (for example a null where the model forbids one)
     */
    public byte[] encode(WireMsg msg) {
        if (msg == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        WireShape.check(msg);
        output.reset();
        try {
            kryo.writeClassAndObject(output, msg);
            return output.toBytes();
        } catch (KryoBufferOverflowException e) {
            throw new MessageTooLargeException(WireMsg.kind(msg) + " does not fit in a frame of "
                    + FrameFormat.MAX_FRAME_BYTES + " bytes");
        } finally {
            // The buffer may hold key shares; do not leave them in memory between messages.
            Arrays.fill(output.getBuffer(), 0, Math.min(output.position(), output.getBuffer().length), (byte) 0);
            kryo.reset();
        }
    }

    /** The message in a payload. The payload array is only read, never kept. */
    public WireMsg decode(byte[] payload) throws FrameDecodeException {
        if (payload == null || payload.length == 0) {
            throw new FrameDecodeException("empty payload");
        }
        if (payload.length > FrameFormat.MAX_FRAME_BYTES) {
            throw new FrameDecodeException("payload of " + payload.length + " bytes exceeds the frame limit");
        }
        input.setBuffer(payload);
        Object decoded;
        try {
            decoded = kryo.readClassAndObject(input);
            if (input.position() != payload.length) {
                throw new FrameDecodeException((payload.length - input.position()) + " trailing bytes after the message");
            }
        } catch (RuntimeException e) {
            // Mostly KryoException (which wraps what model constructors throw); anything else a
            // hostile payload provokes is still only a bad frame, never a reason to stop the node.
            throw new FrameDecodeException("undecodable payload: " + describe(e), e);
        } finally {
            kryo.reset();
            input.setBuffer(new byte[0]);
        }
        if (!(decoded instanceof WireMsg msg)) {
            throw new FrameDecodeException(decoded == null ? "payload holds null"
                    : "payload holds a " + decoded.getClass().getSimpleName() + ", not a wire message");
        }
        try {
            WireShape.check(msg);
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException("malformed " + msg.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return msg;
    }

    /** The innermost useful message of a decoding failure (Kryo wraps constructor exceptions). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = firstLine(e.getMessage());
        if (root == e) {
            return first;
        }
        return first + " (" + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
