package org.trustquorum.sim.check;

import java.util.List;
import org.trustquorum.core.model.NodeId;

/**
 * The exit of an incarnation that is no longer its peer's current one (replaced, or already
 * closed) changes nothing: the peer stays connected, in the table and in the protocol, exactly
 * when a newer incarnation is open (§4.3 case 4).
 */
public final class StaleExitIgnored {
    public static final String NAME = "stale-exit-ignored";

    private StaleExitIgnored() {}

    public static void check(String node, long inc, NodeId peer, boolean newerOpen, List<NodeId> protocolConnected) {
        if (protocolConnected.contains(peer) != newerOpen) {
            throw new Violation(NAME, node + ": the late exit of incarnation " + inc + " left the protocol "
                    + (newerOpen ? "disconnected from " : "connected to ") + peer + " although "
                    + (newerOpen ? "a newer incarnation is open" : "no incarnation is open"));
        }
    }
}
