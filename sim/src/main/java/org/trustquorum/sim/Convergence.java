package org.trustquorum.sim;

import java.util.Map;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.sim.check.NetworkModel;
import org.trustquorum.sim.check.NoAlarms;

/**
 * When the liveness phase is over: the conditions a healed cluster must reach, checked in a fixed
 * order so the first unmet one is the one reported. Reads the nodes and the control plane only.
 */
final class Convergence {
    private Convergence() {
    }

    /** Null when converged, else the first condition not met. */
    static String unmet(boolean cpUp, ControlPlane cp, SimNode[] nodes, Map<NodeId, SimNode> byId) {
        if (!cpUp) {
            return "the control plane is down";
        }
        Configuration latest = cp.latestCommitted();
        if (latest == null) {
            return "nothing was ever committed (the control plane is at epoch "
                    + (cp.attempt() == null ? "none" : cp.attempt().epoch()) + ")";
        }
        if (!cp.idle()) {
            return "the control plane is still working on epoch " + cp.attempt().epoch() + " (confirmed by "
                    + cp.attempt().confirmed().size() + " of " + cp.attempt().members().size() + ")";
        }
        Epoch e = latest.epoch();
        for (NodeId m : latest.memberIds()) {
            SimNode n = byId.get(m);
            if (!n.ledger.durable().isCommitted(e)) {
                return n.name + " has not committed epoch " + e;
            }
        }
        for (NodeId m : latest.memberIds()) {
            SimNode n = byId.get(m);
            if (!n.verifiedEpoch.equals(e)) {
                return n.name + " has not loaded the rack secret of epoch " + e;
            }
        }
        for (SimNode n : nodes) {
            if (!n.up) {
                return n.name + " is down";
            }
            if (n.engine.connections().tracker().size() > 0) {
                return n.name + " has " + n.engine.connections().tracker().size() + " proxied requests in flight";
            }
            for (SimNode.Pending p : n.pending.values()) {
                if (p.request() instanceof ApiRequest.Proxy) {
                    return n.name + " has not answered proxy call " + p.replyId();
                }
            }
            int connected = n.engine.connections().connectedPeers().size();
            if (connected != nodes.length - 1) {
                return n.name + " is connected to " + connected + " of " + (nodes.length - 1) + " peers";
            }
            NoAlarms.check(n.name, n.engine.alarms());
        }
        checkNetworkModel(nodes);
        return null;
    }

    /**
     * The simulator's own promise, checked at the end of a run: every incarnation of a live node
     * whose connection has ended has its exit on the way (exactly one per end).
     */
    static void checkNetworkModel(SimNode[] nodes) {
        for (SimNode n : nodes) {
            for (SimConn.End e : n.ends.values()) {
                NetworkModel.exitScheduled(n.name, e.inc, e.conn.terminated, e.exitScheduled);
            }
        }
    }
}
