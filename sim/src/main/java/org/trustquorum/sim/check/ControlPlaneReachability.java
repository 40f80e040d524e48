package org.trustquorum.sim.check;

/**
 * The control plane calls directly only nodes on the management network: the bootstrap nodes and
 * nodes that have durably committed a configuration. Every other node is reached through a proxy.
 */
public final class ControlPlaneReachability {
    public static final String NAME = "cp-reachability";

    private ControlPlaneReachability() {}

    public static Violation unreachable(String node, String request) {
        return new Violation(NAME, "the control plane called " + node + " directly (" + request
                + ") but that node is not on the management network");
    }
}
