package org.trustquorum.core.engine;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.trustquorum.core.Check;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/**
 * Everything a driver (simulator or runtime) feeds into a node's engine. The current time is
 * passed beside the input, never read by the engine.
 */
public sealed interface Input {

    /** An API call; {@code replyId} is the driver's handle for the {@link Output.Reply} that answers it. */
    record ApiCall(long replyId, ApiRequest request) implements Input {
        public ApiCall {
            Check.notNull(request, "request");
        }
    }

    /**
     * The driver accepted a socket (before its handshake). The engine allocates its incarnation
     * and reports it as the step's first output, {@link Output.Accepted}.
     */
    record Accept() implements Input {}

    /** A complete frame was decoded on a connection incarnation. */
    record FrameReceived(long incarnation, WireMsg msg) implements Input {
        public FrameReceived {
            Check.notNull(msg, "msg");
        }
    }

    /** The handshake of an incarnation completed; {@code peer} comes from the peer's certificate. */
    record ConnEstablished(long incarnation, NodeId peer) implements Input {
        public ConnEstablished {
            Check.notNull(peer, "peer");
        }
    }

    /** An incarnation is gone (whatever the reason). The driver reports this exactly once per incarnation. */
    record ConnExited(long incarnation, ExitCause cause) implements Input {
        public ConnExited {
            Check.notNull(cause, "cause");
        }
    }

    /** The driver wrote {@code count} more frames of this incarnation to the socket. */
    record FramesFlushed(long incarnation, int count) implements Input {
        public FramesFlushed {
            Check.argument(count >= 0, "flushed frame count must not be negative");
        }
    }

    /** The timer the driver armed for {@code nextDeadlineMs()} went off (early or late is fine). */
    record TimerFired() implements Input {}

    /** The set of peer addresses this node should be connected to (its own address may be included). */
    record PeersChanged(Set<PeerAddress> peers) implements Input {
        public PeersChanged {
            Check.notNull(peers, "peers");
            SortedSet<PeerAddress> sorted = new TreeSet<>(peers);
            peers = Collections.unmodifiableSortedSet(sorted);
        }
    }

    /** Stop: fail in-flight work, close every connection, dial no more. */
    record Shutdown() implements Input {}
}
