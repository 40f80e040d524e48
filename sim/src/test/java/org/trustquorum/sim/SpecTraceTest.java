package org.trustquorum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trustquorum.sim.Scripts.nodes;
import static org.trustquorum.sim.Scripts.scripted;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trustquorum.core.Mutation;
import org.trustquorum.sim.json.Json;
import org.trustquorum.sim.log.SpecTrace;

/** The spec trace (tla-traces/README.md "Trace format"): the run as spec actions. */
class SpecTraceTest {
    /** Required fields per kind, as the trace reader demands them. */
    static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("Reconfigure", List.of("node", "epoch", "members", "k")),
            Map.entry("Prepare", List.of("node", "peer", "epoch")),
            Map.entry("Ack", List.of("node", "peer", "epoch")),
            Map.entry("CpCommit", List.of("epoch")),
            Map.entry("Commit", List.of("node", "epoch")),
            Map.entry("PrepareAndCommit", List.of("node", "epoch")),
            Map.entry("ComputeShare", List.of("node", "epoch")),
            Map.entry("Expunge", List.of("node", "epoch")),
            Map.entry("LoadSecret", List.of("node", "epoch", "members")),
            Map.entry("Crash", List.of("node")),
            Map.entry("Restart", List.of("node")),
            Map.entry("ConnOpen", List.of("node", "peer", "inc")),
            Map.entry("ConnEstablish", List.of("node", "peer", "inc")),
            Map.entry("ConnClose", List.of("node", "inc")),
            Map.entry("ConnExit", List.of("node", "inc")),
            Map.entry("ProxySend", List.of("node", "peer", "req", "inc")),
            Map.entry("ProxyBusy", List.of("node", "peer", "req")),
            Map.entry("ProxyRespond", List.of("node", "req")),
            Map.entry("ProxyFail", List.of("node", "req", "reason")),
            Map.entry("Converged", List.of()));

    static List<Map<String, Object>> trace(RunSpec spec) {
        StringWriter w = new StringWriter();
        RunResult r = new Simulation(spec).withSpecTrace(new SpecTrace(w)).run();
        assertTrue(r.passed() || spec.mutant() != Mutation.NONE, () -> r.check() + ": " + r.message());
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : w.toString().split("\n")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(line);
            events.add(m);
        }
        return events;
    }

    static List<String> kinds(List<Map<String, Object>> events, String... only) {
        List<String> keep = List.of(only);
        List<String> out = new ArrayList<>();
        for (Map<String, Object> e : events) {
            String k = (String) e.get("kind");
            if (keep.contains(k)) {
                out.add(k + (e.containsKey("node") ? " " + e.get("node") : "") + " " + e.getOrDefault("epoch", ""));
            }
        }
        return out;
    }

    @Test
    void aQuietRackIsReconfiguredPreparedCommittedAndUnlockedInTheSpecsTerms() {
        List<Map<String, Object>> events = trace(scripted(21, 4, nodes(0, 1, 2, 3), 2, 4_000));
        Map<String, Object> first = events.stream().filter(e -> e.get("kind").equals("Reconfigure")).findFirst()
                .orElseThrow();
        assertEquals(List.of(1L, 2L, 3L, 4L), first.get("members"));
        assertEquals(2L, first.get("k"));
        assertEquals(1L, first.get("epoch"));
        List<String> protocol = kinds(events, "Prepare", "CpCommit", "Commit", "LoadSecret");
        assertEquals(3, protocol.stream().filter(s -> s.startsWith("Prepare")).count(), protocol.toString());
        int cp = protocol.indexOf("CpCommit 1");
        assertTrue(cp > 0, protocol.toString());
        assertTrue(protocol.subList(0, cp).stream().allMatch(s -> s.startsWith("Prepare")), "prepares come first");
        assertEquals(4, protocol.stream().filter(s -> s.startsWith("Commit")).count());
        assertEquals(4, protocol.stream().filter(s -> s.startsWith("LoadSecret")).count());
        assertEquals("Converged", events.get(events.size() - 1).get("kind"));
    }

    @Test
    void everyEventOfAFaultyRunCarriesTheFieldsItsKindRequires() {
        for (long seed = 31; seed < 36; seed++) {
            for (Map<String, Object> e : trace(RunSpec.generate(seed, 8, FaultProfile.HEAVY, Mutation.NONE))) {
                List<String> required = REQUIRED.get((String) e.get("kind"));
                assertTrue(required != null, "unknown kind " + e);
                for (String f : required) {
                    assertTrue(e.containsKey(f), f + " missing in " + e);
                }
                Object node = e.get("node");
                assertTrue(node == null || ((Long) node) >= 1 && ((Long) node) <= 8, e.toString());
            }
        }
    }

    @Test
    void writingTheSpecTraceChangesNothingAndIsDeterministic() {
        RunSpec spec = RunSpec.generate(44, 8, FaultProfile.SWARM, Mutation.NONE);
        StringWriter a = new StringWriter();
        StringWriter b = new StringWriter();
        RunResult ra = new Simulation(spec).withSpecTrace(new SpecTrace(a)).run();
        RunResult rb = new Simulation(spec).withSpecTrace(new SpecTrace(b)).run();
        assertEquals(a.toString(), b.toString());
        assertEquals(new Simulation(spec).run().digest(), ra.digest());
        assertEquals(ra.digest(), rb.digest());
    }

    @Test
    void aMutantsTraceEndsWithTheEventThatBrokeTheCheck() {
        // commit-without-prepare: the operator's Commit reaches a node that never prepared.
        RunSpec spec = null;
        for (long seed = 1; spec == null; seed++) {
            RunSpec s = RunSpec.generate(seed, 8, FaultProfile.SWARM, Mutation.COMMIT_WITHOUT_PREPARE);
            if (!new Simulation(s).run().passed()) {
                spec = s;
            }
        }
        List<Map<String, Object>> events = trace(spec);
        assertEquals("Commit", events.get(events.size() - 1).get("kind"));
    }
}
