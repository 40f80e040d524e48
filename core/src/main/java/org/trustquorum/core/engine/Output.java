package org.trustquorum.core.engine;

import org.trustquorum.core.Check;
import org.trustquorum.core.model.Alarm;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.msg.WireMsg;

/** Everything an engine asks its driver to do. The driver performs them in list order. */
public sealed interface Output {

    /** Open a connection to {@code address}; report its events under {@code incarnation}. */
    record Dial(long incarnation, PeerAddress address) implements Output {
        public Dial {
            Check.notNull(address, "address");
        }
    }

    /**
     * The socket of an {@link Input.Accept} has this incarnation: the first output of that step, so
     * the driver knows the socket by it before any other output (a close of it) names it.
     */
    record Accepted(long incarnation) implements Output {}

    /**
     * Queue a frame on an incarnation. The driver reports written frames with
     * {@link Input.FramesFlushed}; it may lose frames only together with the incarnation (an exit
     * must follow).
     */
    record SendFrame(long incarnation, WireMsg msg) implements Output {
        public SendFrame {
            Check.notNull(msg, "msg");
        }
    }

    /**
     * Close an incarnation. The engine has already treated it as gone; the driver still reports
     * its {@link Input.ConnExited}, which the engine then ignores.
     */
    record CloseConn(long incarnation, ExitCause cause) implements Output {
        public CloseConn {
            Check.notNull(cause, "cause");
        }
    }

    /** The answer to the API call with this reply handle. */
    record Reply(long replyId, ApiResponse response) implements Output {
        public Reply {
            Check.notNull(response, "response");
        }
    }

    record RaiseAlarm(Alarm alarm) implements Output {
        public RaiseAlarm {
            Check.notNull(alarm, "alarm");
        }
    }

    /**
     * A peer sent a frame this node refused as unauthorised (a forged, unsigned or replayed
     * configuration, or an expunge without proof). Emitted for the first such frame of each peer;
     * the driver logs it. It never changes the node's state and is not an alarm.
     */
    record PeerRefused(NodeId peer, String kind, String reason) implements Output {
        public PeerRefused {
            Check.notNull(peer, "peer");
            Check.notNull(kind, "kind");
            Check.notNull(reason, "reason");
        }
    }

    /** Something worth recording in the event log; never holds a secret. */
    record TraceEvent(String kind, String detail) implements Output {
        public TraceEvent {
            Check.notNull(kind, "kind");
            Check.notNull(detail, "detail");
        }
    }
}
