package org.trustquorum.sim.check;

import org.trustquorum.core.engine.ConnectionTable;

/**
 * A queued "established" of an incarnation the engine already closed (or whose exit it already
 * processed) must not bring it back (§4.3 case 5).
 */
public final class NoEstablishAfterClose {
    public static final String NAME = "no-establish-after-close";

    private NoEstablishAfterClose() {}

    public static void check(String node, long inc, ConnectionTable table) {
        if (table.state(inc).isPresent()) {
            throw new Violation(NAME, node + ": incarnation " + inc + " is " + table.state(inc).get()
                    + " after a late 'established' although the engine had already closed it");
        }
    }
}
