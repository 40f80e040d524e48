package org.trustquorum.sim;

import org.trustquorum.sim.check.AuthorizedState;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.trustquorum.sim.Scripts.nodes;
import static org.trustquorum.sim.Scripts.scripted;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.trustquorum.core.Mutation;
import org.trustquorum.core.engine.ConnectionTable;
import org.trustquorum.core.engine.EngineLimits;
import org.trustquorum.core.engine.Input;
import org.trustquorum.core.engine.PeerAddress;
import org.trustquorum.core.engine.ProxyTracker;
import org.trustquorum.core.model.Configuration;
import org.trustquorum.core.model.Epoch;
import org.trustquorum.core.model.ExpungedMarker;
import org.trustquorum.core.model.NodeId;
import org.trustquorum.core.model.Member;
import org.trustquorum.core.model.PersistentState;
import org.trustquorum.core.model.RackId;
import org.trustquorum.core.model.Sha3Digest;
import org.trustquorum.core.model.StoredNetworkConfig;
import org.trustquorum.core.model.Threshold;
import org.trustquorum.core.msg.ProxyOp;
import org.trustquorum.core.msg.WireMsg;
import org.trustquorum.sim.check.AckedPrepareIsDurable;
import org.trustquorum.sim.check.CommittedImpliesPrepared;
import org.trustquorum.sim.check.ConfirmedCommitIsDurable;
import org.trustquorum.sim.check.ConnectionViewMatches;
import org.trustquorum.sim.check.ExpungedIsFinal;
import org.trustquorum.sim.check.NoEstablishAfterClose;
import org.trustquorum.sim.check.NoConfigBelowCommit;
import org.trustquorum.sim.check.NoStaleAck;
import org.trustquorum.sim.check.NetworkConfigIsDurable;
import org.trustquorum.sim.check.OneConfigPerEpoch;
import org.trustquorum.sim.check.ProxyCallSentOrRefused;
import org.trustquorum.sim.check.ProxyRequestHasCall;
import org.trustquorum.sim.check.QueueAccounting;
import org.trustquorum.sim.check.SecretMatchesOracle;
import org.trustquorum.sim.check.StaleExitIgnored;
import org.trustquorum.sim.check.Violation;
import org.trustquorum.sim.scenario.Entry;
import org.trustquorum.sim.shrink.RegressionFile;

/**
 * Every check the simulator has can fail: each name in the registry (every {@code NAME} constant
 * of the classes in {@code org.trustquorum.sim.check}, and the simulator's own checks) is tripped
 * here by a known input: a bad value or a broken engine handed to the check, a saved regression run
 * of a mutant, the first failing seed of a mutant, or a schedule the simulator cannot run. The
 * checks the simulator's driver decides have their trips in {@link DriverCheckTripsTest}. A new
 * check without a tripping input fails {@link #everyRegisteredCheckHasATrip}.
 */
class EveryCheckCanFailTest {
    private static final String CHECK_PACKAGE = "org.trustquorum.sim.check";
    private static final String SIMULATOR_ERROR = "simulator-error";
    /** Seeds a mutant's first failing seed is searched in. */
    private static final long MUTANT_SEED_BUDGET = 64;
    private static final int ALL_PERCENT = 100;


    private static final NodeId ME = new NodeId("tq-sim", "node-00");
    private static final NodeId PEER = new NodeId("tq-sim", "node-01");

    /** Every check name: the NAME constants of the check package, and the simulator's own checks. */
    static Set<String> registry() throws IOException, URISyntaxException, ReflectiveOperationException {
        Set<String> names = new TreeSet<>(List.of(ReplyAdapter.REPLY_TYPE, SIMULATOR_ERROR));
        Path root = Path.of(Violation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (FileSystem jar = Files.isDirectory(root) ? null : FileSystems.newFileSystem(root)) {
            Path dir = (jar == null ? root : jar.getPath("/")).resolve(CHECK_PACKAGE.replace('.', '/'));
            List<String> classes;
            try (Stream<Path> s = Files.list(dir)) {
                classes = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                        .map(n -> CHECK_PACKAGE + "." + n.substring(0, n.length() - ".class".length())).toList();
            }
            for (String c : classes) {
                for (Field f : Class.forName(c).getFields()) {
                    boolean authorizationCheck = f.getDeclaringClass() == AuthorizedState.class && f.getType() == String.class;
                    if ((f.getName().equals("NAME") || authorizationCheck) && Modifier.isStatic(f.getModifiers())) {
                        names.add((String) f.get(null));
                    }
                }
            }
        }
        return names;
    }

    /** What trips each check: runs the input and returns the name of the check that failed (or null). */
    static Map<String, Supplier<String>> trips() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        // Bad values handed to the checks themselves.
        t.put("acked-prepare-durable", () -> thrown(() -> AckedPrepareIsDurable.check("n00", Epoch.of(1),
                PersistentState.EMPTY)));
        t.put("committed-implies-prepared", () -> thrown(() -> CommittedImpliesPrepared.check("n00",
                committed(1))));
        t.put("confirmed-commit-durable", () -> thrown(() -> ConfirmedCommitIsDurable.check("n00", Epoch.of(2),
                committed(1))));
        t.put("network-config-durable", () -> thrown(() -> NetworkConfigIsDurable.onSend("n00", 3,
                PersistentState.EMPTY.withNetworkConfig(new StoredNetworkConfig(2, new byte[0])))));
        t.put("no-stale-ack", () -> thrown(() -> NoStaleAck.check("n00", Epoch.of(1), committed(2))));
        t.put("expunged-is-final", () -> thrown(() -> {
            ExpungedMarker m = new ExpungedMarker(Epoch.of(2), PEER);
            ExpungedIsFinal.check("n00", new PersistentState(List.of(), List.of(), List.of(), m, List.of()),
                    new PersistentState(List.of(), List.of(), List.of(Epoch.of(1)), m, List.of()));
        }));
        t.put("secret-matches-oracle", () -> thrown(() -> SecretMatchesOracle.check("n00", Epoch.of(1),
                new byte[] {1, 2}, new byte[] {1, 3})));
        t.put("stale-exit-ignored", () -> thrown(() -> StaleExitIgnored.check("n00", 3, PEER, true, List.of())));
        t.put("connection-view", () -> thrown(() -> ConnectionViewMatches.check("n00", PEER, 5, emptyTable())));
        t.put("no-establish-after-close", () -> thrown(() -> NoEstablishAfterClose.check("n00", 5, emptyTable(), PEER,
                false, List.of(PEER))));
        t.put("proxy-call-sent-or-refused", () -> thrown(() -> ProxyCallSentOrRefused.check("n00", 7, List.of(),
                new ProxyTracker(EngineLimits.DEFAULTS))));
        t.put("proxy-request-has-call", () -> thrown(() -> ProxyRequestHasCall.check("n00", new Input.TimerFired(),
                PEER, new WireMsg.ProxyRequest(9, new ProxyOp.Status()))));
        t.put("queue-accounting", () -> thrown(() -> {
            ConnectionTable table = emptyTable();
            long inc = table.allocateInbound(0, new ArrayList<>());
            QueueAccounting.check("n00", inc, 3, table);
        }));
        t.put("one-config-per-epoch", () -> thrown(() -> {
            OneConfigPerEpoch check = new OneConfigPerEpoch();
            check.onPersist("n00", PersistentState.EMPTY.withConfig(config(2)));
            check.onPersist("n01", PersistentState.EMPTY.withConfig(config(3)));
        }));
        // Whole runs: saved regressions of mutants (fixed schedules), and mutants' first failing seeds.
        t.put("exit-processed", () -> regression("ignore-handler-exception-exit"));
        t.put("tracker-cleared-on-exit", () -> regression("tracker-not-cleared-on-exit"));
        t.put("one-connection-per-peer", () -> regression("keep-duplicate-connection"));
        t.put("keepalive", () -> regression("silent-queue-drop"));
        t.put("share-matches-digest", () -> firstFailure(Mutation.COMPUTE_SHARE_AT_WRONG_X));
        t.put("no-config-below-commit", () -> thrown(() -> NoConfigBelowCommit.check("n00", committed(2),
                new PersistentState(List.of(config(2)), List.of(), List.of(Epoch.of(2)), null, List.of()))));
        // The authorization checks: the gate mutants against hostile peers, and the refusal of an honest frame.
        t.put(AuthorizedState.UNSIGNED_CONFIG, () -> firstHostileFailure(Mutation.ACCEPT_UNSIGNED_PREPARE,
                AuthorizedState.UNSIGNED_CONFIG));
        t.put(AuthorizedState.UNSIGNED_COMMIT, () -> firstHostileFailure(Mutation.COMMIT_CALL_UNSIGNED,
                AuthorizedState.UNSIGNED_COMMIT));
        t.put(AuthorizedState.UNPROVEN_EXPUNGE, () -> firstHostileFailure(Mutation.ACCEPT_EXPUNGED_WITHOUT_PROOF));
        t.put(AuthorizedState.UNSIGNED_REQUEST_ACCEPTED,
                () -> firstHostileFailure(Mutation.COORDINATE_UNSIGNED_REQUEST));
        t.put(AuthorizedState.HONEST_FRAME_REFUSED, () -> thrown(() -> {
            throw AuthorizedState.honestFrameRefused("n00", PEER, "Prepare", "bad signature");
        }));
        // A management network that loses every call: the control plane never commits anything.
        t.put("liveness", () -> new Simulation(scripted(1, 4, nodes(0, 1, 2, 3), 2, 5_000,
                b -> b.cpLossPercent = ALL_PERCENT)).run().check());
        // A schedule naming a node the rack does not have: the simulator itself throws.
        t.put(SIMULATOR_ERROR, () -> new Simulation(scripted(1, 4, nodes(0, 1, 2, 3), 2, 5_000,
                new Entry.Crash(1_000, 9, 500, Entry.CrashPoint.BETWEEN_EVENTS))).run().check());
        // The checks the simulator's driver decides, and those on an engine's whole state.
        DriverCheckTripsTest.addTo(t);
        return t;
    }

    /** Epoch 1 of a four-member rack with threshold k. */
    private static Configuration config(int k) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            members.add(new Member(new NodeId("tq-sim", "node-0" + i), new Sha3Digest(new byte[Sha3Digest.LENGTH_BYTES])));
        }
        return new Configuration(new RackId(1, 2), Epoch.of(1), ME, members, Threshold.of(k), null, null);
    }

    static PersistentState committed(long epoch) {
        return new PersistentState(List.of(), List.of(), List.of(Epoch.of(epoch)), null, List.of());
    }

    private static ConnectionTable emptyTable() {
        return new ConnectionTable(ME, new PeerAddress("10.0.0.1", 12345), EngineLimits.DEFAULTS,
                new SplittableRandom(1));
    }

    static String thrown(Runnable check) {
        try {
            check.run();
            return null;
        } catch (Violation v) {
            return v.check();
        }
    }

    private static String regression(String name) {
        try {
            Path file = Path.of(EveryCheckCanFailTest.class.getResource("/regressions/" + name + ".json").toURI());
            return new Simulation(RegressionFile.read(file).spec()).run().check();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first check that fails, over the first seeds of the hostile profile with {@code mutant}. */
    private static String firstHostileFailure(Mutation mutant) {
        return firstHostileFailure(mutant, null);
    }

    /** As above; with {@code wanted}, the first failure with that check (a mutant may trip several). */
    private static String firstHostileFailure(Mutation mutant, String wanted) {
        for (long seed = 1; seed <= MUTANT_SEED_BUDGET; seed++) {
            RunResult r = new Simulation(RunSpec.generate(seed, 5, FaultProfile.HOSTILE, mutant)).run();
            if (!r.passed() && (wanted == null || wanted.equals(r.check()))) {
                return r.check();
            }
        }
        return null;
    }

    private static String firstFailure(Mutation mutant) {
        for (long seed = 1; seed <= MUTANT_SEED_BUDGET; seed++) {
            RunResult r = new Simulation(RunSpec.generate(seed, 8, FaultProfile.SWARM, mutant)).run();
            if (!r.passed()) {
                return r.check();
            }
        }
        return null;
    }

    @Test
    void everyRegisteredCheckHasATrip() throws Exception {
        Set<String> registry = registry();
        List<String> missing = new ArrayList<>();
        for (String name : registry) {
            if (!trips().containsKey(name)) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), () -> "checks with no input shown to trip them (add one to trips()): " + missing);
        for (String name : trips().keySet()) {
            assertTrue(registry.contains(name), () -> name + " has a trip but is not a registered check");
        }
    }

    @TestFactory
    List<DynamicTest> eachTripFailsItsCheck() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, Supplier<String>> e : trips().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                String fired = e.getValue().get();
                if (fired == null) {
                    fail(e.getKey() + ": its input passed every check");
                }
                assertEquals(e.getKey(), fired);
            }));
        }
        return tests;
    }
}
