package org.trustquorum.runtime.node;

import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;
import org.trustquorum.core.auth.ControlPlaneKey;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.cp.AdminGateway;
import org.trustquorum.runtime.tls.Certs;
import org.trustquorum.runtime.tls.NodeTls;

/**
 * Several nodes in one JVM, on loopback, with real mutual-TLS sockets, real ledgers in a
 * temporary directory and their admin APIs. Start-up binds port 0 everywhere and then tells
 * every node the others' addresses; a restarted node keeps its address.
 */
final class LocalCluster implements AutoCloseable {
    static final String LOOPBACK = "127.0.0.1";
    static final String TOKEN = "test-token-0123456789abcdef";
    /** Upper bound for every wait in these tests. */
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final long POLL_MS = 20;

    /** Faster reconnects than production so tests converge quickly. */
    static final EngineLimits TEST_LIMITS = EngineLimits.DEFAULTS.withReconnect(50, 500, 20);

    final Vertx vertx;
    final Path dir;
    final List<NodeId> ids = new ArrayList<>();
    final Certs.ClusterFiles certs;
    final EngineLimits limits;
    private final Map<NodeId, NodeDaemon> daemons = new TreeMap<>();
    private final Map<NodeId, Integer> ports = new TreeMap<>();
    private final Map<NodeId, Integer> adminPorts = new TreeMap<>();
    /** Durability to use instead of a plain ledger, per node (tests that control the disk). */
    final Map<NodeId, java.util.function.Function<Durability, Durability>> durabilityWrappers = new TreeMap<>();

    LocalCluster(Vertx vertx, Path dir, int n, EngineLimits limits) throws Exception {
        this.vertx = vertx;
        this.dir = dir;
        this.limits = limits;
        for (int i = 1; i <= n; i++) {
            ids.add(new NodeId("TQ-TEST", String.format("N%02d", i)));
        }
        this.certs = Certs.makeCluster(dir.resolve("certs"), ids);
    }

    static LocalCluster start(Vertx vertx, Path dir, int n) throws Exception {
        return start(vertx, dir, n, TEST_LIMITS);
    }

    static LocalCluster start(Vertx vertx, Path dir, int n, EngineLimits limits) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, n, limits);
        return c.startAll();
    }

    /** Starts every node (after the caller set up {@link #durabilityWrappers}). */
    LocalCluster startAll() throws Exception {
        LocalCluster c = this;
        for (NodeId id : c.ids) {
            c.startNode(id);
        }
        c.announcePeers();
        return c;
    }

    /** Certificates for {@code n} ids, but only the first {@code running} nodes started (the rest are for fake peers). */
    static LocalCluster startFirst(Vertx vertx, Path dir, int n, int running, EngineLimits limits) throws Exception {
        LocalCluster c = new LocalCluster(vertx, dir, n, limits);
        for (NodeId id : c.ids.subList(0, running)) {
            c.startNode(id);
        }
        c.announcePeers();
        return c;
    }

    /** The TLS identity of node {@code i} (for a fake peer pretending to be it). */
    NodeTls tls(int i) {
        return NodeTls.of(certs, id(i));
    }

    /** Established incarnations this node has for {@code peer} (the table allows at most one). */
    int establishedTo(NodeId at, NodeId peer) throws Exception {
        return node(at).inspect(e -> {
            int n = 0;
            for (long inc : e.connections().table().liveIncarnations()) {
                if (peer.equals(e.connections().table().establishedPeer(inc))) {
                    n++;
                }
            }
            return n;
        }).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean connected(NodeId at, NodeId peer) {
        try {
            return node(at).inspect(e -> e.connections().connectedPeers().contains(peer))
                    .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    NodeId id(int i) {
        return ids.get(i - 1);
    }

    /** The control plane's signing key, made beside the CA. */
    ControlPlaneKey controlPlaneKey() throws java.io.IOException {
        return ControlPlaneKeyFiles.readPair(certs.controlPlaneDir());
    }

    NodeSettings settings(NodeId id) {
        int i = ids.indexOf(id) + 1;
        Path ledgerDir = dir.resolve("node-" + i);
        return new NodeSettings(id, LOOPBACK, ports.getOrDefault(id, 0), LOOPBACK, List.of(), NodeTls.of(certs, id),
                List.of(ledgerDir.resolve("ledger-a.json"), ledgerDir.resolve("ledger-b.json")),
                new NodeSettings.Admin(LOOPBACK, adminPorts.getOrDefault(id, 0), TOKEN), limits,
                certs.controlPlanePublicKey());
    }

    void startNode(NodeId id) throws Exception {
        NodeSettings s = settings(id);
        Durability durability = Durability.of(new org.trustquorum.runtime.ledger.Ledger(s.ledgerPaths()));
        durability = durabilityWrappers.getOrDefault(id, x -> x).apply(durability);
        NodeDaemon d = NodeDaemon.start(vertx, s, durability).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        daemons.put(id, d);
        ports.put(id, d.node().address().port());
        adminPorts.put(id, d.node().adminPort());
    }

    /** Tells every running node where all nodes listen. */
    void announcePeers() throws Exception {
        Set<PeerAddress> all = new HashSet<>();
        for (NodeId id : ids) {
            if (ports.containsKey(id)) {
                all.add(new PeerAddress(LOOPBACK, ports.get(id)));
            }
        }
        for (NodeDaemon d : daemons.values()) {
            d.node().setPeers(all).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void stopNode(NodeId id) throws Exception {
        NodeDaemon d = daemons.remove(id);
        if (d.node().terminated().isComplete()) {
            return; // it stopped by itself
        }
        d.stop().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The daemon running a node (to stop it the way {@code tq node} does on SIGTERM). */
    NodeDaemon daemon(NodeId id) {
        return daemons.get(id);
    }

    /** Nodes still registered as running. */
    java.util.Set<NodeId> running() {
        return daemons.keySet();
    }

    /** Stops a node and starts it again on the same ports with the same ledger. */
    void restart(NodeId id) throws Exception {
        stopNode(id);
        startNode(id);
        announcePeers();
    }

    NodeVerticle node(NodeId id) {
        return daemons.get(id).node();
    }

    NodeVerticle node(int i) {
        return node(id(i));
    }

    AdminClient admin(NodeId id) {
        return new AdminClient(LOOPBACK, adminPorts.get(id), TOKEN);
    }

    /** A gateway that reaches only the given nodes' admin APIs. */
    AdminGateway gatewayTo(List<NodeId> reachable) {
        Map<NodeId, AdminClient> m = new TreeMap<>();
        for (NodeId id : reachable) {
            m.put(id, admin(id));
        }
        return new AdminGateway(m);
    }

    ApiResponse call(NodeId at, ApiRequest request) throws Exception {
        return node(at).call(request).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until every running node is connected to every other running node. */
    void awaitMesh() throws Exception {
        awaitTrue("full mesh", () -> {
            for (NodeId id : daemons.keySet()) {
                int peers;
                try {
                    peers = node(id).inspect(e -> e.connections().connectedPeers().size()).await(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return false;
                }
                if (peers != daemons.size() - 1) {
                    return false;
                }
            }
            return true;
        });
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(POLL_MS);
        }
    }

    @Override
    public void close() {
        for (NodeId id : new ArrayList<>(daemons.keySet())) {
            try {
                stopNode(id);
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }
}
