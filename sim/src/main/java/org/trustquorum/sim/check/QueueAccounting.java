package org.trustquorum.sim.check;

import org.trustquorum.core.engine.ConnectionTable;

/** The engine's count of queued frames per incarnation equals the frames the network holds unflushed. */
public final class QueueAccounting {
    public static final String NAME = "queue-accounting";

    private QueueAccounting() {}

    public static void check(String node, long inc, int unflushed, ConnectionTable table) {
        if (table.state(inc).isPresent() && table.queuedFrames(inc) != unflushed) {
            throw new Violation(NAME, node + " counts " + table.queuedFrames(inc) + " queued frames on incarnation "
                    + inc + " but " + unflushed + " are unflushed");
        }
    }
}
