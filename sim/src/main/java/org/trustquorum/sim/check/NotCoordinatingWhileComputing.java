package org.trustquorum.sim.check;

import org.trustquorum.core.protocol.Node;

/** A node never coordinates a reconfiguration while it computes its own share of a committed epoch. */
public final class NotCoordinatingWhileComputing {
    public static final String NAME = "coordinating-xor-computing";

    private NotCoordinatingWhileComputing() {}

    public static void check(String node, Node protocol) {
        if (!protocol.computingShareFor().isNone() && protocol.coordinatorStatus() != null) {
            throw new Violation(NAME, node + " coordinates epoch " + protocol.coordinatorStatus().epoch()
                    + " while computing its share of epoch " + protocol.computingShareFor());
        }
    }
}
