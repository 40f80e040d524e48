package org.trustquorum.sim;

import java.util.LinkedHashMap;
import org.trustquorum.core.engine.EngineHost;
import org.trustquorum.core.engine.NodeEngine;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.sim.scenario.Entry;

/** One simulated node: its engine (while up), its durable ledger, and the simulator's view of its connections and calls. */
final class SimNode {
    final int index;
    final NodeId id;
    final String name;
    final PeerAddress address;
    final Ledger ledger = new Ledger();

    NodeEngine engine;
    /** Drives {@link #engine} (this life's); the simulator never steps the engine itself. */
    EngineHost host;
    Simulation.NodeIo io;
    boolean up;
    /** Incremented at every crash: events of an earlier life are ignored. */
    int life;
    long timerToken;

    /** This life's incarnations that have not exited yet, by incarnation id (insertion order). */
    final LinkedHashMap<Long, SimConn.End> ends = new LinkedHashMap<>();
    /** The open (established, not closed, not exited) end toward each peer, by peer index. */
    final SimConn.End[] openByPeer;
    /** This life's API calls not answered yet, by reply id (insertion order). */
    final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();

    /** A crash armed to hit at the next persisting step, or null. */
    Entry.CrashPoint armedCrash;
    long armedDownMs;

    /** Liveness phase: the epoch whose secret this node loaded and matched, and whether a load is in flight. */
    Epoch verifiedEpoch = Epoch.NONE;
    boolean livenessLoadInFlight;

    /** Spec trace only (this life): who sent this node shares, by epoch; epochs whose load was exported. */
    final java.util.Map<Epoch, java.util.TreeSet<Integer>> shareSenders = new java.util.TreeMap<>();
    final java.util.Set<Epoch> exportedLoads = new java.util.TreeSet<>();

    record Pending(long replyId, org.trustquorum.core.engine.ApiRequest request, CallOrigin origin, long issuedAt) {}

    SimNode(int index, int nodes, NodeId id, PeerAddress address) {
        this.index = index;
        this.id = id;
        this.name = "n" + (index < 10 ? "0" : "") + index;
        this.address = address;
        this.openByPeer = new SimConn.End[nodes];
    }

    @Override
    public String toString() {
        return name;
    }
}
