package org.trustquorum.runtime.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
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
import org.trustquorum.runtime.node.NodeConfig;
import org.trustquorum.runtime.tls.Certs;

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
    /** Time for all node processes to answer on their admin API. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Time for every node to be connected to every other. */
    public static final Duration MESH_TIMEOUT = Duration.ofSeconds(60);
    /** Time for one reconfiguration to be committed at every member. */
    public static final Duration RECONFIGURE_TIMEOUT = Duration.ofSeconds(120);
    /** Time for one node to load a rack secret. */
    public static final Duration UNLOCK_TIMEOUT = Duration.ofSeconds(60);
    /** Time a node process gets to stop after SIGTERM before it is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MS = 100;
    private static final int TOKEN_BYTES = 24;
    /** Marks a directory as made by this command, so a second run may reuse it. */
    private static final String MARKER = ".tq-cluster";
    private static final String INDENT = "      ";
    private static final RackId RACK = RackId.random(new SecureRandom());

    private final int n;
    private final Path dir;
    private final boolean keepRunning;
    private final PrintStream out;
    private final List<Child> children = new ArrayList<>();
    private String token;
    private final long startNanos = System.nanoTime();

    /** One node process. */
    private static final class Child {
        final int index;
        final NodeId id;
        final Path config;
        final Path log;
        final int peerPort;
        final int adminPort;
        Process process;

        Child(int index, NodeId id, Path config, Path log, int peerPort, int adminPort) {
            this.index = index;
            this.id = id;
            this.config = config;
            this.log = log;
            this.peerPort = peerPort;
            this.adminPort = adminPort;
        }
    }

    /** A check of the demo that did not hold. */
    private static final class DemoFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }

    public ClusterDemo(int nodes, Path dir, boolean keepRunning, PrintStream out) {
        this.n = nodes;
        this.dir = dir.toAbsolutePath().normalize();
        this.keepRunning = keepRunning;
        this.out = out;
    }

    public int run() {
        if (n < MIN_NODES || n > MAX_NODES) {
            out.println("tq cluster: --nodes must be in " + MIN_NODES + ".." + MAX_NODES
                    + " (the first N-1 form the initial configuration, which needs at least 3 members)");
            return 2;
        }
        Thread hook = new Thread(this::stopAll, "tq-cluster-stop");
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
                printStillRunning();
            } else {
                out.println("stopping the node processes (--keep-running leaves them up)");
                stopAll();
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
        prepareDirectory();
        Certs.ClusterFiles certs = Certs.makeCluster(dir.resolve("certs"), ids);
        out.println(INDENT + "a test CA and " + n + " node certificates in " + dir.resolve("certs"));

        step(2, "configuration");
        writeConfigs(ids, certs);
        out.println(INDENT + "one config.json per node in " + dir.resolve("node-N") + "; admin token in "
                + dir.resolve("admin-token"));

        step(3, "start " + n + " node processes");
        for (Child c : children) {
            start(c);
        }
        for (Child c : children) {
            awaitHealthy(c);
            out.printf("%s%s  pid %-7d peers 127.0.0.1:%d  admin 127.0.0.1:%d%n", INDENT, c.id, c.process.pid(), c.peerPort,
                    c.adminPort);
        }
        awaitMesh(children);
        out.println(INDENT + "every node is connected to every other over mutual TLS");

        Map<NodeId, AdminClient> direct = new TreeMap<>();
        for (NodeId id : initial) {
            direct.put(id, admin(child(id)));
        }
        try (ControlPlaneDriver cp = new ControlPlaneDriver(RACK, initial, new AdminGateway(direct),
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
            Child victim = child(restarted);
            NodeStatus before = status(victim);
            out.println(INDENT + "before: " + durable(before));
            victim.process.destroyForcibly();
            if (!victim.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new DemoFailure("pid " + victim.process.pid() + " did not die");
            }
            out.println(INDENT + "killed pid " + victim.process.pid() + " (exit " + victim.process.exitValue() + ")");
            start(victim);
            awaitHealthy(victim);
            NodeStatus after = status(victim);
            out.println(INDENT + "after:  " + durable(after) + " (pid " + victim.process.pid() + ")");
            if (!before.configEpochs().equals(after.configEpochs()) || !before.shareEpochs().equals(after.shareEpochs())
                    || !before.committedEpochs().equals(after.committedEpochs())) {
                throw new DemoFailure(restarted + " lost state across the restart: before " + durable(before) + ", after "
                        + durable(after));
            }
            out.println(INDENT + "kept its prepares (configurations and key shares) and its commits");
            awaitMesh(children);

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

    private Child child(NodeId id) {
        for (Child c : children) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no node " + id);
    }

    // ---- files ----

    private void prepareDirectory() throws IOException, DemoFailure {
        if (Files.isDirectory(dir)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty) {
                if (!Files.exists(dir.resolve(MARKER))) {
                    throw new DemoFailure(dir + " is not empty and was not made by tq cluster; choose another --dir");
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
                out.println(INDENT + "removed the previous run's files from " + dir);
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by tq cluster; removed and recreated by its next run\n");
    }

    private void writeConfigs(List<NodeId> ids, Certs.ClusterFiles certs) throws IOException {
        byte[] raw = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(raw);
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Path tokenFile = dir.resolve("admin-token");
        Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile, token + "\n", StandardCharsets.UTF_8);

        int[] ports = freePorts(2 * ids.size());
        List<NodeConfig.Endpoint> peers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            peers.add(new NodeConfig.Endpoint("127.0.0.1", ports[2 * i]));
        }
        for (int i = 0; i < ids.size(); i++) {
            NodeId id = ids.get(i);
            Path nodeDir = dir.resolve("node-" + (i + 1));
            Files.createDirectories(nodeDir);
            Certs.NodeFiles f = certs.node(id);
            List<NodeConfig.Endpoint> others = new ArrayList<>(peers);
            others.remove(i);
            NodeConfig cfg = new NodeConfig(id.toString(), peers.get(i), null, others,
                    new NodeConfig.Tls(nodeDir.relativize(certs.caCertificate()).toString(),
                            nodeDir.relativize(f.certificate()).toString(), nodeDir.relativize(f.key()).toString()),
                    List.of("ledger/state-a.json", "ledger-copy/state-b.json"),
                    new NodeConfig.Admin("127.0.0.1", ports[2 * i + 1], token));
            Path file = nodeDir.resolve("config.json");
            cfg.write(file);
            children.add(new Child(i + 1, id, file, nodeDir.resolve("node.log"), ports[2 * i], ports[2 * i + 1]));
        }
    }

    /** Ports that are free right now (all held open together, so they are distinct). */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        int[] out = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return out;
    }

    // ---- processes ----

    private void start(Child c) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Several JVMs start at once on what may be a small machine: a small heap, the serial
        // collector and the quick compiler only keep start-up from starving the others.
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // Kryo; JDKs before 23 reject the flag
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RuntimeMain.class.getName());
        cmd.add("node");
        cmd.add("--config");
        cmd.add(c.config.toString());
        c.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(c.log.toFile())).start();
    }

    private void awaitHealthy(Child c) throws Exception {
        AdminClient open = new AdminClient("127.0.0.1", c.adminPort, null);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.process.isAlive()) {
                throw new DemoFailure(c.id + " exited with code " + c.process.exitValue() + "; last log lines:\n"
                        + tail(c.log));
            }
            try {
                if (AdminClient.await(open.raw("GET", "/health", null)).status() == 200) {
                    return;
                }
            } catch (AdminException e) {
                // not listening yet
            }
            Thread.sleep(POLL_MS);
        }
        throw new DemoFailure(c.id + " did not answer on its admin API within " + START_TIMEOUT.toSeconds() + " s");
    }

    private void awaitMesh(List<Child> nodes) throws Exception {
        long deadline = System.nanoTime() + MESH_TIMEOUT.toNanos();
        for (Child c : nodes) {
            while (true) {
                NodeStatus s = status(c);
                if (s.connectedPeers().size() == nodes.size() - 1) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new DemoFailure(c.id + " is connected to " + s.connectedPeers().size() + " of " + (nodes.size() - 1)
                            + " peers after " + MESH_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(POLL_MS);
            }
        }
    }

    private void stopAll() {
        for (Child c : children) {
            if (c.process != null && c.process.isAlive()) {
                c.process.destroy(); // SIGTERM: a graceful stop
            }
        }
        for (Child c : children) {
            if (c.process == null) {
                continue;
            }
            try {
                if (!c.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    c.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                c.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void printStillRunning() {
        out.println("the nodes keep running (--keep-running); for example:");
        for (Child c : children) {
            if (c.process != null && c.process.isAlive()) {
                out.println(INDENT + "./tq admin --node 127.0.0.1:" + c.adminPort + " --token-file " + dir.resolve("admin-token")
                        + " status    # " + c.id + ", pid " + c.process.pid());
            }
        }
        out.println("stop them with: kill " + String.join(" ",
                children.stream().filter(c -> c.process != null && c.process.isAlive())
                        .map(c -> String.valueOf(c.process.pid())).toList()));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- admin calls ----

    private AdminClient admin(Child c) {
        return new AdminClient("127.0.0.1", c.adminPort, token);
    }

    private NodeStatus status(Child c) throws AdminException {
        ApiResponse r = AdminClient.await(admin(c).call(new ApiRequest.Status()));
        return ((ApiResponse.StatusReport) r).status();
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

    private String unlock(Child c, Epoch epoch) throws Exception {
        AdminClient a = admin(c);
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
