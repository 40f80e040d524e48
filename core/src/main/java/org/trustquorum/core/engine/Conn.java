package org.trustquorum.core.engine;

import org.trustquorum.core.engine.ConnectionTable.State;
import org.trustquorum.core.model.NodeId;

/**
 * One live incarnation of a {@link ConnectionTable}. Mutable and owned by the table alone; it is
 * an entry of the table's timer index, so its deadline is computed here from its own fields.
 */
final class Conn extends TimerIndex.Entry {
    final long incarnation;
    /** The dialed address, or null for an inbound incarnation. */
    final PeerAddress dialedAddress;
    final long allocatedAtMs;
    State state;
    NodeId peer;
    long lastInboundAtMs;
    long nextPingAtMs;
    int queuedFrames;
    /** Set by its exit processing; it is no longer in the table. */
    boolean ended;

    Conn(long incarnation, PeerAddress dialedAddress, State state, long allocatedAtMs) {
        this.incarnation = incarnation;
        this.dialedAddress = dialedAddress;
        this.state = state;
        this.allocatedAtMs = allocatedAtMs;
    }

    /** Its next deadline: the handshake timeout, or once established the inactivity timeout or next ping. */
    long dueMs(EngineLimits limits) {
        return switch (state) {
            case ESTABLISHED -> Math.min(lastInboundAtMs + limits.inactivityTimeoutMs(), nextPingAtMs);
            case DIALING, ACCEPTING -> allocatedAtMs + limits.handshakeTimeoutMs();
        };
    }
}
