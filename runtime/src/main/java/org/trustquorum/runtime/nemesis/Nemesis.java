package org.trustquorum.runtime.nemesis;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.runtime.admin.AdminException;
import org.trustquorum.runtime.cluster.ChaosHooks;
import org.trustquorum.runtime.cluster.ProcessCluster;
import org.trustquorum.runtime.cp.Gateway;
import org.trustquorum.runtime.node.TestMutation;
import org.trustquorum.runtime.tls.NodeTls;

/**
 * {@code tq chaos --nemesis}: a fault proxy on every peer link ({@link FaultProxies}), and in every
 * round a seeded schedule of link faults and a burst of proxied requests while the chaos run kills
 * a node and reconfigures. After each round's reconfiguration it heals the links and checks:
 * <ul>
 *   <li>every link and every node is back to one connection per peer (proxy view, and each node's
 *       connected peers and live connection incarnations) within {@link #RECOVERY_TIMEOUT_MS};
 *       on the way, no stalled connection outlives keepalive and no acceptor keeps a duplicate;
 *   <li>{@link #SETTLE_MS} later no node's tracker holds a proxied request (none outlives its
 *       connection);
 *   <li>every burst request completed, once, with a value or a documented error, and none with
 *       Timeout: no fault holds a live connection silent for longer than keepalive allows;
 *   <li>each node (not restarted in the round) completed exactly as many proxied requests as were
 *       issued through it;
 *   <li>no alarm was counted, no error-level line that is not a documented fault was logged;
 *   <li>every {@link #MEMORY_EVERY_ROUNDS} rounds and at the end, the largest live heap of a node
 *       stays within {@link #MEMORY_GROWTH_BOUND_BYTES} of its value after round 1.
 * </ul>
 */
public final class Nemesis implements ChaosHooks {
    /** Time for the links and the nodes to be back to one connection per peer after the heal (a stall takes 10 s). */
    public static final long RECOVERY_TIMEOUT_MS = 45_000;
    /** Pause after the recovery before the trackers are read. */
    public static final long SETTLE_MS = 1_000;
    /** Time for the burst's last requests to complete after the recovery (the proxy's own deadline is 15 s). */
    public static final long BURST_COMPLETION_TIMEOUT_MS = 20_000;
    /** A stalled connection must be closed by the nodes' keepalive (10 s) within this long. */
    public static final long STALL_CLOSE_BOUND_MS = 20_000;
    /** An acceptor must close its older connection within this long after a newer one is established. */
    public static final long DUPLICATE_CLOSE_BOUND_MS = 5_000;
    /**
     * How long after a duplicate-connection cut an older connection whose TLS handshake had not
     * finished may stay open at the acceptor: the node's handshake timeout, plus the duplicate margin.
     */
    public static final long CUT_HANDSHAKE_CLOSE_BOUND_MS = NodeTls.HANDSHAKE_TIMEOUT_MS + DUPLICATE_CLOSE_BOUND_MS;
    /** Live heap is sampled every this many rounds (and after round 1, and at the end). */
    public static final int MEMORY_EVERY_ROUNDS = 25;
    /** How much the largest live heap of a node may grow over the run. */
    public static final long MEMORY_GROWTH_BOUND_BYTES = 32L * 1024 * 1024;
    /** Time the control plane's own proxy calls get to finish before a round's counts are taken. */
    private static final long CP_QUIET_TIMEOUT_MS = 30_000;
    private static final long POLL_MS = 100;
    /** Error lines quoted per node and round (the rest are counted). */
    private static final int MAX_QUOTED_ERRORS = 3;
    private static final String INDENT = "      ";

    private final long seed;
    private final List<NodeId> ids;
    private final Mutation mutation;
    private final FaultProxies proxies;
    private final ErrorLogScan logs = new ErrorLogScan();
    private final NemesisStats stats = new NemesisStats();
    private final Set<String> reported = new HashSet<>();
    private ProcessCluster cluster;
    private Consumer<String> violation;
    private PrintStream out;
    private ProxyCallCounter cpCalls;

    // ---- the current round ----
    private NemesisSchedule schedule;
    private RequestBurst burst;
    private Thread faultThread;
    private volatile long healedAtNanos;
    private final Map<NodeId, Long> completedBefore = new TreeMap<>();
    private final Map<NodeId, Integer> startsBefore = new TreeMap<>();

    public Nemesis(long seed, List<NodeId> ids, Mutation mutation) {
        this.seed = seed;
        this.ids = List.copyOf(ids);
        this.mutation = mutation;
        this.proxies = new FaultProxies(ids);
    }

    @Override
    public List<String> nodeJvmArgs() {
        return mutation == Mutation.NONE ? List.of() : List.of(TestMutation.jvmArgument(mutation));
    }

    @Override
    public void configure(ProcessCluster c, Consumer<String> v, PrintStream o) {
        this.cluster = c;
        this.violation = v;
        this.out = o;
        c.setPeerRouting(proxies);
        o.println("nemesis: a fault proxy on every peer link; link faults and a request burst in every round"
                + (mutation == Mutation.NONE ? "" : "; TEST: every node runs with the guard of '" + mutation.cliName()
                        + "' turned off (" + mutation.description() + ")"));
        o.println("nemesis: replay the same schedule with --seed " + seed
                + " (timing on real sockets is not exact: a fault may hit other frames)");
    }

    @Override
    public void filesWritten() throws IOException {
        proxies.start();
    }

    @Override
    public Gateway wrap(Gateway gateway) {
        cpCalls = new ProxyCallCounter(gateway);
        return cpCalls;
    }

    @Override
    public void beginFaults(int round, Configuration latest) throws InterruptedException {
        if (!cpCalls.awaitQuiet(CP_QUIET_TIMEOUT_MS)) {
            report("round " + round + ": a proxy call of the control plane did not complete within "
                    + CP_QUIET_TIMEOUT_MS / 1000 + " s");
        }
        schedule = NemesisSchedule.draw(seed, round, ids, proxies.links());
        for (String line : schedule.describe()) {
            out.println(INDENT + line);
        }
        completedBefore.clear();
        startsBefore.clear();
        for (ProcessCluster.Child c : cluster.children()) {
            startsBefore.put(c.id, c.starts());
            try {
                completedBefore.put(c.id, NodeFigures.read(cluster, c).proxyCompleted());
            } catch (AdminException e) {
                // down: its count is not checked this round
            }
        }
        cpCalls.reset();
        List<NodeId> destinations = new ArrayList<>(ids);
        destinations.remove(schedule.proxyNode());
        org.trustquorum.core.model.CpSignature commit;
        try {
            commit = cluster.controlPlaneKey().signCommit(latest); // the decision the control plane signed (deterministic)
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the control plane's key pair of this cluster cannot be read", e);
        }
        burst = new RequestBurst(cluster.admin(cluster.child(schedule.proxyNode())), destinations, latest, commit,
                seed + round);
        healedAtNanos = 0;
        NemesisSchedule s = schedule;
        faultThread = Thread.ofVirtual().name("tq-nemesis-faults").start(() -> runFaults(s));
        burst.start(s.burstRequests(), s.burstSpacingMs());
    }

    private void runFaults(NemesisSchedule s) {
        long t0 = System.nanoTime();
        try {
            for (NemesisSchedule.Step step : s.steps()) {
                sleepUntil(t0, step.atMs());
                proxies.proxy(step.link()).apply(step.fault());
                stats.fault(step.fault());
            }
            sleepUntil(t0, s.windowMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            proxies.healAll();
            healedAtNanos = System.nanoTime();
        }
    }

    private static void sleepUntil(long t0, long atMs) throws InterruptedException {
        long wait = t0 + TimeUnit.MILLISECONDS.toNanos(atMs) - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    @Override
    public String endFaults(int round) throws InterruptedException {
        String where = "round " + round + ": ";
        long endNanos = System.nanoTime();
        faultThread.join(schedule.windowMs() + RECOVERY_TIMEOUT_MS);
        burst.awaitIssued(RECOVERY_TIMEOUT_MS);
        long recoveredMs = awaitRecovery(where);
        long sinceEndMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - endNanos);
        Thread.sleep(SETTLE_MS);
        checkTrackers(where);
        for (String hung : burst.awaitCompleted(BURST_COMPLETION_TIMEOUT_MS)) {
            report(where + "proxied " + hung + " through " + schedule.proxyNode() + " never completed");
        }
        boolean proxyRestarted = restarted(schedule.proxyNode());
        for (String p : burst.problems()) {
            report(where + p);
        }
        Integer unreachable = burst.outcomes().get(RequestBurst.Outcome.ADMIN_UNREACHABLE);
        if (unreachable != null && !proxyRestarted) {
            report(where + unreachable + " burst requests could not reach " + schedule.proxyNode()
                    + "'s admin API although it was not restarted");
        }
        Integer timeouts = burst.outcomes().get(RequestBurst.Outcome.TIMEOUT);
        if (timeouts != null) {
            report(where + timeouts + " burst requests through " + schedule.proxyNode() + " ended with Timeout: no link"
                    + " holds a request longer than the fault window plus keepalive (10 s), both shorter than the proxy's"
                    + " deadline (15 s), so each waited on a connection that was gone (a tracker entry outlived its connection)");
        }
        if (!cpCalls.awaitQuiet(CP_QUIET_TIMEOUT_MS)) {
            report(where + "a proxy call of the control plane did not complete within " + CP_QUIET_TIMEOUT_MS / 1000 + " s");
        }
        checkCountsAlarmsLogs(where);
        checkMemory(where, round == 1, round % MEMORY_EVERY_ROUNDS == 0);
        stats.burst(burst);
        return "nemesis: " + burst.issued() + " proxied requests through " + schedule.proxyNode() + " " + burst.outcomes()
                + "; one connection per peer again " + (recoveredMs < 0 ? "NOT within " + RECOVERY_TIMEOUT_MS / 1000 + " s"
                        : String.format("%.1f s after the heal, %.1f s after the reconfiguration ended", recoveredMs / 1e3,
                                sinceEndMs / 1e3));
    }

    /** Waits for one connection per peer everywhere; returns the time it took after the heal, or -1. */
    private long awaitRecovery(String where) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECOVERY_TIMEOUT_MS);
        String lastState = "";
        while (true) {
            for (LinkProxy p : proxies.all()) {
                for (String problem : p.audit(TimeUnit.MILLISECONDS.toNanos(STALL_CLOSE_BOUND_MS),
                        TimeUnit.MILLISECONDS.toNanos(DUPLICATE_CLOSE_BOUND_MS),
                        TimeUnit.MILLISECONDS.toNanos(CUT_HANDSHAKE_CLOSE_BOUND_MS))) {
                    reportOnce(where + problem);
                }
            }
            lastState = meshProblems();
            if (lastState.isEmpty()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healedAtNanos);
                stats.recovered(ms);
                return ms;
            }
            if (System.nanoTime() > deadline) {
                report(where + "not one connection per peer " + RECOVERY_TIMEOUT_MS / 1000 + " s after the faults stopped: "
                        + lastState);
                return -1;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** What is not yet one connection per peer, or "" when everything is. */
    private String meshProblems() {
        List<String> problems = new ArrayList<>();
        for (LinkProxy p : proxies.all()) {
            LinkProxy.View v = p.view();
            if (!v.oneEstablished()) {
                problems.add("link " + p.link().label() + " " + v);
            }
        }
        int peers = ids.size() - 1;
        for (ProcessCluster.Child c : cluster.children()) {
            try {
                NodeFigures f = NodeFigures.read(cluster, c);
                if (f.status().connectedPeers().size() != peers || f.liveConnections() != peers) {
                    problems.add(c.id + " connected to " + f.status().connectedPeers().size() + " peers with "
                            + f.liveConnections() + " live connections");
                }
            } catch (AdminException e) {
                problems.add(c.id + " does not answer: " + e.getMessage());
            }
        }
        return String.join("; ", problems);
    }

    private void checkTrackers(String where) {
        for (ProcessCluster.Child c : cluster.children()) {
            try {
                NodeFigures f = NodeFigures.read(cluster, c);
                if (!f.status().proxied().isEmpty()) {
                    report(where + c.id + " still tracks " + f.status().proxied().size()
                            + " proxied requests " + SETTLE_MS + " ms after its connections recovered (they outlived their connection): "
                            + f.status().proxied());
                }
            } catch (AdminException e) {
                report(where + c.id + " did not answer its status after the recovery: " + e.getMessage());
            }
        }
    }

    private void checkCountsAlarmsLogs(String where) {
        for (ProcessCluster.Child c : cluster.children()) {
            try {
                NodeFigures f = NodeFigures.read(cluster, c);
                Long before = completedBefore.get(c.id);
                if (before != null && !restarted(c.id)) {
                    long expected = cpCalls.issued(c.id) + (c.id.equals(schedule.proxyNode()) ? burst.issued() : 0);
                    long done = f.proxyCompleted() - before;
                    if (done != expected) {
                        report(where + c.id + " completed " + done + " proxied requests, but " + expected
                                + " were issued through it (each must complete exactly once)");
                    }
                }
                if (f.alarmsRaised() > 0) {
                    reportOnce(c.id + " (start " + c.starts() + ") counted " + f.alarmsRaised() + " alarms");
                }
            } catch (AdminException e) {
                report(where + c.id + " did not answer its metrics: " + e.getMessage());
            }
            try {
                List<String> errors = logs.newErrors(c.log);
                for (String line : errors.subList(0, Math.min(MAX_QUOTED_ERRORS, errors.size()))) {
                    report(where + c.id + " logged an error that is not a documented fault: " + line);
                }
                if (errors.size() > MAX_QUOTED_ERRORS) {
                    report(where + c.id + " logged " + (errors.size() - MAX_QUOTED_ERRORS) + " more such errors");
                }
            } catch (IOException e) {
                report(where + "cannot read " + c.log + ": " + e.getMessage());
            }
        }
    }

    private void checkMemory(String where, boolean baseline, boolean sample) throws InterruptedException {
        if (!baseline && !sample) {
            return;
        }
        long max = -1;
        for (ProcessCluster.Child c : cluster.children()) {
            if (c.alive()) {
                max = Math.max(max, HeapProbe.liveHeapBytes(c.process().pid()));
            }
        }
        if (max < 0) {
            out.println(INDENT + "nemesis: live heap not measured (jcmd could not attach)");
            return;
        }
        stats.heap(max, baseline);
        long base = stats.heapBaselineBytes();
        if (!baseline && base >= 0 && max > base + MEMORY_GROWTH_BOUND_BYTES) {
            report(where + String.format("the largest live heap of a node grew from %.1f MiB after round 1 to %.1f MiB",
                    base / 1048576.0, max / 1048576.0));
        }
    }

    private boolean restarted(NodeId id) {
        Integer before = startsBefore.get(id);
        return before == null || before != cluster.child(id).starts();
    }

    @Override
    public void finalCheck() throws InterruptedException {
        checkMemory("at the end: ", false, true);
        long connections = proxies.all().stream().mapToLong(LinkProxy::accepted).sum();
        for (String line : stats.describe(connections)) {
            out.println(line);
        }
        out.println("nemesis: the driver holds " + driverDescriptors() + " open file descriptors at the end");
    }

    /** Open file descriptors of this (the driver's) process, or -1 where /proc is not available. */
    static long driverDescriptors() {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        proxies.close();
    }

    private void reportOnce(String what) {
        if (reported.add(what)) {
            violation.accept(what);
        }
    }

    private void report(String what) {
        violation.accept(what);
    }
}
