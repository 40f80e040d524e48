package org.trustquorum.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.PersistentState;

/**
 * A few nodes wired together in a test: every envelope is delivered in FIFO order to a connected
 * recipient, and dropped otherwise. Not the simulator; just enough to drive whole protocol runs.
 */
final class TestCluster {
    static final int MAX_DELIVERIES = 100_000;

    static final class Peer {
        final NodeId id;
        NodeCtx ctx;
        Node node;
        final RandomGenerator rng;

        Peer(NodeId id, long seed) {
            this.id = id;
            this.rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            this.ctx = new NodeCtx(id, PersistentState.EMPTY);
            this.node = new Node(ctx, rng);
        }
    }

    final Map<NodeId, Peer> peers = new TreeMap<>();
    /** Pairs (a, b) with a < b that are connected. */
    final Set<List<NodeId>> links = new TreeSet<>((x, y) -> {
        int c = x.get(0).compareTo(y.get(0));
        return c != 0 ? c : x.get(1).compareTo(y.get(1));
    });
    final Deque<Envelope> inFlight = new ArrayDeque<>();
    int delivered;

    static NodeId id(int i) {
        return new NodeId("913-0000019", String.format("sled-%02d", i));
    }

    TestCluster(int n, long seed) {
        for (int i = 0; i < n; i++) {
            add(id(i), seed * 1_000 + i);
        }
    }

    Peer add(NodeId id, long seed) {
        Peer p = new Peer(id, seed);
        peers.put(id, p);
        return p;
    }

    Peer peer(NodeId id) {
        return peers.get(id);
    }

    NodeCtx ctx(NodeId id) {
        return peers.get(id).ctx;
    }

    Node node(NodeId id) {
        return peers.get(id).node;
    }

    List<NodeId> ids() {
        return new ArrayList<>(peers.keySet());
    }

    private static List<NodeId> link(NodeId a, NodeId b) {
        return a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
    }

    boolean connected(NodeId a, NodeId b) {
        return links.contains(link(a, b));
    }

    void connect(NodeId a, NodeId b) {
        if (links.add(link(a, b))) {
            node(a).onConnect(ctx(a), b);
            node(b).onConnect(ctx(b), a);
            collect();
        }
    }

    void disconnect(NodeId a, NodeId b) {
        if (links.remove(link(a, b))) {
            node(a).onDisconnect(ctx(a), b);
            node(b).onDisconnect(ctx(b), a);
        }
    }

    void connectAll() {
        for (NodeId a : peers.keySet()) {
            for (NodeId b : peers.keySet()) {
                if (a.compareTo(b) < 0) {
                    connect(a, b);
                }
            }
        }
    }

    /** Isolates a node from everyone. */
    void isolate(NodeId a) {
        for (NodeId b : peers.keySet()) {
            if (!a.equals(b)) {
                disconnect(a, b);
            }
        }
    }

    /** Memory lost, persistent state kept; the node comes back disconnected. */
    void restart(NodeId a) {
        isolate(a);
        Peer p = peers.get(a);
        PersistentState kept = p.ctx.state();
        p.ctx = new NodeCtx(a, kept);
        p.node = new Node(p.ctx, p.rng);
    }

    /** Moves every node's outgoing envelopes into the network. */
    void collect() {
        for (Peer p : peers.values()) {
            inFlight.addAll(p.ctx.drainEnvelopes());
        }
    }

    /** Delivers until nothing is in flight. */
    void run() {
        collect();
        while (!inFlight.isEmpty()) {
            if (++delivered > MAX_DELIVERIES) {
                throw new AssertionError("cluster did not quiesce");
            }
            Envelope e = inFlight.pollFirst();
            Peer to = peers.get(e.to());
            if (to != null && connected(e.from(), e.to())) {
                to.node.handle(to.ctx, e.from(), e.msg());
            }
            collect();
        }
    }
}
