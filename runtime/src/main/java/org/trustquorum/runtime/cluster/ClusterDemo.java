package org.trustquorum.runtime.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Result;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.admin.AdminProtocol;
import org.trustquorum.runtime.cli.RuntimeMain;
import org.trustquorum.runtime.cp.AdminGateway;
import org.trustquorum.runtime.cp.ControlPlaneDriver;

/**
 * {@code tq cluster}: a local multi-process cluster on loopback, driven end to end.
 *
 * <ol>
 *   <li>certificates and one configuration file per node;
 *   <li>N node processes (this JVM's class path), all on the bootstrap network;
 *   <li>the initial configuration of the first N-1 nodes, through their admin APIs;
 *   <li>the last node joins: the control plane has no admin address for it, so every call to it
 *       goes as a proxy request through a member;
 *   <li>one node is killed (SIGKILL) and started again, and keeps its prepares and commits;
 *   <li>every member unlocks the same rack secret (compared by fingerprint), and the new node also
 *       recovers the first epoch's secret from the encrypted chain.
 * </ol>
 * Exit code 0 when every check passed, 1 with a message otherwise; the node processes are stopped
 * at the end unless {@code --keep-running}.
 */
public final class ClusterDemo {
    public static final int MIN_NODES = 4;
    public static final int MAX_NODES = Configuration.MAX_MEMBERS;
    /** Time for one reconfiguration to be committed at every member. */
    public static final Duration RECONFIGURE_TIMEOUT = Duration.ofSeconds(120);
    /** Time for one node to load a rack secret. */
    public static final Duration UNLOCK_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MS = 100;
    private static final String INDENT = "      ";
    private static final RackId RACK = RackId.random(new SecureRandom());

    private final int n;
    private final Path dir;
    private final boolean keepRunning;
    private final PrintStream out;
    private final ProcessCluster cluster;
    private final long startNanos = System.nanoTime();

    /** A check of the demo that did not hold. */
    private static final class DemoFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }

    public ClusterDemo(int nodes, Path dir, boolean keepRunning, PrintStream out) {
        this(nodes, dir, keepRunning, out, List.of());
    }

    /** The node processes of this demo (for tests that inspect them, their logs and their ledgers). */
    public ProcessCluster cluster() {
        return cluster;
    }

    /** A demo whose node processes get extra JVM arguments (tests use it to raise the log level). */
    public ClusterDemo(int nodes, Path dir, boolean keepRunning, PrintStream out, List<String> nodeJvmArgs) {
        this.n = nodes;
        this.dir = dir.toAbsolutePath().normalize();
        this.keepRunning = keepRunning;
        this.out = out;
        this.cluster = new ProcessCluster(this.dir, RuntimeMain.demoIds(Math.max(0, Math.min(nodes, MAX_NODES))), nodeJvmArgs);
    }

    public int run() {
        if (n < MIN_NODES || n > MAX_NODES) {
            out.println("tq cluster: --nodes must be in " + MIN_NODES + ".." + MAX_NODES
                    + " (the first N-1 form the initial configuration, which needs at least 3 members)");
            return 2;
        }
        Thread hook = new Thread(cluster::stopAll, "tq-cluster-stop");
        if (!keepRunning) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            demo();
            out.printf("OK: every check passed in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
            return 0;
        } catch (DemoFailure e) {
            out.println("FAILED: " + e.getMessage());
            out.println("node logs: " + dir.resolve("node-*/node.log"));
            return 1;
        } catch (Exception e) {
            out.println("FAILED: " + e);
            out.println("node logs: " + dir.resolve("node-*/node.log"));
            return 1;
        } finally {
            if (keepRunning) {
                cluster.printStillRunning(out, INDENT);
            } else {
                out.println("stopping the node processes (--keep-running leaves them up)");
                cluster.stopAll();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already exiting
                }
            }
        }
    }

    private void demo() throws Exception {
        List<NodeId> ids = RuntimeMain.demoIds(n);
        List<NodeId> initial = ids.subList(0, n - 1);
        NodeId newcomer = ids.get(n - 1);
        NodeId restarted = ids.get(1);
        int k1 = threshold(initial.size());
        int k2 = threshold(ids.size());
        out.println("tq cluster: " + n + " nodes on loopback, working directory " + dir);

        step(1, "certificates");
        String cleared;
        try {
            cleared = cluster.writeFiles();
        } catch (IOException e) {
            throw new DemoFailure(e.getMessage());
        }
        if (cleared != null) {
            out.println(INDENT + cleared);
        }
        out.println(INDENT + "a test CA and " + n + " node certificates in " + dir.resolve("certs"));

        step(2, "configuration");
        out.println(INDENT + "one config.json per node in " + dir.resolve("node-N") + "; admin token in "
                + dir.resolve("admin-token"));

        step(3, "start " + n + " node processes");
        for (ProcessCluster.Child c : cluster.children()) {
            cluster.start(c);
        }
        for (ProcessCluster.Child c : cluster.children()) {
            awaitHealthy(c);
            out.printf("%s%s  pid %-7d peers 127.0.0.1:%d  admin 127.0.0.1:%d%n", INDENT, c.id, c.process().pid(), c.peerPort,
                    c.adminPort);
        }
        awaitMesh();
        out.println(INDENT + "every node is connected to every other over mutual TLS");

        Map<NodeId, AdminClient> direct = new TreeMap<>();
        for (NodeId id : initial) {
            direct.put(id, cluster.admin(child(id)));
        }
        try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, initial, cluster.controlPlaneKey(), new AdminGateway(direct),
                line -> out.println(INDENT + line))) {
            step(4, "initial configuration: rack " + RACK + ", members " + names(initial) + ", threshold " + k1);
            Epoch first = reconfigure(cp, initial, k1);
            Map<NodeId, String> firstPrints = unlockAll(initial, first);
            String firstPrint = sameFingerprint(firstPrints, first);
            out.println(INDENT + "every member unlocks the epoch " + first + " secret: fingerprint " + firstPrint);

            step(5, "add " + newcomer + ": members " + names(ids) + ", threshold " + k2
                    + " (the control plane has no admin address for it: every call to it goes through a proxy)");
            Epoch second = reconfigure(cp, ids, k2);
            ControlPlaneDriver.Stats stats = cp.stats();
            if (stats.directTo(newcomer) != 0) {
                throw new DemoFailure("the control plane called " + newcomer + " directly " + stats.directTo(newcomer) + " times");
            }
            if (stats.proxiedTo(newcomer) == 0) {
                throw new DemoFailure("no call reached " + newcomer + " through a proxy");
            }
            NodeStatus joined = status(child(newcomer));
            if (!joined.committedEpochs().contains(second)) {
                throw new DemoFailure(newcomer + " does not report epoch " + second + " committed: " + joined.committedEpochs());
            }
            out.println(INDENT + "calls to " + newcomer + ": " + stats.directTo(newcomer) + " direct, "
                    + stats.proxiedTo(newcomer) + " through a proxy; it reports commits " + joined.committedEpochs());

            step(6, "restart " + restarted + " (SIGKILL, then start it again with the same ledger)");
            ProcessCluster.Child victim = child(restarted);
            NodeStatus before = status(victim);
            out.println(INDENT + "before: " + durable(before));
            long pid = victim.process().pid();
            int exit;
            try {
                exit = cluster.kill(victim);
            } catch (IOException e) {
                throw new DemoFailure(e.getMessage());
            }
            out.println(INDENT + "killed pid " + pid + " (exit " + exit + ")");
            cluster.start(victim);
            awaitHealthy(victim);
            NodeStatus after = status(victim);
            out.println(INDENT + "after:  " + durable(after) + " (pid " + victim.process().pid() + ")");
            if (!before.configEpochs().equals(after.configEpochs()) || !before.shareEpochs().equals(after.shareEpochs())
                    || !before.committedEpochs().equals(after.committedEpochs())) {
                throw new DemoFailure(restarted + " lost state across the restart: before " + durable(before) + ", after "
                        + durable(after));
            }
            out.println(INDENT + "kept its prepares (configurations and key shares) and its commits");
            awaitMesh();

            step(7, "unlock: every member loads the rack secret of epoch " + second);
            Map<NodeId, String> prints = unlockAll(ids, second);
            for (Map.Entry<NodeId, String> e : prints.entrySet()) {
                out.println(INDENT + e.getKey() + "  " + e.getValue());
            }
            String print = sameFingerprint(prints, second);
            if (print.equals(firstPrint)) {
                throw new DemoFailure("epoch " + second + " kept the secret of epoch " + first);
            }
            out.println(INDENT + "all " + ids.size() + " members hold the same secret (fingerprint " + print + ")");
            String chained = unlock(child(newcomer), first);
            if (!chained.equals(firstPrint)) {
                throw new DemoFailure(newcomer + " recovered a different epoch " + first + " secret from the chain: " + chained);
            }
            out.println(INDENT + newcomer + " also recovers the epoch " + first + " secret from the encrypted chain: "
                    + chained + " (same as in step 4)");
        }
    }

    /** A majority of the members (at least 2), which is always a valid threshold for 3+ members. */
    static int threshold(int members) {
        return Math.max(2, members / 2 + 1);
    }

    private void step(int i, String what) {
        out.printf("[%d/7] %s%n", i, what);
    }

    private static String names(List<NodeId> ids) {
        return ids.size() <= 2 ? ids.toString() : ids.get(0) + " .. " + ids.get(ids.size() - 1) + " (" + ids.size() + ")";
    }

    private static String durable(NodeStatus s) {
        return "configs " + s.configEpochs() + ", key shares " + s.shareEpochs() + ", commits " + s.committedEpochs();
    }

    private ProcessCluster.Child child(NodeId id) {
        return cluster.child(id);
    }

    private void awaitHealthy(ProcessCluster.Child c) throws Exception {
        try {
            cluster.awaitHealthy(c);
        } catch (IOException e) {
            throw new DemoFailure(e.getMessage());
        }
    }

    private void awaitMesh() throws Exception {
        try {
            cluster.awaitMesh(cluster.children());
        } catch (IOException e) {
            throw new DemoFailure(e.getMessage());
        }
    }

    // ---- admin calls ----

    private NodeStatus status(ProcessCluster.Child c) throws AdminException {
        return cluster.status(c);
    }

    private Epoch reconfigure(ControlPlaneDriver cp, List<NodeId> members, int k) throws Exception {
        long t0 = System.nanoTime();
        Result<Epoch, String> started = cp.reconfigure(members, k);
        if (!started.isOk()) {
            throw new DemoFailure("the control plane refused the reconfiguration: " + started.errorOrThrow());
        }
        try {
            cp.awaitIdle(RECONFIGURE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new DemoFailure(e.getMessage());
        }
        Epoch epoch = started.orElseThrow();
        out.printf("%sepoch %s committed at every member in %d ms%n", INDENT, epoch, (System.nanoTime() - t0) / 1_000_000);
        return epoch;
    }

    private Map<NodeId, String> unlockAll(List<NodeId> ids, Epoch epoch) throws Exception {
        Map<NodeId, String> prints = new TreeMap<>();
        for (NodeId id : ids) {
            prints.put(id, unlock(child(id), epoch));
        }
        return prints;
    }

    private String unlock(ProcessCluster.Child c, Epoch epoch) throws Exception {
        AdminClient a = cluster.admin(c);
        long deadline = System.nanoTime() + UNLOCK_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            var r = AdminClient.await(a.loadSecret(epoch));
            if (r instanceof Result.Err<AdminProtocol.SecretView, ?> err) {
                throw new DemoFailure(c.id + " cannot load the secret of epoch " + epoch + ": " + err.error());
            }
            AdminProtocol.SecretView v = r.orElseThrow();
            if (v.loaded()) {
                return v.fingerprint();
            }
            Thread.sleep(POLL_MS);
        }
        throw new DemoFailure(c.id + " did not load the secret of epoch " + epoch + " within " + UNLOCK_TIMEOUT.toSeconds() + " s");
    }

    private static String sameFingerprint(Map<NodeId, String> prints, Epoch epoch) throws DemoFailure {
        Set<String> distinct = new TreeSet<>(prints.values());
        if (distinct.size() != 1) {
            throw new DemoFailure("members disagree on the epoch " + epoch + " secret: " + prints);
        }
        return distinct.iterator().next();
    }
}
