package org.trustquorum.runtime.wire;

/**
 * Bytes received from a peer that do not form a valid frame or message. The connection that
 * delivered them must be closed; the node itself carries on. The message describes what was wrong
 * in general terms and never contains payload bytes.
 */
public final class FrameDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public FrameDecodeException(String message) {
        super(message);
    }

    public FrameDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
