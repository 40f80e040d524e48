package org.trustquorum.sim.check;

/** When a frame is lost, the sending end's incarnation exits within a bound (§4.1). */
public final class LossFollowedByExit {
    public static final String NAME = "loss-followed-by-exit";

    private LossFollowedByExit() {}

    public static Violation overdue(String node, long inc, long lostAtMs, long boundMs) {
        return new Violation(NAME, node + " lost a frame on incarnation " + inc + " at " + lostAtMs
                + " ms and the incarnation has not exited within " + boundMs + " ms");
    }
}
