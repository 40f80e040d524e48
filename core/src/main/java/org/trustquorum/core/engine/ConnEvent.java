package org.trustquorum.core.engine;

import org.trustquorum.core.Check;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/**
 * What a {@link ConnectionTable} call caused, in order. The engine turns these into outputs,
 * tracker updates and protocol notifications; tests assert on them directly.
 */
public sealed interface ConnEvent {

    /** A new outbound attempt was allocated; the driver must dial. */
    record DialStarted(long incarnation, PeerAddress address) implements ConnEvent {}

    /** A frame was accepted into the incarnation's outbound queue; the driver must send it. */
    record Sent(long incarnation, WireMsg msg) implements ConnEvent {}

    /** {@code incarnation} became the peer's current (only) established incarnation. */
    record Connected(NodeId peer, long incarnation) implements ConnEvent {}

    /** The peer's previous established incarnation was closed because a newer one took over. */
    record Replaced(NodeId peer, long oldIncarnation, long newIncarnation) implements ConnEvent {}

    /**
     * The table ended a live incarnation itself (timeout, overflow, replacement, shutdown): the
     * driver must close it. This is that incarnation's one exit processing.
     */
    record Closed(long incarnation, ExitCause cause) implements ConnEvent {
        public Closed {
            Check.notNull(cause, "cause");
        }
    }

    /** The driver reported the exit of a live incarnation: its one exit processing. */
    record Exited(long incarnation, ExitCause cause) implements ConnEvent {
        public Exited {
            Check.notNull(cause, "cause");
        }
    }

    /** The peer's current established incarnation ended; the peer has no connection now. */
    record Disconnected(NodeId peer, long incarnation) implements ConnEvent {}

    /** An event about an incarnation that is not live (or not in the right state) was ignored. */
    record Dropped(long incarnation, String reason) implements ConnEvent {}
}
