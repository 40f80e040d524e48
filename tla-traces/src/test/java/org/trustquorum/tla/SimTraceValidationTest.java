package org.trustquorum.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.FaultProfile;
import org.trustquorum.sim.RunSpec;
import org.trustquorum.sim.Simulation;

/**
 * Real simulator runs against the spec: honest runs of every fault profile are accepted, and the
 * failing runs of mutants the spec can see are rejected at the event that shows the bug. All
 * traces go into one quint module, so the spec is loaded once (plus once more for the exact
 * replay of the rejected ones).
 */
@Order(2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimTraceValidationTest {

    /** Nodes of the honest runs per profile and of the mutant runs: a small rack keeps traces short. */
    static final int SMALL_RACK_NODES = 4;
    /** The default rack size of the simulator, for one default-scenario run. */
    static final int DEFAULT_NODES = 8;
    /** How many seeds to try to find a mutant's first failing run (the simulator alone is fast; with four
     * nodes and swarm faults, the aborted-connect mutant first fails at seed 96). */
    static final int MAX_SEEDS_TO_FAIL = 150;

    private final QuintRunner quint = QuintSupport.runner();
    private final Map<String, SimulatedTrace> runs = new LinkedHashMap<>();
    private Map<String, TraceVerdict> verdicts;

    @BeforeAll
    void validateAllRunsInOneModule() throws Exception {
        for (FaultProfile p : FaultProfile.values()) {
            runs.put("honest_" + p.cliName(), SimulatedTrace.run(RunSpec.generate(1, SMALL_RACK_NODES, p, Mutation.NONE)));
        }
        runs.put("honest_default", SimulatedTrace.run(RunSpec.generate(1, DEFAULT_NODES, FaultProfile.SWARM, Mutation.NONE)));
        for (Mutation m : List.of(Mutation.APPLY_STALE_EXIT, Mutation.APPLY_ABORTED_CONNECT,
                Mutation.ACK_PREPARE_WITHOUT_PERSIST, Mutation.KEEP_DUPLICATE_CONNECTION)) {
            runs.put("mutant_" + m.name().toLowerCase(java.util.Locale.ROOT), firstFailingRun(m));
        }
        Map<String, List<TraceEvent>> traces = new LinkedHashMap<>();
        runs.forEach((name, run) -> {
            assertNull(run.error(), name + ": " + run.error());
            traces.put(name, run.adapted().traceEvents());
        });
        Path module = QuintSupport.scratch(quint, "sim-traces").resolve("sim_traces.qnt");
        verdicts = new TraceValidator(quint).checkAll(traces, module, quint.specDir(), DEFAULT_NODES);
    }

    /** The first seed (from 1) whose run fails with the mutant, with its trace. */
    private static SimulatedTrace firstFailingRun(Mutation mutant) {
        for (long seed = 1; seed <= MAX_SEEDS_TO_FAIL; seed++) {
            RunSpec spec = RunSpec.generate(seed, SMALL_RACK_NODES, FaultProfile.SWARM, mutant);
            if (!new Simulation(spec).run().passed()) {
                return SimulatedTrace.run(spec);
            }
        }
        return fail("no failing seed of " + mutant.cliName() + " in 1.." + MAX_SEEDS_TO_FAIL);
    }

    private SimTraceAdapter.Mapped rejectedEvent(String name) {
        TraceVerdict v = verdicts.get(name);
        assertInstanceOf(TraceVerdict.EventRejected.class, v, () -> name + ": " + v);
        return runs.get(name).adapted().events().get(((TraceVerdict.EventRejected) v).index());
    }

    @Test
    void honestRunsOfEveryFaultProfileAreAccepted() {
        for (FaultProfile p : FaultProfile.values()) {
            String name = "honest_" + p.cliName();
            assertTrue(runs.get(name).result().passed(), name + " should pass in the simulator");
            assertEquals("converged", runs.get(name).adapted().outcome());
            assertEquals(new TraceVerdict.Accepted(), verdicts.get(name), name);
        }
    }

    @Test
    void aDefaultScenarioRunIsAcceptedAndEndsConverged() {
        SimTraceAdapter.Adapted a = runs.get("honest_default").adapted();
        assertEquals(new TraceVerdict.Accepted(), verdicts.get("honest_default"));
        assertEquals(DEFAULT_NODES, a.nodes());
        List<TraceEvent.Kind> kinds = a.traceEvents().stream().map(TraceEvent::kind).toList();
        // the trace exercises the protocol, the connections and the proxy, and ends converged
        for (TraceEvent.Kind k : List.of(TraceEvent.Kind.Reconfigure, TraceEvent.Kind.Prepare, TraceEvent.Kind.AckSent,
                TraceEvent.Kind.Ack, TraceEvent.Kind.CpCommit, TraceEvent.Kind.Commit, TraceEvent.Kind.ConnOpen,
                TraceEvent.Kind.ConnEstablish, TraceEvent.Kind.ConnExit, TraceEvent.Kind.ProxySend,
                TraceEvent.Kind.ProxyRespond, TraceEvent.Kind.LoadSecret)) {
            assertTrue(kinds.contains(k), "no " + k + " in the default run");
        }
        assertEquals(TraceEvent.Kind.Converged, kinds.get(kinds.size() - 1));
    }

    @Test
    void aStaleExitIsRejectedByTheSpecAtThatExit() {
        SimTraceAdapter.Mapped m = rejectedEvent("mutant_apply_stale_exit");
        assertEquals(TraceEvent.Kind.ConnExit, m.event().kind());
        assertEquals("exited", m.source().kind());
        assertTrue(m.source().json().path("current").isBoolean() && !m.source().json().path("current").asBoolean(),
                "the exit of a replaced incarnation: " + m.source());
    }

    @Test
    void anAbortedIncarnationsConnectedIsRejectedByTheSpecAtThatEstablishment() {
        SimTraceAdapter.Mapped m = rejectedEvent("mutant_apply_aborted_connect");
        assertEquals(TraceEvent.Kind.ConnEstablish, m.event().kind());
        assertEquals("conn.connected", m.source().json().path("what").asText());
    }

    @Test
    void anAckWithoutADurablePrepareIsRejectedAtTheRecoveredAck() {
        SimTraceAdapter.Mapped m = rejectedEvent("mutant_ack_prepare_without_persist");
        assertEquals(TraceEvent.Kind.AckSent, m.event().kind());
        assertTrue(m.source().json().path("recovered").asBoolean(), "the simulator stopped before writing it");
        assertEquals("acked-prepare-durable", runs.get("mutant_ack_prepare_without_persist").result().check());
    }

    @Test
    void aDuplicateEstablishedConnectionMatchesNoSpecAction() {
        SimTraceAdapter.Mapped m = rejectedEvent("mutant_keep_duplicate_connection");
        assertEquals(TraceEvent.Kind.Unmatched, m.event().kind());
        assertEquals(SimTraceAdapter.PREDECESSOR_KEPT, m.event().reason());
        assertEquals("conn.connected", m.source().json().path("what").asText());
    }

    /** {@code ./tq tla check} itself, on one seed of a small rack: its report lines and exit code. */
    @Test
    void theCheckCommandReportsEachSeedAndASummary() {
        StringWriter out = new StringWriter();
        var cl = TlaMain.commandLine();
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("check", "--seeds", "1", "--first-seed", "3", "--nodes", "3", "--faults", "none",
                "--threads", "1");
        String text = out.toString();
        assertEquals(TlaMain.EXIT_OK, exit, text);
        assertTrue(text.matches("(?s).*\\nseed 3: accepted \\(\\d+ events\\)\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n1 traces: 1 accepted, 0 rejected \\(\\d+\\.\\d s\\)\\n?"), text);
        assertNotNull(verdicts);
    }
}
