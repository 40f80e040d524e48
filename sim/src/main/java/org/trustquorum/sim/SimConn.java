package org.trustquorum.sim;

import java.util.ArrayDeque;
import org.trustquorum.core.msg.WireMsg;

/**
 * One simulated connection between a dialer (side 0) and an acceptor (side 1). Frames flow in two
 * directions, each FIFO; direction d carries frames sent by side d. Each side is an {@link End}
 * with its own incarnation id in its own node's engine.
 */
final class SimConn {
    static final int DIALER = 0;
    static final int ACCEPTOR = 1;

    final long id;
    final SimNode[] nodes;
    final End[] ends = new End[2];
    @SuppressWarnings("unchecked")
    final ArrayDeque<WireMsg>[] queue = new ArrayDeque[] {new ArrayDeque<WireMsg>(), new ArrayDeque<WireMsg>()};
    final boolean[] flushScheduled = new boolean[2];
    final long[] flushToken = new long[2];
    /** Frames in this direction are lost from now on (the connection broke under them). */
    final boolean[] dirDead = new boolean[2];
    /** No more progress toward establishment (closed, aborted, or failed). */
    boolean terminated;
    boolean handshakeDone;

    SimConn(long id, SimNode dialer, SimNode acceptor) {
        this.id = id;
        this.nodes = new SimNode[] {dialer, acceptor};
    }

    /** One side of a connection: an incarnation of one node's engine in one of its lives. */
    static final class End {
        final SimConn conn;
        final int side;
        final SimNode node;
        final int life;
        final long inc;
        /** The simulator's model: established at this end, not closed, not exited. */
        boolean open;
        boolean establishDelivered;
        boolean closedByEngine;
        boolean replaced;
        boolean exitScheduled;
        boolean exitDelivered;
        /** Events to this end are delivered in order: nothing is scheduled before this time. */
        long lastEventAt;
        int unflushed;
        long lastPingAt;
        long lostAt = -1;

        End(SimConn conn, int side, SimNode node, int life, long inc, long now) {
            this.conn = conn;
            this.side = side;
            this.node = node;
            this.life = life;
            this.inc = inc;
            this.lastEventAt = now;
        }

        SimNode peerNode() {
            return conn.nodes[1 - side];
        }

        End other() {
            return conn.ends[1 - side];
        }

        boolean alive() {
            return node.life == life && node.up;
        }
    }
}
