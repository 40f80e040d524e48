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
import org.trustquorum.core.api.CommitStatus;
import org.trustquorum.core.api.NodeError;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.controlplane.CpReply;
import org.trustquorum.core.controlplane.CpRequest;
import org.trustquorum.core.crypto.RackSecret;
import org.trustquorum.core.TestAuth;
import org.trustquorum.core.api.ReconfigureRequest;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.CpSignature;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.Result;
import java.util.Optional;

/**
 * A few nodes wired together in a test: every envelope is delivered in FIFO order to a connected
 * recipient, and dropped otherwise. Not the simulator; just enough to drive whole protocol runs.
 */
public final class TestCluster {
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
            this.node = new Node(ctx, rng, TestAuth.AUTHORITY, mutationForNewNodes);
        }
    }

    /** Only {@link ProtocolMutationsTest} changes this, to show tests fail once a guard is off. */
    static org.trustquorum.core.Mutation mutationForNewNodes = org.trustquorum.core.Mutation.NONE;

    final Map<NodeId, Peer> peers = new TreeMap<>();
    /** Pairs (a, b) with a < b that are connected. */
    final Set<List<NodeId>> links = new TreeSet<>((x, y) -> {
        int c = x.get(0).compareTo(y.get(0));
        return c != 0 ? c : x.get(1).compareTo(y.get(1));
    });
    final Deque<Envelope> inFlight = new ArrayDeque<>();
    int delivered;

    public static NodeId id(int i) {
        return new NodeId("913-0000019", String.format("sled-%02d", i));
    }

    public TestCluster(int n, long seed) {
        for (int i = 0; i < n; i++) {
            add(id(i), seed * 1_000 + i);
        }
    }

    public Peer add(NodeId id, long seed) {
        Peer p = new Peer(id, seed);
        peers.put(id, p);
        return p;
    }

    public Peer peer(NodeId id) {
        return peers.get(id);
    }

    public NodeCtx ctx(NodeId id) {
        return peers.get(id).ctx;
    }

    public Node node(NodeId id) {
        return peers.get(id).node;
    }

    public List<NodeId> ids() {
        return new ArrayList<>(peers.keySet());
    }

    private static List<NodeId> link(NodeId a, NodeId b) {
        return a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
    }

    public boolean connected(NodeId a, NodeId b) {
        return links.contains(link(a, b));
    }

    public void connect(NodeId a, NodeId b) {
        if (links.add(link(a, b))) {
            node(a).onConnect(ctx(a), b);
            node(b).onConnect(ctx(b), a);
            collect();
        }
    }

    public void disconnect(NodeId a, NodeId b) {
        if (links.remove(link(a, b))) {
            node(a).onDisconnect(ctx(a), b);
            node(b).onDisconnect(ctx(b), a);
        }
    }

    public void connectAll() {
        for (NodeId a : peers.keySet()) {
            for (NodeId b : peers.keySet()) {
                if (a.compareTo(b) < 0) {
                    connect(a, b);
                }
            }
        }
    }

    /** Isolates a node from everyone. */
    public void isolate(NodeId a) {
        for (NodeId b : peers.keySet()) {
            if (!a.equals(b)) {
                disconnect(a, b);
            }
        }
    }

    /** Memory lost, persistent state kept; the node comes back disconnected. */
    public void restart(NodeId a) {
        isolate(a);
        Peer p = peers.get(a);
        PersistentState kept = p.ctx.state();
        p.ctx = new NodeCtx(a, kept);
        p.node = new Node(p.ctx, p.rng, TestAuth.AUTHORITY, mutationForNewNodes);
    }

    /** Moves every node's outgoing envelopes into the network. */
    public void collect() {
        for (Peer p : peers.values()) {
            inFlight.addAll(p.ctx.drainEnvelopes());
        }
    }

    /** Delivers until nothing is in flight. */
    public void run() {
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

    /** Applies a control-plane request at a node, as its engine would. */
    public CpReply apply(NodeId at, CpRequest request) {
        NodeCtx ctx = ctx(at);
        Node node = node(at);
        CpReply reply = switch (request) {
            case CpRequest.Reconfigure r -> toReply(node.coordinateReconfiguration(ctx, r.request()).map(CpReply.Reconfigured::new));
            case CpRequest.Commit c -> toReply(node.commit(ctx, c.rackId(), c.epoch(), c.commitSignature()).map(CpReply.Committed::new));
            case CpRequest.PrepareAndCommit p -> toReply(node.prepareAndCommit(ctx, p.config(), p.commitSignature()).map(CpReply.Committed::new));
            case CpRequest.Status s -> new CpReply.StatusReport(status(at));
            case CpRequest.Watch w -> watched(at);
        };
        collect();
        return reply;
    }

    private static <E extends NodeError> CpReply toReply(Result<? extends CpReply, E> r) {
        return switch (r) {
            case Result.Ok<? extends CpReply, E> ok -> ok.value();
            case Result.Err<? extends CpReply, E> err -> new CpReply.Refused(err.error());
        };
    }

    /** Coordinates at {@code at} a request the control plane signed for it. */
    public Result<ReconfigureOutcome, NodeError.ReconfigureError> coordinate(NodeId at, ReconfigureRequest r) {
        return node(at).coordinateReconfiguration(ctx(at), TestAuth.sign(r, at));
    }

    /** Commits at {@code at} with the control plane's signature of the configuration {@code at} stored. */
    public Result<CommitStatus, NodeError.CommitError> commitAt(NodeId at, Epoch epoch) {
        CpSignature proof = ctx(at).state().config(epoch).map(TestAuth::commitOf).orElse(null);
        return node(at).commit(ctx(at), ClusterScenarioTest.RACK, epoch, proof);
    }

    /** Prepare-and-commit at {@code at} with the control plane's signature of {@code config}. */
    public Result<CommitStatus, NodeError.PrepareAndCommitError> prepareAndCommitAt(NodeId at, Configuration config) {
        return node(at).prepareAndCommit(ctx(at), config, TestAuth.commitOf(config));
    }

    public NodeStatus status(NodeId at) {
        return node(at).status(ctx(at), List.of());
    }

    /** Last status reported to a watch, and its version, by node (the harness answers every watch at once). */
    private final Map<NodeId, NodeStatus> watchedStatus = new TreeMap<>();
    private final Map<NodeId, Long> watchedVersion = new TreeMap<>();

    private CpReply watched(NodeId at) {
        NodeStatus now = status(at);
        if (!now.equals(watchedStatus.get(at))) {
            watchedStatus.put(at, now);
            watchedVersion.merge(at, 1L, Long::sum);
        }
        return new CpReply.Watched(watchedVersion.get(at), now);
    }

    /** Loads a secret, running the cluster while the node collects shares; returns its bytes. */
    public byte[] loadSecret(NodeId at, Epoch epoch) {
        Result<Optional<RackSecret>, NodeError.LoadSecretError> r = node(at).loadRackSecret(ctx(at), epoch);
        if (r.orElseThrow().isEmpty()) {
            run();
            r = node(at).loadRackSecret(ctx(at), epoch);
        }
        try (RackSecret s = r.orElseThrow().orElseThrow()) {
            return s.copyBytes();
        }
    }
}
