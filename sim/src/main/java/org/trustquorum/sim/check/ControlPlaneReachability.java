package org.trustquorum.sim.check;

import java.util.function.Supplier;
import org.trustquorum.core.model.PersistentState;

/**
 * The control plane calls directly only nodes on the management network: the bootstrap nodes and
 * nodes that have durably committed a configuration. Every other node is reached through a proxy.
 */
public final class ControlPlaneReachability {
    public static final String NAME = "cp-reachability";

    private ControlPlaneReachability() {}

    /** Whether a node is on the management network: a bootstrap node, or one whose ledger holds a commit. */
    public static boolean onManagementNetwork(boolean bootstrap, PersistentState durable) {
        return bootstrap || !durable.latestCommittedEpoch().isNone();
    }

    /**
     * The control plane is about to call {@code node} directly (as the target, or as the proxy for
     * another node): that node must be on the management network.
     */
    public static void check(String node, boolean bootstrap, PersistentState durable, Supplier<String> request) {
        if (!onManagementNetwork(bootstrap, durable)) {
            throw unreachable(node, request.get());
        }
    }

    public static Violation unreachable(String node, String request) {
        return new Violation(NAME, "the control plane called " + node + " directly (" + request
                + ") but that node is not on the management network");
    }
}
