package org.trustquorum.core.engine;

/** Why a connection incarnation ended (reported by the driver, or chosen by the engine when it closes one). */
public enum ExitCause {
    /** The peer or we closed the connection in an orderly way. */
    CLEAN_CLOSE,
    /** A read or write failed. */
    IO_ERROR,
    /** The driver's handler for this connection threw; the exit is still reported. */
    HANDLER_EXCEPTION,
    /** The connection was torn down without an orderly close. */
    ABORTED,
    /** A newer established incarnation to the same peer took its place. */
    REPLACED,
    /** An outbound connection attempt did not get established. */
    DIAL_FAILED,
    /** Sending a frame would have exceeded the outbound queue capacity. */
    QUEUE_OVERFLOW,
    /** No complete inbound frame (or no handshake) within the timeout. */
    INACTIVITY,
    /** An inbound frame could not be decoded (or was too large). */
    DECODE_ERROR,
    /** The node is shutting down. */
    SHUTDOWN
}
