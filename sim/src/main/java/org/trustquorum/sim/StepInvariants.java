package org.trustquorum.sim;

import java.util.List;
import java.util.Map;
import org.trustquorum.core.auth.ConfigAuthority;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.sim.check.AuthorizedState;
import org.trustquorum.sim.check.CommittedImpliesPrepared;
import org.trustquorum.sim.check.ConnectionViewMatches;
import org.trustquorum.sim.check.EngineInvariants;
import org.trustquorum.sim.check.ExpungedIsFinal;
import org.trustquorum.sim.check.NetworkConfigIsDurable;
import org.trustquorum.sim.check.NoConfigBelowCommit;
import org.trustquorum.sim.check.NotCoordinatingWhileComputing;
import org.trustquorum.sim.check.OneConfigPerEpoch;
import org.trustquorum.sim.check.ShareMatchesDigest;
import org.trustquorum.sim.check.TrackerClearedOnExit;

/**
 * The per-step invariants, in the order they have always run: those on every write before it is
 * made durable, and those on a node's engine after each step. The order matters: the first check
 * that fails names the run's violation.
 */
final class StepInvariants {
    private StepInvariants() {
    }

    /** Checks a write ({@code before} is what is durable now) before the ledger takes it. */
    static void beforePersist(SimNode n, PersistentState before, PersistentState next, ConfigAuthority authority,
            Map<Epoch, Configuration> decided, OneConfigPerEpoch oneConfigPerEpoch) {
        ExpungedIsFinal.check(n.name, before, next);
        NoConfigBelowCommit.check(n.name, before, next);
        NetworkConfigIsDurable.onPersist(n.name, before, next);
        CommittedImpliesPrepared.check(n.name, next);
        ShareMatchesDigest.check(n.id, next, before);
        AuthorizedState.check(n.name, n.id, before, next, authority, decided);
        oneConfigPerEpoch.onPersist(n.name, next);
    }

    /**
     * After a step of a live node; {@code structural} steps (that could change the connection
     * table, the tracker or the peer set) get the full checks, with the ends closed in the step.
     */
    static void afterStep(SimNode n, boolean structural, List<SimConn.End> closedThisStep, SimNode[] nodes) {
        NotCoordinatingWhileComputing.check(n.name, n.engine.protocol());
        if (structural) {
            for (SimConn.End e : closedThisStep) {
                TrackerClearedOnExit.check(n.name, e.inc, n.engine.connections().tracker());
            }
            checkConnectionView(n, nodes);
            EngineInvariants.check(n.name, n.engine);
        }
    }

    /**
     * The engine's connected peers are exactly the simulator's open ends: every open end is
     * established in the engine for its peer, and the engine has no other connected peer. (The
     * engine's own invariants, checked in the same step, make each established incarnation its
     * peer's current one.) Looks up incarnations, not node ids, to stay cheap.
     */
    private static void checkConnectionView(SimNode n, SimNode[] nodes) {
        var table = n.engine.connections().table();
        int open = 0;
        for (SimConn.End e : n.openByPeer) {
            if (e != null) {
                open++;
                NodeId peer = table.establishedPeer(e.inc);
                if (peer == null || !peer.equals(e.peerNode().id)) {
                    ConnectionViewMatches.check(n.name, e.peerNode().id, e.inc, table);
                }
            }
        }
        int connected = table.connectedPeers().size();
        if (connected != open) {
            for (SimNode p : nodes) {
                if (p != n) {
                    SimConn.End e = n.openByPeer[p.index];
                    ConnectionViewMatches.check(n.name, p.id, e == null ? -1 : e.inc, table);
                }
            }
        }
    }
}
