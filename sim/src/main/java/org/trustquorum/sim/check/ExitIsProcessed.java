package org.trustquorum.sim.check;

import java.util.OptionalLong;
import org.trustquorum.core.engine.ConnectionTable;
import org.trustquorum.core.model.NodeId;

/** After an incarnation's exit is delivered it is gone from the table, whatever the cause (§4.3 case 3). */
public final class ExitIsProcessed {
    public static final String NAME = "exit-processed";

    private ExitIsProcessed() {}

    public static void check(String node, long inc, Object cause, NodeId peer, ConnectionTable table) {
        if (table.state(inc).isPresent()) {
            throw new Violation(NAME, node + ": incarnation " + inc + " is still " + table.state(inc).get()
                    + " after its exit (" + cause + ") was delivered");
        }
        if (peer != null) {
            OptionalLong current = table.currentIncarnation(peer);
            if (current.isPresent() && current.getAsLong() == inc) {
                throw new Violation(NAME, node + ": " + peer + " is still connected on incarnation " + inc
                        + " after its exit (" + cause + ")");
            }
        }
    }
}
