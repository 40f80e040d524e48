package org.trustquorum.sim.check;

import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.protocol.Node;

/** A node never coordinates a reconfiguration while it computes its own share of a committed epoch. */
public final class NotCoordinatingWhileComputing {
    public static final String NAME = "coordinating-xor-computing";

    private NotCoordinatingWhileComputing() {}

    public static void check(String node, Node protocol) {
        Epoch computing = protocol.computingShareFor();
        if (!computing.isNone()) { // the coordinator's status is built only when it matters
            check(node, computing, protocol.coordinatorStatus());
        }
    }

    /**
     * @param computing the epoch whose share the node computes, or {@link Epoch#NONE}
     * @param coordinating the reconfiguration the node coordinates, or null
     */
    public static void check(String node, Epoch computing, NodeStatus.CoordinatorStatus coordinating) {
        if (!computing.isNone() && coordinating != null) {
            throw new Violation(NAME, node + " coordinates epoch " + coordinating.epoch()
                    + " while computing its share of epoch " + computing);
        }
    }
}
