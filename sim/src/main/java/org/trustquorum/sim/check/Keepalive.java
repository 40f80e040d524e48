package org.trustquorum.sim.check;

/**
 * An established connection carries a ping every ping interval, or is closed: a frame is never
 * dropped silently while the connection is kept (§4.3 case 2).
 */
public final class Keepalive {
    public static final String NAME = "keepalive";

    private Keepalive() {}

    public static Violation missed(String node, long inc, String peer, long sinceMs) {
        return new Violation(NAME, node + " sent no ping on incarnation " + inc + " to " + peer + " for " + sinceMs
                + " ms and did not close it");
    }
}
