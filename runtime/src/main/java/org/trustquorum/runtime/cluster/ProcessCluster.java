package org.trustquorum.runtime.cluster;

import org.trustquorum.runtime.cp.ControlPlaneKeyFiles;
import org.trustquorum.core.auth.ControlPlaneKey;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.engine.ApiRequest;
import org.trustquorum.core.engine.ApiResponse;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminClient;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.cli.RuntimeMain;
import org.trustquorum.runtime.node.NodeConfig;
import org.trustquorum.runtime.tls.Certs;

/**
 * A cluster of {@code tq node} processes on loopback, for {@code tq cluster}, {@code tq chaos} and
 * tests: certificates, one configuration file per node (fixed free ports, two ledger copies, one
 * admin token for all), processes started from this JVM's class path with their output appended
 * to {@code DIR/node-N/node.log}, killed with SIGKILL and started again on the same ports and
 * ledgers.
 */
public final class ProcessCluster implements AutoCloseable {
    /** Time for a node process to answer on its admin API. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Time for every node to be connected to every other. */
    public static final Duration MESH_TIMEOUT = Duration.ofSeconds(60);
    /** Time a node process gets to stop after SIGTERM (or to die after SIGKILL). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The two ledger copies of every node, relative to its directory. */
    public static final List<String> LEDGER_FILES = List.of("ledger/state-a.json", "ledger-copy/state-b.json");
    /** Name of each node's log file (its stdout and stderr, across restarts). */
    public static final String LOG_FILE = "node.log";
    private static final long POLL_MS = 100;
    private static final int TOKEN_BYTES = 24;
    private static final int LOG_TAIL_LINES = 15;
    /** Marks a directory as made by this class, so a later run may clear and reuse it. */
    private static final String MARKER = ".tq-cluster";

    /** One node process. */
    public static final class Child {
        public final int index;
        public final NodeId id;
        public final Path dir;
        public final Path config;
        public final Path log;
        public final int peerPort;
        public final int adminPort;
        private Process process;
        private int starts;

        Child(int index, NodeId id, Path dir, int peerPort, int adminPort) {
            this.index = index;
            this.id = id;
            this.dir = dir;
            this.config = dir.resolve("config.json");
            this.log = dir.resolve(LOG_FILE);
            this.peerPort = peerPort;
            this.adminPort = adminPort;
        }

        public Process process() {
            return process;
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        /** How many times this node was started. */
        public int starts() {
            return starts;
        }

        /** The ledger copies of this node. */
        public List<Path> ledgerPaths() {
            return LEDGER_FILES.stream().map(dir::resolve).toList();
        }
    }

    /** Every node of a process cluster listens on loopback only. */
    static final String LOOPBACK = "127.0.0.1";

    private final Path dir;
    private final List<NodeId> ids;
    private final List<String> extraJvmArgs;
    private final List<Child> children = new ArrayList<>();
    private String token;
    private Certs.ClusterFiles certs;
    private volatile java.util.function.Consumer<String> adminTranscript;
    private PeerRouting routing;
    /** The one HTTP client behind every admin client this cluster hands out (closed with the cluster). */
    private final java.net.http.HttpClient adminHttp = AdminClient.newHttpClient();

    /** Writes the nodes' peer lists when they should not name each other directly (a fault proxy in between). */
    public interface PeerRouting {
        /** Ports the routing needs besides the nodes' own; they are all lower than every node's peer port. */
        int extraPorts(int nodes);

        /** The peer list of node {@code index} (0-based) given every node's own peer address. */
        List<NodeConfig.Endpoint> peersOf(int index, List<NodeConfig.Endpoint> nodes, int[] extraPorts);
    }

    /**
     * @param extraJvmArgs added to every node's JVM command line (for example a logging configuration)
     */
    public ProcessCluster(Path dir, List<NodeId> ids, List<String> extraJvmArgs) {
        this.dir = dir.toAbsolutePath().normalize();
        this.ids = List.copyOf(ids);
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    /** Every admin client of this cluster hands the answers it receives to {@code sink} (see {@link AdminClient#withTranscript}). */
    public void setAdminTranscript(java.util.function.Consumer<String> sink) {
        this.adminTranscript = sink;
    }

    /** Routes the peer lists {@link #writeFiles} writes through {@code r} (call before it). */
    public void setPeerRouting(PeerRouting r) {
        this.routing = r;
    }

    public Path dir() {
        return dir;
    }

    public List<Child> children() {
        return children;
    }

    public Certs.ClusterFiles certs() {
        return certs;
    }

    /** The control plane's signing key, made beside the CA by {@link #writeFiles}. */
    public ControlPlaneKey controlPlaneKey() throws IOException {
        return ControlPlaneKeyFiles.readPair(certs.controlPlaneDir());
    }

    public Path tokenFile() {
        return dir.resolve("admin-token");
    }

    /**
     * Prepares the directory (a directory left by an earlier run of this class is cleared; any
     * other non-empty one is refused), writes certificates and configurations. Returns a line
     * describing what it cleared, or null.
     */
    public String writeFiles() throws IOException {
        String cleared = prepareDirectory();
        certs = Certs.makeCluster(dir.resolve("certs"), ids);
        writeConfigs();
        return cleared;
    }

    private String prepareDirectory() throws IOException {
        String cleared = null;
        if (Files.isDirectory(dir)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty) {
                if (!Files.exists(dir.resolve(MARKER))) {
                    throw new IOException(dir + " is not empty and was not made by tq cluster or tq chaos; choose another --dir");
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
                cleared = "removed the previous run's files from " + dir;
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by tq cluster/chaos; removed and recreated by its next run\n");
        return cleared;
    }

    private void writeConfigs() throws IOException {
        byte[] raw = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(raw);
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Files.createFile(tokenFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokenFile(), token + "\n", StandardCharsets.UTF_8);

        int extra = routing == null ? 0 : routing.extraPorts(ids.size());
        int[] ports = freePorts(2 * ids.size() + extra);
        int[] extraPorts = new int[0];
        if (extra > 0) {
            java.util.Arrays.sort(ports);
            extraPorts = java.util.Arrays.copyOfRange(ports, 0, extra);
            ports = java.util.Arrays.copyOfRange(ports, extra, ports.length);
        }
        List<NodeConfig.Endpoint> peers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            peers.add(new NodeConfig.Endpoint(LOOPBACK, ports[2 * i]));
        }
        for (int i = 0; i < ids.size(); i++) {
            NodeId id = ids.get(i);
            Path nodeDir = dir.resolve("node-" + (i + 1));
            Files.createDirectories(nodeDir);
            Certs.NodeFiles f = certs.node(id);
            List<NodeConfig.Endpoint> others = new ArrayList<>(peers);
            others.remove(i);
            if (routing != null) {
                others = routing.peersOf(i, peers, extraPorts);
            }
            NodeConfig cfg = new NodeConfig(id.toString(), peers.get(i), null, others,
                    new NodeConfig.Tls(nodeDir.relativize(certs.caCertificate()).toString(),
                            nodeDir.relativize(f.certificate()).toString(), nodeDir.relativize(f.key()).toString()),
                    LEDGER_FILES, new NodeConfig.Admin(LOOPBACK, ports[2 * i + 1], token),
                    nodeDir.relativize(certs.controlPlanePublicKey()).toString(), null);
            Child c = new Child(i + 1, id, nodeDir, ports[2 * i], ports[2 * i + 1]);
            cfg.write(c.config);
            children.add(c);
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

    public Child child(NodeId id) {
        for (Child c : children) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no node " + id);
    }

    // ---- processes ----

    /** Starts the node process (its output is appended to its log). */
    public void start(Child c) throws IOException {
        c.process = startNodeProcess(c.config, c.log, extraJvmArgs);
        c.starts++;
    }

    /**
     * Starts {@code tq node --config CONFIG} in a new JVM with this JVM's class path, its output
     * appended to {@code log}.
     */
    public static Process startNodeProcess(Path config, Path log, List<String> extraJvmArgs) throws IOException {
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
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RuntimeMain.class.getName());
        cmd.add("node");
        cmd.add("--config");
        cmd.add(config.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Kills the node process with SIGKILL and waits for it to be gone; returns its exit code. */
    public int kill(Child c) throws IOException, InterruptedException {
        c.process.destroyForcibly();
        if (!c.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("pid " + c.process.pid() + " (" + c.id + ") did not die after SIGKILL");
        }
        return c.process.exitValue();
    }

    /** Waits for the node's admin API to answer {@code /health}; fails early if the process exits. */
    public void awaitHealthy(Child c) throws IOException, InterruptedException {
        AdminClient open = withTranscript(new AdminClient(LOOPBACK, c.adminPort, null, adminHttp));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.process.isAlive()) {
                throw new IOException(c.id + " exited with code " + c.process.exitValue() + "; last log lines:\n" + tail(c.log));
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
        throw new IOException(c.id + " did not answer on its admin API within " + START_TIMEOUT.toSeconds() + " s");
    }

    /** Waits until each of {@code nodes} is connected to all the others. */
    public void awaitMesh(List<Child> nodes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + MESH_TIMEOUT.toNanos();
        for (Child c : nodes) {
            while (true) {
                NodeStatus s;
                try {
                    s = status(c);
                } catch (AdminException e) {
                    s = null;
                }
                if (s != null && s.connectedPeers().size() >= nodes.size() - 1) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(c.id + " is connected to " + (s == null ? "?" : s.connectedPeers().size()) + " of "
                            + (nodes.size() - 1) + " peers after " + MESH_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(POLL_MS);
            }
        }
    }

    /** SIGTERM to every node still running, SIGKILL to those that do not stop in time. */
    public void stopAll() {
        for (Child c : children) {
            if (c.alive()) {
                c.process.destroy();
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

    @Override
    public void close() {
        stopAll();
        adminHttp.shutdownNow();
    }

    /** The last lines of a log file (for failure messages). */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- admin calls ----

    public AdminClient admin(Child c) {
        return adminAt(c.adminPort);
    }

    /** An admin client of the node whose admin API listens on loopback port {@code adminPort}. */
    AdminClient adminAt(int adminPort) {
        return withTranscript(new AdminClient(LOOPBACK, adminPort, token, adminHttp));
    }

    private AdminClient withTranscript(AdminClient c) {
        java.util.function.Consumer<String> sink = adminTranscript;
        return sink == null ? c : c.withTranscript(sink);
    }

    public NodeStatus status(Child c) throws AdminException {
        ApiResponse r = AdminClient.await(admin(c).call(new ApiRequest.Status()));
        return ((ApiResponse.StatusReport) r).status();
    }

    /** Prints how to reach the nodes that still run, and how to stop them. */
    public void printStillRunning(PrintStream out, String indent) {
        out.println("the nodes keep running (--keep-running); for example:");
        for (Child c : children) {
            if (c.alive()) {
                out.println(indent + "./tq admin --node 127.0.0.1:" + c.adminPort + " --token-file " + tokenFile()
                        + " status    # " + c.id + ", pid " + c.process.pid());
            }
        }
        out.println("stop them with: kill " + String.join(" ",
                children.stream().filter(Child::alive).map(c -> String.valueOf(c.process.pid())).toList()));
    }

    /** Ids of the demo cluster's nodes. */
    public static List<NodeId> ids(int n) {
        return RuntimeMain.demoIds(n);
    }
}
