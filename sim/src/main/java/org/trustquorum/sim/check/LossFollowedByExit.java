package org.trustquorum.sim.check;

/** When a frame is lost, the sending end's incarnation exits within a bound (§4.1). */
public final class LossFollowedByExit {
    public static final String NAME = "loss-followed-by-exit";

    private LossFollowedByExit() {}

    /**
     * The bound after a loss on incarnation {@code inc} has passed: if the node is still in the life
     * that lost the frame ({@code alive}), the incarnation's exit must have been delivered.
     */
    public static void atDeadline(String node, long inc, boolean alive, boolean exitDelivered, long lostAtMs,
            long boundMs) {
        if (alive && !exitDelivered) {
            throw overdue(node, inc, lostAtMs, boundMs);
        }
    }

    public static Violation overdue(String node, long inc, long lostAtMs, long boundMs) {
        return new Violation(NAME, node + " lost a frame on incarnation " + inc + " at " + lostAtMs
                + " ms and the incarnation has not exited within " + boundMs + " ms");
    }
}
