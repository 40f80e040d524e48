package org.trustquorum.sim.check;

/**
 * At most one established incarnation per peer: when a newer one is established the engine closes
 * the older one in the same step (§4.3 case 6).
 */
public final class OneConnectionPerPeer {
    public static final String NAME = "one-connection-per-peer";

    private OneConnectionPerPeer() {}

    public static Violation twoOpen(String node, String peer, long older, long newer) {
        return new Violation(NAME, node + " keeps incarnation " + older + " to " + peer
                + " established after incarnation " + newer + " to the same peer was established");
    }
}
