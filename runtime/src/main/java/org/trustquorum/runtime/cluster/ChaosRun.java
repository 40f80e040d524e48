package org.trustquorum.runtime.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.trustquorum.core.api.NodeStatus;
import org.trustquorum.core.controlplane.CpLedger;
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
import org.trustquorum.runtime.cp.Gateway;

/**
 * {@code tq chaos}: real node processes on loopback, one SIGKILL per round.
 *
 * <p>Set-up: N node processes; the first N-1 form the initial configuration; the N-th joins in
 * round 1 (reached only through proxies until it commits). Each round kills one node with SIGKILL
 * and starts it again on the same ledger, and drives a reconfiguration of all N nodes with a
 * random threshold. The kill comes, at random (seeded): before the reconfiguration starts, or in
 * the middle of it after a random delay, either of its coordinator or of another member.
 *
 * <p>Checked: after every restart, the restarted node still has every prepare it acknowledged and
 * every commit it reported ({@link DurabilityObserver}, fed by every status and commit answer the
 * control plane and a status poller saw); after every round, every member committed the epoch
 * the control plane committed, no node has an alarm, and all members unlock the same rack secret
 * (by fingerprint), different from every earlier epoch's; at the end all of this again for every
 * node. Each failed check is one violation. Prints {@code rounds: R, violations: V} last; exit 0
 * iff V is 0.
 *
 * <p>A {@link ChaosHooks} adds to every round (the network nemesis, {@code --nemesis}, puts a
 * fault proxy on every peer link and checks the connections and the proxy after each round).
 */
public final class ChaosRun {
    public static final int MIN_NODES = 4;
    public static final int MAX_NODES = 16;
    public static final int MAX_ROUNDS = 10_000;
    /** Time for one reconfiguration to be committed at every member (coordinator loss costs an abort and a retry). */
    public static final Duration RECONFIGURE_TIMEOUT = Duration.ofSeconds(120);
    /** Time for one node to load a rack secret. */
    public static final Duration UNLOCK_TIMEOUT = Duration.ofSeconds(60);
    /** Longest delay between starting a reconfiguration and the kill in its middle. */
    public static final long MAX_KILL_DELAY_MS = 1_200;
    /** Longest pause between the kill and the restart. */
    public static final long MAX_DOWN_MS = 1_000;
    /** How often every node's status is read (and recorded) during the run. */
    public static final long STATUS_POLL_MS = 200;
    private static final long UNLOCK_POLL_MS = 50;
    private static final String INDENT = "      ";

    /** Where a round's kill happens. */
    enum KillKind {
        BEFORE_RECONFIGURATION("before the reconfiguration"),
        COORDINATOR_MID_RECONFIGURATION("coordinator, mid-reconfiguration"),
        MEMBER_MID_RECONFIGURATION("member, mid-reconfiguration");

        final String text;

        KillKind(String text) {
            this.text = text;
        }
    }

    /** The outcome: rounds run and every violation found. */
    public record Outcome(int rounds, List<String> violations, Map<KillKind, Integer> kills, double wallSeconds) {}

    private final int n;
    private final int rounds;
    private final Path dir;
    private final long seed;
    private final PrintStream out;
    private final List<String> violations = new ArrayList<>();
    private final Map<KillKind, Integer> kills = new TreeMap<>();
    private final DurabilityObserver observer = new DurabilityObserver();
    /** Fingerprint of each epoch's secret, as all members unlocked it. */
    private final Map<String, Epoch> epochOfFingerprint = new TreeMap<>();
    private final ChaosHooks hooks;
    private ProcessCluster cluster;

    public ChaosRun(int nodes, int rounds, Path dir, long seed, PrintStream out) {
        this(nodes, rounds, dir, seed, out, ChaosHooks.NONE);
    }

    /** With an extension (the network nemesis) that adds faults and checks to every round. */
    public ChaosRun(int nodes, int rounds, Path dir, long seed, PrintStream out, ChaosHooks hooks) {
        this.hooks = hooks;
        this.n = nodes;
        this.rounds = rounds;
        this.dir = dir;
        this.seed = seed;
        this.out = out;
    }

    /** Runs everything and prints the summary; returns the exit code (0 iff no violation, 2 for bad arguments). */
    public int run() {
        if (n < MIN_NODES || n > MAX_NODES) {
            out.println("tq chaos: --nodes must be in " + MIN_NODES + ".." + MAX_NODES);
            return 2;
        }
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            out.println("tq chaos: --rounds must be in 1.." + MAX_ROUNDS);
            return 2;
        }
        Outcome o = runRounds();
        out.printf("kills: %s; wall time %.1f s; node logs and ledgers in %s%n", o.kills(), o.wallSeconds(), dir);
        out.println("rounds: " + o.rounds() + ", violations: " + o.violations().size());
        return o.violations().isEmpty() ? 0 : 1;
    }

    private Outcome runRounds() {
        long t0 = System.nanoTime();
        int done = 0;
        Random rng = new Random(seed);
        RackId rack = new RackId(rng.nextLong(), rng.nextLong());
        List<NodeId> ids = RuntimeMain.demoIds(n);
        cluster = new ProcessCluster(dir, ids, hooks.nodeJvmArgs());
        hooks.configure(cluster, this::violation, out);
        Thread hook = new Thread(cluster::stopAll, "tq-chaos-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tq-chaos-status");
            t.setDaemon(true);
            return t;
        });
        out.printf("tq chaos: %d node processes, %d rounds, seed %d, directory %s%n", n, rounds, seed, dir);
        try {
            String cleared = cluster.writeFiles();
            if (cleared != null) {
                out.println(INDENT + cleared);
            }
            hooks.filesWritten();
            for (ProcessCluster.Child c : cluster.children()) {
                cluster.start(c);
            }
            for (ProcessCluster.Child c : cluster.children()) {
                cluster.awaitHealthy(c);
            }
            cluster.awaitMesh(cluster.children());
            poller.scheduleWithFixedDelay(this::pollStatuses, 0, STATUS_POLL_MS, TimeUnit.MILLISECONDS);

            Map<NodeId, AdminClient> clients = new TreeMap<>();
            for (ProcessCluster.Child c : cluster.children()) {
                clients.put(c.id, cluster.admin(c));
            }
            Gateway gateway = hooks.wrap(observer.observing(new AdminGateway(clients)));
            List<NodeId> initial = ids.subList(0, n - 1);
            try (ControlPlaneDriver cp = new ControlPlaneDriver(rack, initial, cluster.controlPlaneKey(), gateway, line -> { })) {
                long s0 = System.nanoTime();
                Epoch first = reconfigure(cp, initial, ClusterDemo.threshold(initial.size()));
                checkRound(cp, initial);
                out.printf("set-up: %d processes, epoch %s committed by %s .. %s in %.1f s%n", n, first, initial.get(0),
                        initial.get(initial.size() - 1), (System.nanoTime() - s0) / 1e9);
                for (int r = 1; r <= rounds; r++) {
                    round(r, cp, ids, rng);
                    done = r;
                }
                finalCheck(cp, ids);
                hooks.finalCheck();
            }
        } catch (RoundAborted e) {
            violation("round " + (done + 1) + " could not finish: " + e.getMessage());
        } catch (IOException | AdminException | RuntimeException e) {
            violation("run stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            violation("interrupted");
        } finally {
            poller.shutdownNow();
            cluster.stopAll();
            hooks.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is exiting already
            }
        }
        return new Outcome(done, List.copyOf(violations), Map.copyOf(kills), (System.nanoTime() - t0) / 1e9);
    }

    /** A round that cannot go on (the control plane never finished); the run stops there. */
    private static final class RoundAborted extends Exception {
        private static final long serialVersionUID = 1L;

        RoundAborted(String message) {
            super(message);
        }
    }

    private void round(int r, ControlPlaneDriver cp, List<NodeId> members, Random rng)
            throws IOException, InterruptedException, AdminException, RoundAborted {
        long t0 = System.nanoTime();
        KillKind kind = KillKind.values()[rng.nextInt(KillKind.values().length)];
        int k = 2 + rng.nextInt(members.size() - 2); // 2 .. N-1
        long delayMs = (long) (rng.nextDouble() * MAX_KILL_DELAY_MS);
        long downMs = (long) (rng.nextDouble() * MAX_DOWN_MS);
        kills.merge(kind, 1, Integer::sum);
        String what;
        Epoch epoch;
        if (kind == KillKind.BEFORE_RECONFIGURATION) {
            ProcessCluster.Child victim = cluster.child(members.get(rng.nextInt(members.size())));
            what = killAndRestart(victim, downMs);
            hooks.beginFaults(r, cp.latestCommitted());
            epoch = reconfigure(cp, members, k);
        } else {
            hooks.beginFaults(r, cp.latestCommitted());
            Result<Epoch, String> started = cp.reconfigure(members, k);
            if (!started.isOk()) {
                throw new RoundAborted("the control plane refused the reconfiguration: " + started.errorOrThrow());
            }
            CpLedger.Attempt attempt = cp.attempt();
            NodeId coordinator = attempt == null ? null : attempt.coordinator();
            NodeId target;
            if (kind == KillKind.COORDINATOR_MID_RECONFIGURATION && coordinator != null) {
                target = coordinator;
            } else {
                List<NodeId> others = new ArrayList<>(members);
                others.remove(coordinator);
                target = others.get(rng.nextInt(others.size()));
            }
            Thread.sleep(delayMs);
            String phase = phase(cp.attempt(), started.orElseThrow());
            what = killAndRestart(cluster.child(target), downMs) + ", " + delayMs + " ms into epoch " + started.orElseThrow()
                    + " (" + phase + ")";
            awaitIdle(cp);
            epoch = cp.latestCommitted().epoch();
        }
        String faults = hooks.endFaults(r);
        String print = checkRound(cp, members);
        if (faults != null) {
            out.println(INDENT + faults);
        }
        out.printf("round %d/%d: killed %s [%s]; epoch %s (k=%d) committed at every member; fingerprint %s; %.1f s%n", r, rounds,
                what, kind.text, epoch, k, print, (System.nanoTime() - t0) / 1e9);
    }

    private static String phase(CpLedger.Attempt a, Epoch started) {
        if (a == null || !a.epoch().equals(started)) {
            return a == null ? "after the commit" : "retried as epoch " + a.epoch();
        }
        if (a.commitDecided()) {
            return "commit decided, " + a.confirmed().size() + " confirmed";
        }
        return a.config() == null ? "before the prepares were seen" : "collecting acks, " + a.acked().size() + " so far";
    }

    /** SIGKILL, a pause, a restart on the same ledger; then the restarted node must have kept its promises. */
    private String killAndRestart(ProcessCluster.Child victim, long downMs) throws IOException, InterruptedException {
        int promises = observer.promises(victim.id);
        cluster.kill(victim);
        Thread.sleep(downMs);
        cluster.start(victim);
        cluster.awaitHealthy(victim);
        try {
            NodeStatus after = cluster.status(victim);
            observer.status(after);
            for (String lost : observer.lost(after)) {
                violation("after its restart: " + lost);
            }
        } catch (AdminException e) {
            violation(victim.id + " did not answer its status after the restart: " + e.getMessage());
        }
        return victim.id + " (" + promises + " promises recorded, down " + downMs + " ms)";
    }

    private Epoch reconfigure(ControlPlaneDriver cp, List<NodeId> members, int k) throws RoundAborted {
        Result<Epoch, String> started = cp.reconfigure(members, k);
        if (!started.isOk()) {
            throw new RoundAborted("the control plane refused the reconfiguration: " + started.errorOrThrow());
        }
        awaitIdle(cp);
        return cp.latestCommitted().epoch();
    }

    private static void awaitIdle(ControlPlaneDriver cp) throws RoundAborted {
        try {
            cp.awaitIdle(RECONFIGURE_TIMEOUT);
        } catch (TimeoutException e) {
            throw new RoundAborted(e.getMessage());
        }
    }

    /** Every member committed the control plane's latest epoch, has no alarm, and unlocks the same new secret. */
    private String checkRound(ControlPlaneDriver cp, List<NodeId> members) throws InterruptedException {
        Configuration latest = cp.latestCommitted();
        Epoch epoch = latest.epoch();
        if (!new TreeSet<>(latest.memberIds()).equals(new TreeSet<>(members))) {
            violation("the committed epoch " + epoch + " has members " + latest.memberIds() + ", expected " + members);
        }
        Map<NodeId, String> prints = new TreeMap<>();
        for (NodeId id : members) {
            ProcessCluster.Child c = cluster.child(id);
            try {
                NodeStatus s = cluster.status(c);
                observer.status(s);
                if (!s.committedEpochs().contains(epoch)) {
                    violation(id + " has not committed epoch " + epoch + " (commits " + s.committedEpochs() + ")");
                }
                if (!s.alarms().isEmpty()) {
                    violation(id + " raised alarms: " + s.alarms());
                }
                for (String lost : observer.lost(s)) {
                    violation(lost);
                }
                String print = unlock(c, epoch);
                if (print != null) {
                    prints.put(id, print);
                }
            } catch (AdminException e) {
                violation(id + " did not answer: " + e.getMessage());
            }
        }
        Set<String> distinct = new TreeSet<>(prints.values());
        if (distinct.size() > 1) {
            violation("members disagree on the epoch " + epoch + " secret: " + prints);
        }
        String print = distinct.isEmpty() ? "(none)" : distinct.iterator().next();
        if (distinct.size() == 1) {
            Epoch earlier = epochOfFingerprint.putIfAbsent(print, epoch);
            if (earlier != null && !earlier.equals(epoch)) {
                violation("epoch " + epoch + " has the secret of epoch " + earlier + " (fingerprint " + print + ")");
            }
        }
        return print;
    }

    /** The fingerprint of the node's secret for the epoch, or null (and a violation) if it cannot load it. */
    private String unlock(ProcessCluster.Child c, Epoch epoch) throws InterruptedException {
        AdminClient a = cluster.admin(c);
        long deadline = System.nanoTime() + UNLOCK_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Result<AdminProtocol.SecretView, ?> r;
            try {
                r = AdminClient.await(a.loadSecret(epoch));
            } catch (AdminException e) {
                violation(c.id + " cannot load the epoch " + epoch + " secret: " + e.getMessage());
                return null;
            }
            if (r instanceof Result.Err<AdminProtocol.SecretView, ?> err) {
                violation(c.id + " refuses to load the epoch " + epoch + " secret: " + err.error());
                return null;
            }
            AdminProtocol.SecretView v = r.orElseThrow();
            if (v.loaded()) {
                return v.fingerprint();
            }
            Thread.sleep(UNLOCK_POLL_MS);
        }
        violation(c.id + " did not load the epoch " + epoch + " secret within " + UNLOCK_TIMEOUT.toSeconds() + " s");
        return null;
    }

    private void finalCheck(ControlPlaneDriver cp, List<NodeId> members) throws InterruptedException {
        Configuration latest = cp.latestCommitted();
        out.println("final check: every node against everything it reported during the run; epoch " + latest.epoch());
        String print = null;
        for (NodeId id : members) {
            ProcessCluster.Child c = cluster.child(id);
            try {
                NodeStatus s = cluster.status(c);
                for (String lost : observer.lost(s)) {
                    violation(lost);
                }
                if (!s.latestCommittedEpoch().equals(latest.epoch())) {
                    violation(id + " ends with latest commit " + s.latestCommittedEpoch() + ", not " + latest.epoch());
                }
            } catch (AdminException e) {
                violation(id + " did not answer: " + e.getMessage());
            }
            String p = unlock(c, latest.epoch());
            if (p != null && print != null && !p.equals(print)) {
                violation(id + " unlocks " + p + ", another member " + print);
            }
            if (p != null) {
                print = p;
            }
        }
    }

    private void pollStatuses() {
        for (ProcessCluster.Child c : cluster.children()) {
            if (!c.alive()) {
                continue;
            }
            try {
                observer.status(cluster.status(c));
            } catch (AdminException | RuntimeException e) {
                // down or restarting: nothing to record
            }
        }
    }

    private synchronized void violation(String what) {
        violations.add(what);
        out.println("VIOLATION: " + what);
    }

    /** A fresh directory for a run that was given none. */
    public static Path defaultDir() throws IOException {
        return Files.createTempDirectory("tq-chaos-");
    }

    /** A seed when none was given. */
    public static long randomSeed() {
        return new SecureRandom().nextLong();
    }
}
