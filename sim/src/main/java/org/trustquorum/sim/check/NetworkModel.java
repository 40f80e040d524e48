package org.trustquorum.sim.check;

/**
 * The simulator's own promises about the network it models: each direction of a connection
 * delivers its frames in the order they were sent, and every incarnation whose connection ended
 * gets its exit scheduled.
 */
public final class NetworkModel {
    public static final String NAME = "network-model";

    private NetworkModel() {}

    /** Frame {@code wireSeq} of direction {@code dir} is delivered when {@code expected} is due. */
    public static void inOrder(long connId, int dir, long wireSeq, long expected) {
        if (wireSeq != expected) {
            throw new Violation(NAME, "connection " + connId + " delivered frame " + wireSeq + " of direction "
                    + dir + " out of order (expected " + expected + ")");
        }
    }

    /** At the end of a run: an incarnation of a live node whose connection has ended has its exit on the way. */
    public static void exitScheduled(String node, long inc, boolean connectionEnded, boolean exitScheduled) {
        if (connectionEnded && !exitScheduled) {
            throw new Violation(NAME, node + ": incarnation " + inc + " ended without an exit scheduled for it");
        }
    }
}
