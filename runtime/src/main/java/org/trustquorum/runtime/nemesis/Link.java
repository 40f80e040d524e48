package org.trustquorum.runtime.nemesis;

import org.trustquorum.core.model.NodeId;

/**
 * One peer link of the cluster, as the fault proxy sees it: the node that dials it and the node
 * that accepts it (indexes are 0-based positions in the cluster). {@link Direction#UP} is the
 * byte stream from the dialer to the acceptor, {@link Direction#DOWN} the other way.
 */
public record Link(int dialerIndex, NodeId dialer, int acceptorIndex, NodeId acceptor) {

    /** A direction of a link's byte stream. */
    public enum Direction {
        UP("dialer to acceptor"),
        DOWN("acceptor to dialer");

        final String text;

        Direction(String text) {
            this.text = text;
        }
    }

    /** True if {@code node} is either end of this link. */
    public boolean touches(NodeId node) {
        return dialer.equals(node) || acceptor.equals(node);
    }

    /** Short form for schedules: {@code 3->1} (1-based node numbers, dialer first). */
    public String label() {
        return (dialerIndex + 1) + "->" + (acceptorIndex + 1);
    }
}
