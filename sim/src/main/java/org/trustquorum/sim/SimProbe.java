package org.trustquorum.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.trustquorum.core.controlplane.ControlPlane;
import org.trustquorum.core.controlplane.CpLedger;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.EpochShare;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.sim.view.CpSnapshot;
import org.trustquorum.sim.view.NodeSnapshot;

/**
 * What {@link Simulation#watch} hands out: read-only snapshots of the nodes and the control plane as they are now.
 * Reads only; a watcher never changes the run.
 */
final class SimProbe implements RunProbe {
    /** The control plane's state as the simulation holds it right now (it changes across crashes and restarts). */
    interface CpView {
        boolean cpUp();

        ControlPlane cp();

        CpLedger cpDurable();

        int cpLife();
    }

    private final SimNode[] nodes;
    private final EventText text;
    private final CpView cpView;

    SimProbe(SimNode[] nodes, EventText text, CpView cpView) {
        this.nodes = nodes;
        this.text = text;
        this.cpView = cpView;
    }

    @Override
    public int nodes() {
        return nodes.length;
    }

    @Override
    public NodeSnapshot node(int index) {
        SimNode n = nodes[index];
        PersistentState d = n.ledger.durable();
        List<NodeSnapshot.ConfigView> configs = new ArrayList<>();
        for (Configuration c : d.configs()) {
            configs.add(new NodeSnapshot.ConfigView(c.epoch().value(), text.nameOf(c.coordinator()),
                    text.namesOf(c.memberIds()), c.threshold().value()));
        }
        List<Long> shares = EventText.epochs(d.shares().stream().map(EpochShare::epoch).toList());
        List<Long> commits = EventText.epochs(d.commits());
        Long expunged = d.expunged() == null ? null : d.expunged().epoch().value();
        String expungedBy = d.expunged() == null ? null : text.nameOf(d.expunged().from());
        if (!n.up) {
            return new NodeSnapshot(n.name, false, n.life, n.ledger.generation(), configs, shares, commits,
                    expunged, expungedBy, List.of(), List.of(), List.of(), null, 0, List.of(), List.of(),
                    List.of());
        }
        NodeEngine eng = n.engine;
        var table = eng.connections().table();
        List<NodeSnapshot.ConnView> conns = new ArrayList<>();
        for (SimConn.End e : n.ends.values()) {
            String state = e.closedByEngine ? "CLOSED" : table.state(e.inc).map(Enum::name).orElse("GONE");
            conns.add(new NodeSnapshot.ConnView(e.inc, e.peerNode().name, state));
        }
        conns.sort(Comparator.comparingLong(NodeSnapshot.ConnView::inc));
        var cs = eng.protocol().coordinatorStatus();
        NodeSnapshot.CoordView coord = cs == null ? null
                : new NodeSnapshot.CoordView(cs.epoch().value(), cs.phase().name(), text.namesOf(cs.acked()));
        List<NodeSnapshot.TrackedView> tracked = new ArrayList<>();
        for (var r : eng.connections().tracker().inFlight()) {
            tracked.add(new NodeSnapshot.TrackedView(r.requestId(), r.replyId(), text.nameOf(r.destination()),
                    r.incarnation(), ProxyOp.kind(r.op()), r.deadlineMs()));
        }
        List<NodeSnapshot.CallView> calls = new ArrayList<>();
        for (SimNode.Pending p : n.pending.values()) {
            calls.add(new NodeSnapshot.CallView(p.replyId(), text.describeRequest(p.request()), p.issuedAt()));
        }
        return new NodeSnapshot(n.name, true, n.life, n.ledger.generation(), configs, shares, commits, expunged,
                expungedBy, text.namesOf(eng.connections().connectedPeers()),
                text.namesOf(eng.status().connectedPeers()), conns, coord,
                eng.protocol().computingShareFor().value(), EventText.epochs(eng.protocol().loadedEpochs()), tracked,
                calls);
    }

    @Override
    public CpSnapshot controlPlane() {
        boolean cpUp = cpView.cpUp();
        ControlPlane cp = cpView.cp();
        CpLedger ledger = cpUp ? null : cpView.cpDurable();
        if (!cpUp && ledger == null) {
            return CpSnapshot.notStarted();
        }
        Configuration latest = cpUp ? cp.latestCommitted() : ledger.latestCommitted();
        CpLedger.Attempt a = cpUp ? cp.attempt() : ledger.attempt();
        List<NodeId> removed = cpUp ? cp.removed() : ledger.removed();
        CpSnapshot.AttemptView attempt = a == null ? null
                : new CpSnapshot.AttemptView(a.epoch().value(), text.nameOf(a.coordinator()),
                        text.namesOf(a.members()), a.threshold(), a.commitDecided(), text.namesOf(a.acked()),
                        text.namesOf(a.confirmed()));
        return new CpSnapshot(cpUp, cpView.cpLife(), latest == null ? 0 : latest.epoch().value(),
                latest == null ? List.of() : text.namesOf(latest.memberIds()), attempt, cpUp ? cp.inFlightCalls() : 0,
                text.namesOf(removed));
    }
}
