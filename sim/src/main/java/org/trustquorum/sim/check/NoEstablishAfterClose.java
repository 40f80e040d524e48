package org.trustquorum.sim.check;

import java.util.List;
import org.trustquorum.core.engine.ConnectionTable;
import org.trustquorum.core.model.NodeId;

/**
 * A queued "established" of an incarnation the engine already closed (or whose exit it already
 * processed) must not bring it back (§4.3 case 5).
 */
public final class NoEstablishAfterClose {
    public static final String NAME = "no-establish-after-close";

    private NoEstablishAfterClose() {}

    /**
     * {@code otherOpen} tells whether another incarnation to the same peer is open, in which case
     * the peer is connected anyway.
     */
    public static void check(String node, long inc, ConnectionTable table, NodeId peer, boolean otherOpen,
            List<NodeId> protocolConnected) {
        if (table.state(inc).isPresent()) {
            throw new Violation(NAME, node + ": incarnation " + inc + " is " + table.state(inc).get()
                    + " after a late 'established' although the engine had already closed it");
        }
        if (!otherOpen && protocolConnected.contains(peer)) {
            throw new Violation(NAME, node + ": a late 'established' of closed incarnation " + inc
                    + " made the protocol treat " + peer + " as connected");
        }
    }
}
