package org.trustquorum.sim.check;

import java.util.OptionalLong;
import org.trustquorum.core.engine.ConnectionTable;
import org.trustquorum.core.model.NodeId;

/**
 * The engine's connected peers are exactly those with an incarnation the simulator delivered as
 * established and that has neither exited nor been closed (catches stale exits applied to a newer
 * connection, §4.3 case 4, and lost connects).
 */
public final class ConnectionViewMatches {
    public static final String NAME = "connection-view";

    private ConnectionViewMatches() {}

    /** {@code expectedInc} is the open incarnation the simulator knows for {@code peer}, or -1. */
    public static void check(String node, NodeId peer, long expectedInc, ConnectionTable table) {
        OptionalLong current = table.currentIncarnation(peer);
        long actual = current.isPresent() ? current.getAsLong() : -1;
        if (actual != expectedInc) {
            throw new Violation(NAME, node + " has " + (actual < 0 ? "no connection" : "incarnation " + actual)
                    + " to " + peer + " but the network has " + (expectedInc < 0 ? "none open" : "incarnation "
                    + expectedInc + " open"));
        }
    }
}
