package org.trustquorum.core.engine;

import org.trustquorum.core.Check;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.model.NodeId;

/** Why a proxied call did not produce the destination's value. */
public sealed interface ProxyError {

    /** The bounded queue that refused the request. */
    enum Queue {
        /** This node's table of in-flight proxied requests. */
        LOCAL_QUEUE,
        /** The outbound frame queue of the connection to the destination. */
        CONNECTION_QUEUE
    }

    /** The destination ran the operation and returned its own error. */
    record Inner(NodeError error) implements ProxyError {
        public Inner {
            Check.notNull(error, "error");
        }
    }

    /** No connection to the destination, or the connection ended before the answer came. */
    record Disconnected(NodeId destination) implements ProxyError {
        public Disconnected {
            Check.notNull(destination, "destination");
        }
    }

    /** A bounded queue was full; nothing was sent. */
    record Busy(Queue which) implements ProxyError {
        public Busy {
            Check.notNull(which, "which");
        }
    }

    /** No answer within the per-request deadline; {@code afterMs} is the time waited. */
    record Timeout(long afterMs) implements ProxyError {}

    /** The answer's type does not fit the request (e.g. a Status result to a Commit). */
    record InvalidResponse(String expected, String received) implements ProxyError {
        public InvalidResponse {
            Check.notNull(expected, "expected");
            Check.notNull(received, "received");
        }
    }

    /** The node shut down before the answer came. */
    record Shutdown() implements ProxyError {}
}
